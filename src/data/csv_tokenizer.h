#pragma once
// Splits a buffer of CSV text into rows and fields (RFC 4180). Used by both
// passes of the reader, so that the row boundaries found while scanning are
// exactly the ones the parser sees. Blank lines are skipped (as pandas does).
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace nnrecipe::detail {

/// A field as it lies in the buffer: for a quoted field, the text between
/// the quotes, still with doubled quotes ("") when `escaped`.
struct RawField {
  const char* data;
  std::size_t size;
  bool quoted;
  bool escaped;
  std::size_t line;  ///< physical line on which the field starts (1-based)

  std::string_view view() const { return {data, size}; }
  /// The field's value: the view itself, or `scratch` with "" turned into ".
  std::string_view value(std::string& scratch) const {
    if (!escaped) return view();
    scratch.clear();
    for (std::size_t i = 0; i < size; ++i) {
      scratch.push_back(data[i]);
      if (data[i] == '"') ++i;  // skip the second quote of a pair
    }
    return scratch;
  }
};

/// A syntax error found by the tokenizer; the reader adds the file name.
struct CsvSyntaxError {
  std::size_t line;
  std::size_t field;  ///< 1-based field number
  std::string message;
};

class CsvTokenizer {
 public:
  /// `last` says the buffer ends at end of file; otherwise a row that runs
  /// off the end is incomplete (next_row returns Incomplete).
  CsvTokenizer(const char* begin, const char* end, char delimiter, std::size_t first_line,
               bool last)
      : p_(begin), end_(end), delim_(delimiter), line_(first_line), last_(last) {}

  enum Result { Row, End, Incomplete };

  /// Reads the next row. With Collect=false only finds its end (scan pass).
  template <bool Collect>
  Result next_row(std::vector<RawField>& fields) {
    if constexpr (Collect) fields.clear();
    skip_blank_lines();
    if (p_ >= end_) return last_ ? End : Incomplete;  // more may follow this buffer
    const char* row_begin = p_;
    const std::size_t row_line = line_;
    std::size_t field_no = 1;
    for (;; ++field_no) {
      const std::size_t field_line = line_;
      if (p_ < end_ && *p_ == '"') {
        const char* start = ++p_;
        bool escaped = false;
        for (;;) {
          const char* q = static_cast<const char*>(std::memchr(p_, '"', end_ - p_));
          if (q == nullptr) {
            if (!last_) return rewind(row_begin, row_line);
            throw CsvSyntaxError{field_line, field_no,
                                 "unterminated quoted field (the quote opens here and never "
                                 "closes)"};
          }
          line_ += static_cast<std::size_t>(std::count(p_, q, '\n'));
          if (q + 1 < end_ && q[1] == '"') {
            escaped = true;
            p_ = q + 2;
            continue;
          }
          if (q + 1 == end_ && !last_) return rewind(row_begin, row_line);
          if constexpr (Collect) {
            fields.push_back({start, static_cast<std::size_t>(q - start), true, escaped,
                              field_line});
          }
          p_ = q + 1;
          break;
        }
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\r')) ++p_;
        if (p_ >= end_) {
          if (!last_) return rewind(row_begin, row_line);
          return Row;
        }
        if (*p_ == delim_) {
          ++p_;
          continue;
        }
        if (*p_ == '\n') {
          ++p_;
          ++line_;
          return Row;
        }
        throw CsvSyntaxError{line_, field_no,
                             std::string("unexpected character '") + printable(*p_) +
                                 "' after the closing quote of a quoted field"};
      }
      const char* start = p_;
      while (p_ < end_ && *p_ != delim_ && *p_ != '\n') ++p_;
      if (p_ >= end_ && !last_) return rewind(row_begin, row_line);
      const char* field_end = p_;
      if (field_end > start && field_end[-1] == '\r') --field_end;
      if constexpr (Collect) {
        fields.push_back({start, static_cast<std::size_t>(field_end - start), false, false,
                          field_line});
      }
      if (p_ >= end_) return Row;
      if (*p_ == delim_) {
        ++p_;
        continue;
      }
      ++p_;  // '\n'
      ++line_;
      return Row;
    }
  }

  const char* position() const { return p_; }
  std::size_t line() const { return line_; }

 private:
  void skip_blank_lines() {
    while (p_ < end_) {
      if (*p_ == '\n') {
        ++p_;
        ++line_;
      } else if (*p_ == '\r' && (p_ + 1 == end_ || p_[1] == '\n')) {
        ++p_;
      } else {
        break;
      }
    }
  }
  Result rewind(const char* row_begin, std::size_t row_line) {
    p_ = row_begin;
    line_ = row_line;
    return Incomplete;
  }
  static std::string printable(char c) {
    if (c >= 0x20 && c < 0x7f) return std::string(1, c);
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
    return buf;
  }

  const char* p_;
  const char* end_;
  char delim_;
  std::size_t line_;
  bool last_;
};

}  // namespace nnrecipe::detail
