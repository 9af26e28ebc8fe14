// CSV reader in two passes over the file, never holding all of it in memory:
//  1. scan (serial, streaming): header, delimiter, a type guess from the
//     first rows, and chunk boundaries that fall on row ends, with each
//     chunk's first row and line number;
//  2. parse (parallel over chunks): each chunk is read into a thread-local
//     buffer and its rows are written straight into the final columns.
// A column guessed numeric that meets a non-numeric token is re-read as text
// afterwards (rare). Peak memory is the table plus one buffer per thread.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "csv_tokenizer.h"
#include "file_input.h"
#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/text_parse.h"

namespace nnrecipe {
namespace {

using detail::CsvSyntaxError;
using detail::CsvTokenizer;
using detail::RawField;

constexpr std::size_t kSampleRows = 1000;       // rows used for the first type guess
constexpr std::size_t kDetectBytes = 64 << 10;  // bytes seen by delimiter detection

struct Chunk {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::size_t first_row = 0;
  std::size_t first_line = 0;
  std::size_t rows = 0;
};

struct Layout {
  char delimiter = ',';
  std::vector<std::string> names;
  std::vector<ColumnType> guess;
  std::vector<Chunk> chunks;
  std::size_t rows = 0;
};

// Distinct strings of one categorical column within one chunk. The map's
// keys view strings owned by the deque, whose elements never move.
struct ChunkDictionary {
  std::deque<std::string> strings;
  std::unordered_map<std::string_view, int32_t> index;

  int32_t code_of(std::string_view s, bool& inserted) {
    auto it = index.find(s);
    if (it != index.end()) {
      inserted = false;
      return it->second;
    }
    inserted = true;
    strings.emplace_back(s);
    const auto code = static_cast<int32_t>(strings.size() - 1);
    index.emplace(strings.back(), code);
    return code;
  }
};

[[noreturn]] void syntax_error(const std::string& path, const CsvSyntaxError& e) {
  throw InputError(path, e.message, e.line, e.field);
}

std::string quote_token(std::string_view token) {
  constexpr std::size_t kMax = 40;
  std::string shown(token.substr(0, kMax));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return "'" + shown + (token.size() > kMax ? "...'" : "'");
}

void check_utf8(const std::string& path, std::string_view text, std::size_t line, std::size_t field) {
  const std::size_t bad = detail::find_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    throw InputError(path,
                     fmt::format("invalid UTF-8 (byte 0x{:02x} at offset {} of the field); "
                                 "re-encode the file as UTF-8",
                                 static_cast<unsigned char>(text[bad]), bad),
                     line, field);
  }
}

// The first NUL byte means a binary file: report its line.
[[noreturn]] void nul_error(const detail::InputFile& file, uint64_t nul_offset) {
  std::size_t line = 1;
  std::vector<char> buf(1 << 20);
  for (uint64_t off = 0; off < nul_offset;) {
    const std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(buf.size(), nul_offset - off));
    const std::size_t got = file.read_at(off, buf.data(), want);
    if (got == 0) break;
    line += static_cast<std::size_t>(std::count(buf.data(), buf.data() + got, '\n'));
    off += got;
  }
  throw InputError(file.path(),
                   fmt::format("NUL byte at byte offset {}: this looks like a binary file, not "
                               "CSV text",
                               nul_offset),
                   line);
}

// ---------------------------------------------------------------- pass 1

class Scanner {
 public:
  Scanner(const detail::InputFile& file, const CsvOptions& options)
      : file_(file), options_(options), missing_(options.missing_tokens) {}

  Layout run() {
    read_start();
    scan_rows();
    if (layout_.rows == 0) {
      throw InputError(file_.path(), "the file has a header row but no data rows", 1);
    }
    return std::move(layout_);
  }

  /// Reads up to the end of the header row: BOM, delimiter, column names.
  const std::vector<std::string>& read_start() {
    if (file_.size() == 0) throw InputError(file_.path(), "the file is empty");
    // BOM and delimiter detection look at the first bytes: have enough.
    do {
      fill();
    } while (!eof_ && buf_.size() < kDetectBytes);
    skip_bom();
    if (pos_ == buf_.size() && eof_) throw InputError(file_.path(), "the file is empty");
    layout_.delimiter = options_.delimiter != '\0' ? options_.delimiter
                                                   : detect_delimiter(buf_.data() + pos_, buf_.data() + buf_.size());
    read_header();
    return layout_.names;
  }

