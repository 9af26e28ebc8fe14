// Token parsing: the fast decimal path must agree bit for bit with strtod.
#include <cmath>
#include <cstring>
#include <random>

#include "nnrecipe/text_parse.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

using detail::parse_double;

double strtod_of(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

bool parses_to(const std::string& s, double expected) {
  double v = 0;
  if (!parse_double(s.data(), s.data() + s.size(), v)) return false;
  return std::memcmp(&v, &expected, sizeof v) == 0 || (std::isnan(v) && std::isnan(expected));
}

TEST(TextParse, FastDecimalPathMatchesStrtodBitForBit) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 17);  // 16-17 digits take the general path
    std::string s = (rng() % 3 == 0) ? "-" : "";
    const int point = static_cast<int>(rng() % (digits + 1));
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) s += '.';
      s += static_cast<char>('0' + rng() % 10);
    }
    ASSERT_TRUE(parses_to(s, strtod_of(s))) << s;
  }
}

TEST(TextParse, AcceptedAndRejectedTokens) {
  for (const char* ok : {"0", "-0", "+5", "1.", ".5", "-.5", " 42 ", "1e3", "1E-3", "inf", "-inf", "nan", "Infinity",
                         "123456789012345678901234567890", "4.9e-324"}) {
    EXPECT_TRUE(parses_to(ok, strtod_of(ok))) << ok;
  }
  double v;
  for (const char* bad : {"", "-", "+", ".", "1.2.3", "abc", "1,5", "5e", "+-1", "--1", "0x10", "1 2"}) {
    EXPECT_FALSE(parse_double(bad, bad + std::strlen(bad), v)) << bad;
  }
  EXPECT_TRUE(std::signbit(strtod_of("-0")));
  EXPECT_TRUE(parses_to("-0", -0.0));
}

TEST(TextParse, Utf8Validation) {
  EXPECT_EQ(detail::find_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(detail::find_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::string_view::npos);
  EXPECT_EQ(detail::find_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(detail::find_invalid_utf8("\xc0\xaf"), 0u);       // overlong '/'
  EXPECT_EQ(detail::find_invalid_utf8("x\xed\xa0\x80"), 1u);  // surrogate
  EXPECT_EQ(detail::find_invalid_utf8("\xe2\x82"), 0u);       // truncated
}

}  // namespace
}  // namespace nnrecipe::test

#include "data/csv_tokenizer.h"

namespace nnrecipe::test {
namespace {

// The eight-bytes-at-a-time search must find exactly what a byte loop finds.
TEST(Tokenizer, WordAtATimeSearchMatchesAByteLoop) {
  std::mt19937_64 rng(3);
  const char alphabet[] = {'a', ',', '\n', ';', '\x80', '\xff', '\x01', '0', '\x2c' + 1, '\x0a' + 1};
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 40, 'x');
    for (char& c : s) c = (rng() % 4 == 0) ? alphabet[rng() % sizeof alphabet] : static_cast<char>(rng());
    const char delim = (rng() % 2) ? ',' : ';';
    const std::size_t from = s.empty() ? 0 : rng() % s.size();
    const char* begin = s.data() + from;
    const char* end = s.data() + s.size();
    const char* expected = begin;
    while (expected < end && *expected != delim && *expected != '\n') ++expected;
    ASSERT_EQ(detail::find_delimiter_or_newline(begin, end, delim), expected) << round;
  }
}

}  // namespace
}  // namespace nnrecipe::test
