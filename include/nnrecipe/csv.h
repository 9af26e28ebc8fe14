#pragma once
/// @file
/// @brief CSV reader: a file into a typed Table, in parallel.
///
/// RFC 4180 quoting (embedded delimiters, newlines, doubled quotes), header
/// row, delimiter detection among ',' ';' and tab, UTF-8 with or without BOM,
/// CRLF, missing tokens, and per-column type inference: numeric unless a
/// non-numeric token appears; boolean when every token is true/false;
/// categorical otherwise. Parsing runs on num_threads() threads over file
/// chunks; numbers are parsed in place (no per-cell allocation).
///
/// @code
/// nnrecipe::CsvOptions options;  // the delimiter is detected unless set
/// options.type_overrides["Zip"] = nnrecipe::ColumnType::Categorical;
/// const nnrecipe::Table table = nnrecipe::read_csv("examples/data/credit_data.csv", options);
/// std::cout << table.rows() << " rows, " << table.cols() << " columns\n";
/// @endcode
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nnrecipe/table.h"

namespace nnrecipe {

struct CsvOptions {
  /// Field delimiter; `\0` detects it from the first lines (`,` `;` or a tab, `\t`).
  char delimiter = '\0';
  /// Tokens read as missing, compared exactly (after removing quotes).
  /// Lower-case "nan"/"inf" are read as values, so that later checks can flag
  /// them as non-finite.
  std::vector<std::string> missing_tokens = {"", "NA", "NaN", "null", "?"};
  /// Forced column types by column name. A token that does not fit a forced
  /// numeric/boolean type is an error naming the line and column.
  std::map<std::string, ColumnType> type_overrides;
  /// Threads for parsing; 0 = num_threads().
  std::size_t threads = 0;
  /// Bytes of input per parallel task.
  std::size_t chunk_bytes = std::size_t{8} << 20;
  /// Bytes read per step of the serial scan (rows may span steps).
  std::size_t scan_block_bytes = std::size_t{4} << 20;
  /// Called as work advances (phase "scanning" then "parsing", bytes done of
  /// the file size); may be called from several threads at once.
  std::function<void(const char* phase, uint64_t done, uint64_t total)> progress;
};

/// Reads a CSV file into a Table. Throws InputError naming the file and,
/// where it applies, the line and column (1-based field number).
Table read_csv(const std::string& path, const CsvOptions& options = {});

/// The column names of a CSV file's header row (reads only the first rows).
std::vector<std::string> read_csv_header(const std::string& path, const CsvOptions& options = {});

/// The delimiter that detection picks for this text (the file's first lines).
char detect_delimiter(const char* begin, const char* end);

}  // namespace nnrecipe