 private:
  // Appends the next block of the file to the buffer, first dropping what
  // has been consumed. Checks each new block for NUL bytes.
  void fill() {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    buf_offset_ += pos_;
    pos_ = 0;
    const std::size_t old = buf_.size();
    const std::size_t block = std::max<std::size_t>(options_.scan_block_bytes, 1);
    buf_.resize(old + block);
    const uint64_t at = buf_offset_ + old;
    const std::size_t got = file_.read_at(at, buf_.data() + old, block);
    buf_.resize(old + got);
    if (const void* nul = std::memchr(buf_.data() + old, '\0', got)) {
      nul_error(file_, at + static_cast<uint64_t>(static_cast<const char*>(nul) - (buf_.data() + old)));
    }
    eof_ = (at + got >= file_.size());
    if (options_.progress) options_.progress("scanning", at + got, file_.size());
  }

  void skip_bom() {
    if (buf_.size() >= 3 && static_cast<unsigned char>(buf_[0]) == 0xEF &&
        static_cast<unsigned char>(buf_[1]) == 0xBB && static_cast<unsigned char>(buf_[2]) == 0xBF) {
      pos_ = 3;
    }
  }

  // Runs the tokenizer on the buffer from pos_, reading more of the file
  // whenever a row is incomplete. Returns false at end of file.
  template <bool Collect>
  bool next_row(std::vector<RawField>& fields, std::size_t& row_line) {
    for (;;) {
      CsvTokenizer tok(buf_.data() + pos_, buf_.data() + buf_.size(), layout_.delimiter, line_, eof_);
      CsvTokenizer::Result r;
      try {
        if constexpr (Collect) {
          r = tok.next_row<true>(fields);
        } else {
          r = tok.skip_row();
        }
      } catch (const CsvSyntaxError& e) {
        syntax_error(file_.path(), e);
      }
      if (r == CsvTokenizer::Incomplete) {
        fill();
        continue;
      }
      if (r == CsvTokenizer::End) return false;
      row_line = Collect && !fields.empty() ? fields.front().line : line_;
      pos_ = static_cast<std::size_t>(tok.position() - buf_.data());
      line_ = tok.line();
      return true;
    }
  }

