// The CSV reader on awkward but valid inputs: each must read correctly.
#include <cmath>
#include <cstring>
#include <random>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

TEST(CsvReader, BomAndCrlf) {
  const Table t = read_csv(test_data("good/bom_crlf.csv"));
  ASSERT_EQ(t.rows(), 2u);
  ASSERT_EQ(t.cols(), 3u);
  EXPECT_EQ(t.column(0).name, "id");  // no BOM bytes in the first name
  EXPECT_EQ(t.column("name").categories, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(t.column("score").type, ColumnType::Numeric);  // no '\r' left on the last field
  EXPECT_DOUBLE_EQ(t.column("score").values[1], 1.5);
}

TEST(CsvReader, QuotedNewlinesDoubledQuotesAndDelimiters) {
  const Table t = read_csv(test_data("good/quoted_newlines.csv"));
  ASSERT_EQ(t.rows(), 3u);
  const Column& c = t.column("comment");
  EXPECT_EQ(c.cell_text(0), "line one\nline two");
  EXPECT_EQ(c.cell_text(1), "she said \"hi\"");
  EXPECT_EQ(c.cell_text(2), "a,b");
  EXPECT_EQ(t.column("value").values, (std::vector<double>{3, 4, 5}));
}

TEST(CsvReader, DetectsSemicolonAndTab) {
  const Table semi = read_csv(test_data("good/semicolon.csv"));
  ASSERT_EQ(semi.cols(), 3u);
  EXPECT_EQ(semi.column("a").cell_text(0), "1,5");  // a comma inside a ';' file is data
  EXPECT_EQ(semi.column("c").values, (std::vector<double>{3, 4}));
  const Table tab = read_csv(test_data("good/tab.tsv"));
  ASSERT_EQ(tab.cols(), 3u);
  EXPECT_EQ(tab.column("b").cell_text(0), "x y");
  EXPECT_EQ(detect_delimiter("a|b\n", "a|b\n" + 4), ',');  // nothing to find: default
}

TEST(CsvReader, NonFiniteLiteralsAreValuesNotMissing) {
  const Table t = read_csv(test_data("good/nonfinite.csv"));
  const Column& x = t.column("x");
  ASSERT_EQ(x.type, ColumnType::Numeric);
  EXPECT_TRUE(std::isinf(x.values[0]) && x.values[0] > 0);
  EXPECT_TRUE(std::isinf(x.values[1]) && x.values[1] < 0);
  EXPECT_TRUE(std::isnan(x.values[2]));
  EXPECT_FALSE(x.is_missing(2));         // lower-case nan is a value: later checks flag it
  EXPECT_TRUE(std::isinf(x.values[3]));  // 1e999 overflows to inf, as strtod does
  EXPECT_TRUE(x.is_missing(4));          // "NaN" is a missing token
  EXPECT_EQ(x.missing_count, 1u);
}

TEST(CsvReader, MissingTokens) {
  const Table t = read_csv(test_data("good/missing_tokens.csv"));
  EXPECT_EQ(t.column("x").type, ColumnType::Numeric);
  EXPECT_EQ(t.column("x").missing_count, 4u);
  EXPECT_EQ(t.column("c").missing_count, 4u);
  EXPECT_EQ(t.column("c").categories, (std::vector<std::string>{"a", "b"}));
  CsvOptions only_empty;
  only_empty.missing_tokens = {""};
  const Table strict = read_csv(test_data("good/missing_tokens.csv"), only_empty);
  EXPECT_EQ(strict.column("x").type, ColumnType::Categorical);  // "NA" is now text
}

TEST(CsvReader, Booleans) {
  const Table t = read_csv(test_data("good/booleans.csv"));
  EXPECT_EQ(t.column("flag").type, ColumnType::Boolean);
  EXPECT_EQ(t.column("TF").type, ColumnType::Boolean);
  EXPECT_EQ(t.column("n").type, ColumnType::Numeric);  // 0/1 stay numbers
  EXPECT_EQ(t.column("flag").values[0], 1.0);
  EXPECT_EQ(t.column("TF").values[1], 0.0);
  EXPECT_TRUE(t.column("flag").is_missing(2));
}

TEST(CsvReader, NoTrailingNewline) {
  const Table t = read_csv(test_data("good/no_trailing_newline.csv"));
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.column("b").values, (std::vector<double>{2, 4}));
}

