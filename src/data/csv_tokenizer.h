#pragma once
// Splits a buffer of CSV text into rows and fields (RFC 4180). Used by both
// passes of the reader, so that the row boundaries found while scanning are
// exactly the ones the parser sees. Blank lines are skipped (as pandas does).
#include <algorithm>
#include <cstddef>
#include <cstdint>
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

/// The first delimiter or '\n' in [p, end), or end. Eight bytes at a time
/// (SWAR): a zero byte of x ^ pattern marks a match, and the lowest flagged
/// byte is exact (false flags only appear above a true one). The parse pass
/// spends most of its tokenizing time here.
inline const char* find_delimiter_or_newline(const char* p, const char* end, char delim) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const uint64_t delims = kOnes * static_cast<unsigned char>(delim);
  const uint64_t newlines = kOnes * static_cast<unsigned char>('\n');
  while (end - p >= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    const uint64_t a = x ^ delims, b = x ^ newlines;
    const uint64_t hits = ((a - kOnes) & ~a & kHighs) | ((b - kOnes) & ~b & kHighs);
    if (hits != 0) return p + (__builtin_ctzll(hits) >> 3);
    p += 8;
  }
#endif
  while (p < end && *p != delim && *p != '\n') ++p;
  return p;
}

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
  CsvTokenizer(const char* begin, const char* end, char delimiter, std::size_t first_line, bool last)
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
            fields.push_back({start, static_cast<std::size_t>(q - start), true, escaped, field_line});
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
        throw CsvSyntaxError{
            line_, field_no,
            std::string("unexpected character '") + printable(*p_) + "' after the closing quote of a quoted field"};
      }
      const char* start = p_;
      p_ = find_delimiter_or_newline(p_, end_, delim_);
      if (p_ >= end_ && !last_) return rewind(row_begin, row_line);
      const char* field_end = p_;
      if (field_end > start && field_end[-1] == '\r') --field_end;
      if constexpr (Collect) {
        fields.push_back({start, static_cast<std::size_t>(field_end - start), false, false, field_line});
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

  /// Finds the end of the next row like next_row<false>, with memchr over
  /// the row instead of a byte loop (the scan pass spends its time here).
  /// Quoted fields are skipped quote to quote; anything unusual (a row that
  /// runs off the buffer, a character after a closing quote) is left to
  /// next_row, so both always agree on where rows end.
  Result skip_row() {
    skip_blank_lines();
    if (p_ >= end_) return last_ ? End : Incomplete;
    const char* p = p_;
    std::size_t line = line_;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end_ - p));
      if (nl == nullptr) break;  // the last row, or incomplete: the careful path decides
      const char* q = static_cast<const char*>(std::memchr(p, '"', nl - p));
      // A quote inside an unquoted field is data: look past it.
      while (q != nullptr && q != p_ && q[-1] != delim_) {
        q = static_cast<const char*>(std::memchr(q + 1, '"', nl - q - 1));
      }
      if (q == nullptr) {
        p_ = nl + 1;
        line_ = line + 1;
        return Row;
      }
      // A quoted field: find its closing quote (past "" pairs and newlines).
      const char* c = q + 1;
      for (;;) {
        c = static_cast<const char*>(std::memchr(c, '"', end_ - c));
        if (c == nullptr || c + 1 >= end_) return next_row<false>(no_fields_);
        if (c[1] != '"') break;
        c += 2;
      }
      line += static_cast<std::size_t>(std::count(q, c, '\n'));
      const char* after = c + 1;
      if (*after == '\r' && after + 1 < end_ && after[1] == '\n') ++after;         // CRLF
      if (*after != delim_ && *after != '\n') return next_row<false>(no_fields_);  // spaces, or an error
      p = after;
    }
    return next_row<false>(no_fields_);
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

  std::vector<RawField> no_fields_;  // next_row<false> collects nothing
  const char* p_;
  const char* end_;
  char delim_;
  std::size_t line_;
  bool last_;
};

}  // namespace nnrecipe::detail