  void read_header() {
    std::vector<RawField> fields;
    std::size_t row_line = 0;
    if (!next_row<true>(fields, row_line)) throw InputError(file_.path(), "the file is empty");
    std::string scratch;
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::string name(fields[i].value(scratch));
      check_utf8(file_.path(), name, fields[i].line, i + 1);
      if (name.empty()) name = fmt::format("column_{}", i + 1);
      auto [it, fresh] = seen.emplace(name, i);
      if (!fresh) {
        throw InputError(file_.path(),
                         fmt::format("duplicate column name '{}' (columns {} and {})", name, it->second + 1, i + 1),
                         fields[i].line, i + 1);
      }
      layout_.names.push_back(std::move(name));
    }
    for (const auto& [name, type] : options_.type_overrides) {
      if (!seen.count(name)) {
        throw InputError(file_.path(),
                         fmt::format("a type is given for column '{}', but the "
                                     "header has no such column",
                                     name),
                         1);
      }
    }
    saw_text_.assign(fields.size(), 0);
    saw_bool_.assign(fields.size(), 0);
    saw_number_.assign(fields.size(), 0);
  }

  void scan_rows() {
    const std::size_t ncols = layout_.names.size();
    std::vector<RawField> fields;
    std::string scratch;
    Chunk chunk{buf_offset_ + pos_, 0, 0, line_, 0};
    std::size_t row_line = 0;
    for (;;) {
      const bool sampling = layout_.rows < kSampleRows;
      const bool more = sampling ? next_row<true>(fields, row_line) : next_row<false>(fields, row_line);
      if (!more) break;
      if (sampling) {
        if (fields.size() != ncols) {
          throw InputError(file_.path(),
                           fmt::format("expected {} fields (as in the header), found {}", ncols, fields.size()),
                           row_line);
        }
        for (std::size_t c = 0; c < ncols; ++c) classify(c, fields[c].value(scratch));
      }
      ++layout_.rows;
      ++chunk.rows;
      const uint64_t end = buf_offset_ + pos_;
      if (end - chunk.offset >= options_.chunk_bytes) {
        chunk.length = end - chunk.offset;
        layout_.chunks.push_back(chunk);
        chunk = Chunk{end, 0, layout_.rows, line_, 0};
      }
    }
    const uint64_t end = buf_offset_ + pos_;
    if (chunk.rows > 0) {
      chunk.length = end - chunk.offset;
      layout_.chunks.push_back(chunk);
    }
    for (std::size_t c = 0; c < ncols; ++c) {
      auto forced = options_.type_overrides.find(layout_.names[c]);
      if (forced != options_.type_overrides.end()) {
        layout_.guess.push_back(forced->second);
      } else if (saw_text_[c]) {
        layout_.guess.push_back(ColumnType::Categorical);
      } else if (saw_bool_[c] && !saw_number_[c]) {
        layout_.guess.push_back(ColumnType::Boolean);
      } else if (saw_bool_[c]) {
        layout_.guess.push_back(ColumnType::Categorical);
      } else {
        layout_.guess.push_back(ColumnType::Numeric);
      }
    }
  }

  void classify(std::size_t c, std::string_view token) {
    if (missing_.contains(token)) return;
    double v;
    if (detail::parse_double(token.data(), token.data() + token.size(), v)) {
      saw_number_[c] = 1;
    } else if (detail::parse_bool(token, v)) {
      saw_bool_[c] = 1;
    } else {
      saw_text_[c] = 1;
    }
  }

  const detail::InputFile& file_;
  const CsvOptions& options_;
  detail::MissingTokens missing_;
  Layout layout_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  uint64_t buf_offset_ = 0;
  std::size_t line_ = 1;
  bool eof_ = false;
  std::vector<uint8_t> saw_text_, saw_bool_, saw_number_;
};

// ---------------------------------------------------------------- pass 2

class Parser {
 public:
  Parser(const detail::InputFile& file, const CsvOptions& options, Layout layout)
      : file_(file), options_(options), missing_(options.missing_tokens), layout_(std::move(layout)) {}

  Table run() {
    const std::size_t ncols = layout_.names.size();
    const std::size_t rows = layout_.rows;
    columns_.resize(ncols);
    kinds_ = layout_.guess;
    failed_ = std::make_unique<std::atomic<bool>[]>(ncols);
    for (std::size_t c = 0; c < ncols; ++c) {
      failed_[c] = false;
      columns_[c].name = layout_.names[c];
      columns_[c].type = kinds_[c];
    }
    // Touching ~0.5 GB of fresh pages is a quarter second on one thread.
    parallel_for(
        ncols,
        [&](std::size_t c) {
          columns_[c].missing.assign(rows, 0);
          allocate(c);
        },
        options_.threads);
    dictionaries_.assign(layout_.chunks.size(), std::vector<ChunkDictionary>(ncols));

    std::vector<std::size_t> all(ncols);
    for (std::size_t c = 0; c < ncols; ++c) all[c] = c;
    parse_all(all);

    // Columns whose guess a later token contradicted: re-read them as text.
    std::vector<std::size_t> reparse;
    for (std::size_t c = 0; c < ncols; ++c) {
      if (failed_[c]) {
        kinds_[c] = ColumnType::Categorical;
        columns_[c].type = ColumnType::Categorical;
        columns_[c].values = {};
        columns_[c].missing.assign(rows, 0);
        allocate(c);
        reparse.push_back(c);
      }
    }
    if (!reparse.empty()) parse_all(reparse);

    parallel_for(
        ncols, [&](std::size_t c) { finish_column(c); }, options_.threads);
    dictionaries_.clear();
    return Table(std::move(columns_), rows);
  }

 private:
  void allocate(std::size_t c) {
    if (kinds_[c] == ColumnType::Categorical) {
      columns_[c].codes.assign(layout_.rows, -1);
    } else {
      columns_[c].values.assign(layout_.rows, std::numeric_limits<double>::quiet_NaN());
    }
  }

