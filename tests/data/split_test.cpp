#include <algorithm>
#include <numeric>

#include "nnrecipe/split.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

std::vector<int64_t> imbalanced_labels(std::size_t n) {
  std::vector<int64_t> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = (i % 10 == 0) ? 1 : 0;  // 10% positives
  return y;
}

TEST(Split, PartitionsEveryRowExactlyOnce) {
  const SplitIndices s = split_rows(1000, {0.1, 0.2, 7});
  std::vector<std::size_t> all;
  for (const auto* part : {&s.train, &s.val, &s.test}) all.insert(all.end(), part->begin(), part->end());
  std::sort(all.begin(), all.end());
  std::vector<std::size_t> expected(1000);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
  EXPECT_EQ(s.test.size(), 200u);
  EXPECT_EQ(s.val.size(), 100u);
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
}

TEST(Split, SameSeedSameSplitOtherSeedOtherSplit) {
  const SplitIndices a = split_rows(500, {0.1, 0.2, 1});
  const SplitIndices b = split_rows(500, {0.1, 0.2, 1});
  const SplitIndices c = split_rows(500, {0.1, 0.2, 2});
  EXPECT_EQ(a.test, b.test);
  EXPECT_EQ(a.val, b.val);
  EXPECT_NE(a.test, c.test);
}

TEST(Split, StratifiedKeepsClassShares) {
  const std::vector<int64_t> y = imbalanced_labels(2000);  // 200 positives
  const SplitIndices s = split_rows(y.size(), {0.1, 0.2, 3}, &y);
  auto positives = [&](const std::vector<std::size_t>& rows) {
    return std::count_if(rows.begin(), rows.end(), [&](std::size_t r) { return y[r] == 1; });
  };
  EXPECT_EQ(positives(s.test), 40);  // exactly 20% of 200
  EXPECT_EQ(positives(s.val), 20);
  EXPECT_EQ(positives(s.train), 140);
}

TEST(Split, RejectsBadFractions) {
  EXPECT_THROW(split_rows(10, {0.5, 0.5, 0}), std::invalid_argument);
  EXPECT_THROW(split_rows(10, {-0.1, 0.2, 0}), std::invalid_argument);
}

TEST(Split, TinyClassKeepsATrainingRow) {
  std::vector<int64_t> y(50, 0);
  y[3] = 1;  // a class with a single row
  const SplitIndices s = split_rows(y.size(), {0.1, 0.2, 0}, &y);
  EXPECT_NE(std::find(s.train.begin(), s.train.end(), 3u), s.train.end());
}

}  // namespace
}  // namespace nnrecipe::test
