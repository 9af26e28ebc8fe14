#pragma once
// Parsing of single CSV tokens: numbers, booleans, missing tokens, UTF-8.
// Hot path of the CSV reader: everything inline, nothing allocates.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace nnrecipe::detail {

/// Clinger's fast path for the common token: [+-]digits[.digits] with at
/// most 15 digits in all. The mantissa (< 10^15 < 2^53) and 10^k (k <= 15)
/// are exact doubles and IEEE division rounds correctly, so the result is
/// bit-identical to from_chars, at about half its cost. False = use the
/// general parser.
inline bool parse_simple_decimal(const char* p, const char* e, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = p < e && *p == '-';
  if (p < e && (*p == '-' || *p == '+')) ++p;
  uint64_t mantissa = 0;
  int digits = 0;
  const char* int_start = p;
  for (; p < e && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits)
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  const bool has_int = p != int_start;
  int frac = 0;
  if (p < e && *p == '.') {
    const char* frac_start = ++p;
    for (; p < e && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits)
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    frac = static_cast<int>(p - frac_start);
    if (!has_int && frac == 0) return false;
  } else if (!has_int) {
    return false;
  }
  if (p != e || digits > 15) return false;
  const double v = static_cast<double>(mantissa) / kPow10[frac];
  out = negative ? -v : v;
  return true;
}

/// Parses a whole token as a double: optional surrounding spaces, optional
/// '+', decimal or exponent form, "inf"/"infinity"/"nan" in any case.
/// Returns false if anything else is in the token.
inline bool parse_double(const char* b, const char* e, double& out) {
  if (parse_simple_decimal(b, e, out)) return true;
  while (b < e && *b == ' ') ++b;
  while (e > b && e[-1] == ' ') --e;
  if (b == e) return false;
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-' || *b == '+') return false;
  }
  auto [ptr, ec] = std::from_chars(b, e, out);
  if (ptr != e) return false;
  // Out-of-range literals (1e999, 1e-999) are rare: let strtod give the
  // +-inf or 0 it gives everywhere else.
  if (ec == std::errc::result_out_of_range) {
    std::string copy(b, e);
    out = std::strtod(copy.c_str(), nullptr);
    return true;
  }
  return ec == std::errc();
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// "true"/"false" in any case -> 1/0; false if the token is neither.
inline bool parse_bool(std::string_view token, double& out) {
  if (iequals(token, "true")) {
    out = 1.0;
    return true;
  }
  if (iequals(token, "false")) {
    out = 0.0;
    return true;
  }
  return false;
}

/// The missing-token set, matched by length first (the common case is a
/// number whose length matches no token).
class MissingTokens {
 public:
  explicit MissingTokens(const std::vector<std::string>& tokens) : tokens_(tokens) {}
  bool contains(std::string_view token) const {
    for (const std::string& t : tokens_) {
      if (t.size() == token.size() && std::memcmp(t.data(), token.data(), t.size()) == 0) {
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> tokens_;
};

/// Byte offset of the first invalid UTF-8 sequence, or npos if valid.
std::size_t find_invalid_utf8(std::string_view text);

}  // namespace nnrecipe::detail