  bool forced(std::size_t c) const { return options_.type_overrides.count(layout_.names[c]) > 0; }

  void parse_all(const std::vector<std::size_t>& cols) {
    std::vector<uint8_t> wanted(layout_.names.size(), 0);
    for (std::size_t c : cols) wanted[c] = 1;
    parallel_for(
        layout_.chunks.size(), [&](std::size_t k) { parse_chunk(k, wanted); }, options_.threads);
  }

  void parse_chunk(std::size_t k, const std::vector<uint8_t>& wanted) {
    const Chunk& chunk = layout_.chunks[k];
    thread_local std::vector<char> buffer;
    buffer.resize(static_cast<std::size_t>(chunk.length));
    if (file_.read_at(chunk.offset, buffer.data(), buffer.size()) != buffer.size()) {
      throw InputError(file_.path(), "the file changed while it was being read");
    }
    const std::size_t ncols = layout_.names.size();
    CsvTokenizer tok(buffer.data(), buffer.data() + buffer.size(), layout_.delimiter, chunk.first_line, true);
    std::vector<RawField> fields;
    fields.reserve(ncols);
    std::string scratch;
    std::vector<ChunkDictionary>& dicts = dictionaries_[k];
    std::size_t row = chunk.first_row;
    try {
      while (tok.next_row<true>(fields) == CsvTokenizer::Row) {
        if (fields.size() != ncols) {
          throw InputError(file_.path(),
                           fmt::format("expected {} fields (as in the header), found {}", ncols, fields.size()),
                           fields.front().line);
        }
        for (std::size_t c = 0; c < ncols; ++c) {
          if (!wanted[c]) continue;
          const std::string_view token = fields[c].value(scratch);
          Column& col = columns_[c];
          if (missing_.contains(token)) {
            col.missing[row] = 1;
            continue;
          }
          switch (kinds_[c]) {
            case ColumnType::Numeric:
              if (!detail::parse_double(token.data(), token.data() + token.size(), col.values[row])) {
                reject(c, token, fields[c].line, "a number");
              }
              break;
            case ColumnType::Boolean:
              if (!detail::parse_bool(token, col.values[row])) {
                reject(c, token, fields[c].line, "true or false");
              }
              break;
            case ColumnType::Categorical: {
              bool inserted = false;
              col.codes[row] = dicts[c].code_of(token, inserted);
              if (inserted) check_utf8(file_.path(), token, fields[c].line, c + 1);
              break;
            }
          }
        }
        ++row;
      }
    } catch (const CsvSyntaxError& e) {
      syntax_error(file_.path(), e);
    }
    if (row - chunk.first_row != chunk.rows) {
      throw InputError(file_.path(), "the file changed while it was being read");
    }
    if (options_.progress) options_.progress("parsing", parsed_bytes_ += chunk.length, file_.size());
  }

  // A token that does not fit the column's type: an error if the type was
  // declared, else the column is re-read as text after this pass.
  void reject(std::size_t c, std::string_view token, std::size_t line, const char* expected) {
    if (forced(c)) {
      throw InputError(file_.path(),
                       fmt::format("{} in column '{}' is not {}, but the column is declared {}", quote_token(token),
                                   layout_.names[c], expected, to_string(kinds_[c])),
                       line, c + 1);
    }
    failed_[c] = true;
  }

