// The CSV reader on arbitrary bytes. The first byte picks the options
// (delimiter, tiny parse chunks and scan blocks so that rows and quoted
// fields straddle their edges); the rest is the file. Beyond "no crash, no
// sanitizer report, only InputError", the result is checked against itself:
// every column has one cell per row, codes index their categories, and two
// threads parse exactly what one thread parses.
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "fuzz_support.h"
#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"

namespace {

using nnrecipe::fuzz::require;

void check_consistent(const nnrecipe::Table& t) {
  for (const nnrecipe::Column& c : t.columns()) {
    require(c.size() == t.rows());
    std::size_t missing = 0;
    for (std::size_t i = 0; i < c.size(); ++i) missing += c.is_missing(i) ? 1 : 0;
    require(missing == c.missing_count);
    if (c.is_categorical()) {
      require(c.codes.size() == t.rows());
      for (std::size_t i = 0; i < c.size(); ++i) {
        require(c.is_missing(i) ? c.codes[i] == -1
                                : c.codes[i] >= 0 && static_cast<std::size_t>(c.codes[i]) < c.categories.size());
      }
    } else {
      require(c.values.size() == t.rows());
      for (std::size_t i = 0; i < c.size(); ++i) require(!c.is_missing(i) || std::isnan(c.values[i]));
    }
  }
}

bool same_cells(const nnrecipe::Table& a, const nnrecipe::Table& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::size_t j = 0; j < a.cols(); ++j) {
    const nnrecipe::Column &x = a.column(j), &y = b.column(j);
    if (x.name != y.name || x.type != y.type || x.missing != y.missing || x.codes != y.codes ||
        x.categories != y.categories || x.values.size() != y.values.size()) {
      return false;
    }
    for (std::size_t i = 0; i < x.values.size(); ++i) {
      const bool both_nan = std::isnan(x.values[i]) && std::isnan(y.values[i]);
      if (!both_nan && x.values[i] != y.values[i]) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  const std::string path = nnrecipe::fuzz::scratch_path(".csv");
  nnrecipe::fuzz::write_file(path, data + 1, size - 1);
  nnrecipe::CsvOptions options;
  constexpr char kDelimiters[] = {'\0', ',', ';', '\t'};
  options.delimiter = kDelimiters[flags & 3];
  options.chunk_bytes = std::size_t{1} << (2 + ((flags >> 2) & 7));  // 4 .. 512 bytes
  options.scan_block_bytes = 1 + ((flags >> 5) & 7) * 9;             // 1 .. 64 bytes
  options.threads = 1;
  nnrecipe::CsvOptions parallel = options;
  parallel.threads = 2;
  bool serial_failed = false, parallel_failed = false;
  nnrecipe::Table serial, in_parallel;
  try {
    serial = nnrecipe::read_csv(path, options);
  } catch (const nnrecipe::InputError&) {
    serial_failed = true;
  }
  try {
    in_parallel = nnrecipe::read_csv(path, parallel);
  } catch (const nnrecipe::InputError&) {
    parallel_failed = true;
  }
  // The thread count changes how the file is cut, never what it reads.
  require(serial_failed == parallel_failed);
  if (!serial_failed) {
    check_consistent(serial);
    require(same_cells(serial, in_parallel));
    require(nnrecipe::read_csv_header(path, options).size() == serial.cols());
  }
  std::remove(path.c_str());
  return 0;
}