TEST(CsvReader, OneMegabyteField) {
  TempDir dir;
  const std::string big(1 << 20, 'x');
  write_text(dir.file("big.csv"), "id,text\n1,\"" + big + "\"\n2,short\n");
  const Table t = read_csv(dir.file("big.csv"));
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.column("text").cell_text(0), big);
  EXPECT_EQ(t.column("text").cell_text(1), "short");
}

TEST(CsvReader, FiveThousandColumnsTwentyRows) {
  TempDir dir;
  std::string text;
  for (int c = 0; c < 5000; ++c) text += (c ? "," : "") + std::string("c") + std::to_string(c);
  text += "\n";
  for (int r = 0; r < 20; ++r) {
    for (int c = 0; c < 5000; ++c) text += (c ? "," : "") + std::to_string(r * c);
    text += "\n";
  }
  write_text(dir.file("wide.csv"), text);
  const Table t = read_csv(dir.file("wide.csv"));
  ASSERT_EQ(t.rows(), 20u);
  ASSERT_EQ(t.cols(), 5000u);
  EXPECT_EQ(t.column("c4999").values[19], 19.0 * 4999);
}

// A numeric-looking column that turns to text after the type-guess sample
// must be re-read as categorical, with every cell kept.
TEST(CsvReader, LateTextTurnsColumnCategorical) {
  TempDir dir;
  std::string text = "x,y\n";
  for (int i = 0; i < 5000; ++i) text += std::to_string(i % 7) + "," + std::to_string(i) + "\n";
  text += "seven,5000\n";
  write_text(dir.file("late.csv"), text);
  CsvOptions small_chunks;
  small_chunks.chunk_bytes = 1024;
  const Table t = read_csv(dir.file("late.csv"), small_chunks);
  const Column& x = t.column("x");
  ASSERT_EQ(x.type, ColumnType::Categorical);
  EXPECT_EQ(x.categories.size(), 8u);
  EXPECT_EQ(x.cell_text(4999), std::to_string(4999 % 7));
  EXPECT_EQ(x.cell_text(5000), "seven");
  EXPECT_EQ(x.numeric_like_count, 5000u);  // data.mixed_types needs this
  EXPECT_EQ(t.column("y").type, ColumnType::Numeric);
}

TEST(CsvReader, TypeOverrides) {
  CsvOptions options;
  options.type_overrides["id"] = ColumnType::Categorical;
  const Table t = read_csv(test_data("good/bom_crlf.csv"), options);
  EXPECT_EQ(t.column("id").type, ColumnType::Categorical);
  EXPECT_EQ(t.column("id").categories, (std::vector<std::string>{"1", "2"}));
}

// Same table whatever the thread count and chunk size: categories are sorted
// and rows land at their place.
TEST(CsvReader, ResultDoesNotDependOnThreadsOrChunks) {
  const std::string path = shared_dataset("credit_data.csv");
  if (!exists(path)) GTEST_SKIP() << "test datasets not found at " << path;
  CsvOptions one;
  one.threads = 1;
  CsvOptions many;
  many.threads = 4;
  many.chunk_bytes = 4096;
  const Table a = read_csv(path, one), b = read_csv(path, many);
  ASSERT_EQ(a.rows(), b.rows());
  for (std::size_t c = 0; c < a.cols(); ++c) {
    const Column &x = a.column(c), &y = b.column(c);
    EXPECT_EQ(x.type, y.type) << x.name;
    EXPECT_EQ(x.missing, y.missing) << x.name;
    EXPECT_EQ(x.codes, y.codes) << x.name;
    EXPECT_EQ(x.categories, y.categories) << x.name;
    for (std::size_t i = 0; i < x.values.size(); ++i) {
      if (!x.is_missing(i)) {
        ASSERT_EQ(x.values[i], y.values[i]) << x.name << " row " << i;
      }
    }
  }
}