  // Merges the chunks' dictionaries into sorted categories, remaps codes and
  // counts missing cells. A re-read column whose tokens are all true/false
  // becomes boolean.
  void finish_column(std::size_t c) {
    Column& col = columns_[c];
    col.missing_count = static_cast<std::size_t>(std::count(col.missing.begin(), col.missing.end(), 1));
    if (!col.is_categorical()) return;

    std::vector<std::string_view> all;
    for (const auto& chunk_dicts : dictionaries_) {
      for (const std::string& s : chunk_dicts[c].strings) all.push_back(s);
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    col.categories.assign(all.begin(), all.end());

    for (std::size_t k = 0; k < layout_.chunks.size(); ++k) {
      const auto& strings = dictionaries_[k][c].strings;
      if (strings.empty()) continue;
      std::vector<int32_t> remap(strings.size());
      for (std::size_t i = 0; i < strings.size(); ++i) {
        remap[i] =
            static_cast<int32_t>(std::lower_bound(all.begin(), all.end(), std::string_view(strings[i])) - all.begin());
      }
      const Chunk& chunk = layout_.chunks[k];
      for (std::size_t r = chunk.first_row; r < chunk.first_row + chunk.rows; ++r) {
        if (col.codes[r] >= 0) col.codes[r] = remap[static_cast<std::size_t>(col.codes[r])];
      }
    }

    double unused;
    const bool all_bool =
        !col.categories.empty() && std::all_of(col.categories.begin(), col.categories.end(),
                                               [&](const std::string& s) { return detail::parse_bool(s, unused); });
    if (all_bool && !forced(c)) {
      std::vector<double> truth(col.categories.size());
      for (std::size_t i = 0; i < truth.size(); ++i) detail::parse_bool(col.categories[i], truth[i]);
      col.values.assign(col.size(), std::numeric_limits<double>::quiet_NaN());
      for (std::size_t r = 0; r < col.size(); ++r) {
        if (!col.missing[r]) col.values[r] = truth[static_cast<std::size_t>(col.codes[r])];
      }
      col.type = ColumnType::Boolean;
      col.codes = {};
      col.categories = {};
      return;
    }

    std::vector<uint8_t> numeric_like(col.categories.size());
    for (std::size_t i = 0; i < numeric_like.size(); ++i) {
      const std::string& s = col.categories[i];
      numeric_like[i] = detail::parse_double(s.data(), s.data() + s.size(), unused);
    }
    for (std::size_t r = 0; r < col.size(); ++r) {
      if (!col.missing[r]) col.numeric_like_count += numeric_like[static_cast<std::size_t>(col.codes[r])];
    }
  }

  const detail::InputFile& file_;
  const CsvOptions& options_;
  detail::MissingTokens missing_;
  Layout layout_;
  std::vector<Column> columns_;
  std::vector<ColumnType> kinds_;
  std::unique_ptr<std::atomic<bool>[]> failed_;
  std::vector<std::vector<ChunkDictionary>> dictionaries_;  // [chunk][column]
  std::atomic<uint64_t> parsed_bytes_{0};
};

}  // namespace

char detect_delimiter(const char* begin, const char* end) {
  // Count each candidate outside quotes on the first lines; prefer the one
  // whose count is the same non-zero number on every line, then the most
  // frequent on the header line.
  constexpr char kCandidates[] = {',', ';', '\t'};
  constexpr std::size_t kLines = 20;
  std::vector<std::array<std::size_t, 3>> counts;
  std::array<std::size_t, 3> line{};
  bool quoted = false;
  for (const char* p = begin; p < end && counts.size() < kLines; ++p) {
    if (*p == '"') quoted = !quoted;
    if (quoted) continue;
    if (*p == '\n') {
      counts.push_back(line);
      line = {};
      continue;
    }
    for (std::size_t i = 0; i < 3; ++i) line[i] += (*p == kCandidates[i]);
  }
  if (counts.size() < kLines && line != std::array<std::size_t, 3>{}) counts.push_back(line);
  if (counts.empty()) return ',';
  int best = -1;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t first = counts.front()[i];
    if (first == 0) continue;
    const bool consistent = std::all_of(counts.begin(), counts.end(), [&](const auto& c) { return c[i] == first; });
    if (consistent && (best < 0 || first > counts.front()[static_cast<std::size_t>(best)])) {
      best = static_cast<int>(i);
    }
  }
  if (best >= 0) return kCandidates[best];
  std::size_t most = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (counts.front()[i] > most) {
      most = counts.front()[i];
      best = static_cast<int>(i);
    }
  }
  return best >= 0 ? kCandidates[best] : ',';
}

std::vector<std::string> read_csv_header(const std::string& path, const CsvOptions& options) {
  detail::InputFile file(path);
  return Scanner(file, options).read_start();
}

Table read_csv(const std::string& path, const CsvOptions& options) {
  detail::InputFile file(path);
  Layout layout = Scanner(file, options).run();
  return Parser(file, options, std::move(layout)).run();
}

}  // namespace nnrecipe