TEST(CsvReader, ErrorsCarryFileLineAndColumn) {
  try {
    read_csv(test_data("bad/ragged_row.csv"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.file().find("ragged_row.csv"), std::string::npos);
    EXPECT_EQ(e.line(), 3u);
  }
  CsvOptions options;
  options.type_overrides["x"] = ColumnType::Numeric;
  options.chunk_bytes = 8;  // the error must come from the parallel pass too
  try {
    read_csv(test_data("bad/declared_numeric_has_text.csv"), options);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 4u);
    EXPECT_EQ(e.column(), 1u);
  }
}

}  // namespace
}  // namespace nnrecipe::test

namespace nnrecipe::test {
namespace {

// Robustness: random byte edits of a valid file either read or throw an
// InputError; nothing else (no crash, no other exception, no hang).
TEST(CsvReaderRobustness, RandomEditsReadOrFailCleanly) {
  const std::string base =
      read_text(test_data("good/quoted_newlines.csv")) + "4,\"x\"\"y\",6\n5,plain,7\r\n6,\"\",NA\n";
  const char alphabet[] = {'"', ',', '\n', '\r', ';', '\t', 'a', '1', '.', '-', ' ', '\0', '\xff', '\xc3'};
  std::mt19937_64 rng(42);
  TempDir dir;
  int read_ok = 0, rejected = 0;
  for (int round = 0; round < 400; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % sizeof alphabet];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: text.erase(at, 1); break;
      }
    }
    const std::string path = dir.file("fuzz.csv");
    write_text(path, text);
    CsvOptions options;
    options.chunk_bytes = 16 + rng() % 64;  // many chunks: exercise the parallel pass
    options.threads = 2;
    try {
      const Table t = read_csv(path, options);
      EXPECT_GT(t.rows(), 0u);
      ++read_ok;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("fuzz.csv"), std::string::npos) << e.what();
      ++rejected;
    }
  }
  // Both outcomes must occur, or the edits test nothing.
  EXPECT_GT(read_ok, 20);
  EXPECT_GT(rejected, 20);
}

}  // namespace
}  // namespace nnrecipe::test

namespace nnrecipe::test {
namespace {

bool same_table(const Table& a, const Table& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::size_t c = 0; c < a.cols(); ++c) {
    const Column &x = a.column(c), &y = b.column(c);
    if (x.name != y.name || x.type != y.type || x.missing != y.missing || x.codes != y.codes ||
        x.categories != y.categories) {
      return false;
    }
    for (std::size_t i = 0; i < x.values.size(); ++i) {
      if (!x.is_missing(i) && std::memcmp(&x.values[i], &y.values[i], sizeof(double)) != 0) return false;
    }
  }
  return true;
}

// Rows that straddle the scan's read blocks (and buffers that end exactly at
// a row end) must read the same as with one big block.
TEST(CsvReader, ScanBlockBoundariesDoNotChangeTheTable) {
  std::vector<std::string> files;
  for (const char* f : {"bom_crlf.csv", "quoted_newlines.csv", "semicolon.csv", "tab.tsv", "nonfinite.csv",
                        "missing_tokens.csv", "booleans.csv", "no_trailing_newline.csv"}) {
    files.push_back(test_data(std::string("good/") + f));
  }
  if (exists(shared_dataset("credit_data.csv"))) files.push_back(shared_dataset("credit_data.csv"));
  for (const std::string& path : files) {
    const Table whole = read_csv(path);
    for (std::size_t block : {1, 2, 3, 7, 64, 4096}) {
      CsvOptions small;
      small.scan_block_bytes = block;
      small.chunk_bytes = 100;
      EXPECT_TRUE(same_table(whole, read_csv(path, small))) << path << " block " << block;
    }
  }
}

}  // namespace
}  // namespace nnrecipe::test
