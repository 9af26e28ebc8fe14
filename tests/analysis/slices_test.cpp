#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnrecipe/analysis.h"

namespace nnrecipe::test {
namespace {

constexpr double kTol = 1e-12;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SliceFeature numeric(const std::string& name, std::vector<double> values) {
  SliceFeature f;
  f.name = name;
  f.values = std::move(values);
  return f;
}

SliceFeature categorical(const std::string& name, std::vector<int32_t> codes, std::vector<std::string> categories) {
  SliceFeature f;
  f.name = name;
  f.categorical = true;
  f.codes = std::move(codes);
  f.categories = std::move(categories);
  return f;
}

// 200 rows. Income = row index (bins cut at 39.8, 79.6, 119.4, 159.2).
// Home: missing on rows 0, 50, 100, 150; "other" on rows 101..105; else
// "rent" when i % 4 == 1, "mortgage" when i % 4 == 2, "own" otherwise.
// Loss 0.5, +1.5 for rent, +4 for other, +0.8 for Income >= 160:
//   rent: 48 rows, 10 of them >= 160: (48 * 2 + 10 * 0.8) / 48 = 104/48
//   Income in [159.2, 199]: rows 160..199, 10 rent: (40*0.5 + 32 + 15) / 40 = 67/40
//   Income in [79.6, 119.4): rows 80..119, 8 rent, 5 other: (20 + 12 + 20) / 40 = 52/40
//   overall: (100 + 72 + 20 + 32) / 200 = 1.12; every other slice is below it
//   but "other" (4.5, 5 rows) and nothing else above.
struct Planted {
  std::vector<SliceFeature> features;
  std::vector<double> loss;
  std::vector<uint8_t> correct;
};

Planted planted() {
  Planted p;
  std::vector<double> income;
  std::vector<int32_t> home;
  for (int i = 0; i < 200; ++i) {
    income.push_back(i);
    int32_t code = 0;  // own
    if (i % 50 == 0) {
      code = -1;
    } else if (i >= 101 && i <= 105) {
      code = 3;  // other
    } else if (i % 4 == 1) {
      code = 1;  // rent
    } else if (i % 4 == 2) {
      code = 2;  // mortgage
    }
    home.push_back(code);
    const double loss = 0.5 + (code == 1 ? 1.5 : 0.0) + (code == 3 ? 4.0 : 0.0) + (i >= 160 ? 0.8 : 0.0);
    p.loss.push_back(loss);
    p.correct.push_back(loss < 1.0 ? 1 : 0);
  }
  p.features = {numeric("Income", income), categorical("Home", home, {"own", "rent", "mortgage", "other"})};
  return p;
}

TEST(WorstSlices, PlantedSlicesRankFirstAndSmallOnesAreLeftOut) {
  const Planted p = planted();
  const std::vector<Slice> s = worst_slices(p.features, p.loss, p.correct, 20, 10);
  ASSERT_EQ(s.size(), 3u);

  EXPECT_EQ(s[0].feature, "Home");
  EXPECT_EQ(s[0].description, "Home = rent");
  EXPECT_EQ(s[0].rows, 48u);
  EXPECT_NEAR(s[0].mean_loss, 104.0 / 48.0, kTol);
  EXPECT_NEAR(s[0].excess, 104.0 / 48.0 - 1.12, kTol);
  EXPECT_NEAR(s[0].error_rate, 1.0, kTol);

  EXPECT_EQ(s[1].feature, "Income");
  EXPECT_EQ(s[1].description, "Income in [159.2, 199]");
  EXPECT_EQ(s[1].rows, 40u);
  EXPECT_NEAR(s[1].mean_loss, 67.0 / 40.0, kTol);
  EXPECT_NEAR(s[1].excess, 67.0 / 40.0 - 1.12, kTol);

  EXPECT_EQ(s[2].description, "Income in [79.6, 119.4)");
  EXPECT_EQ(s[2].rows, 40u);
  EXPECT_NEAR(s[2].excess, 52.0 / 40.0 - 1.12, kTol);
  EXPECT_NEAR(s[2].error_rate, 13.0 / 40.0, kTol);  // 8 rent + 5 other rows wrong

  // "Home = other" has by far the highest loss, but only 5 rows.
  const std::vector<Slice> small = worst_slices(p.features, p.loss, p.correct, 5, 10);
  ASSERT_FALSE(small.empty());
  EXPECT_EQ(small[0].description, "Home = other");
  EXPECT_EQ(small[0].rows, 5u);
  EXPECT_EQ(small.size(), 4u);

  // k keeps the worst.
  const std::vector<Slice> two = worst_slices(p.features, p.loss, p.correct, 20, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].description, "Home = rent");
  EXPECT_EQ(two[1].description, "Income in [159.2, 199]");
}

TEST(WorstSlices, MissingValuesAreTheirOwnSliceAndTiesKeepFeatureOrder) {
  // Rows 6..9 are missing in both features and have loss 3 (others 1):
  // overall 1.8; both "missing" slices have mean 3, excess 1.2, and the
  // categorical feature comes first in `features`.
  const std::vector<SliceFeature> features = {
      categorical("Home", {0, 0, 0, 1, 1, 1, -1, -1, -1, -1}, {"own", "rent"}),
      numeric("Income", {1, 2, 3, 4, 5, 6, kNaN, kNaN, kNaN, kNaN}),
  };
  const std::vector<double> loss = {1, 1, 1, 1, 1, 1, 3, 3, 3, 3};
  const std::vector<Slice> s = worst_slices(features, loss, {}, 1, 10);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].description, "Home missing");
  EXPECT_EQ(s[1].description, "Income missing");
  for (const Slice& x : s) {
    EXPECT_EQ(x.rows, 4u);
    EXPECT_NEAR(x.mean_loss, 3.0, kTol);
    EXPECT_NEAR(x.excess, 1.2, kTol);
    EXPECT_TRUE(std::isnan(x.error_rate));  // no `correct`: regression
  }
  EXPECT_EQ(worst_slices(features, loss, {}, 1, 1).size(), 1u);
  EXPECT_TRUE(worst_slices(features, loss, {}, 1, 0).empty());
}

TEST(WorstSlices, RepeatedValuesGiveFewerBins) {
  // 0 x7, 1, 2, 3: quantiles 0, 0, 0, 1.2 -> edges {0, 1.2, 3}: 2 bins.
  const std::vector<SliceFeature> features = {numeric("X", {0, 0, 0, 0, 0, 0, 0, 1, 2, 3})};
  const std::vector<double> loss = {0, 0, 0, 0, 0, 0, 0, 0, 5, 5};
  const std::vector<Slice> s = worst_slices(features, loss, {}, 1, 10);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].description, "X in [1.2, 3]");
  EXPECT_EQ(s[0].rows, 2u);
  EXPECT_NEAR(s[0].excess, 4.0, kTol);
  // The low bin [0, 1.2) holds 8 rows; raise its loss to see it.
  const std::vector<Slice> low = worst_slices(features, {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, {}, 1, 10);
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(low[0].description, "X in [0, 1.2)");
  EXPECT_EQ(low[0].rows, 8u);
}

TEST(WorstSlices, ConstantFeatureIsOneSlice) {
  const std::vector<SliceFeature> features = {numeric("X", {4, 4, 4, kNaN})};
  const std::vector<Slice> s = worst_slices(features, {2, 2, 2, 0}, {1, 0, 0, 1}, 1, 10);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].description, "X = 4");
  EXPECT_EQ(s[0].rows, 3u);
  EXPECT_NEAR(s[0].excess, 0.5, kTol);
  EXPECT_NEAR(s[0].error_rate, 2.0 / 3.0, kTol);
}

TEST(WorstSlices, NothingAboveAverageNothingReported) {
  const std::vector<SliceFeature> features = {categorical("C", {0, 1, 0, 1}, {"a", "b"})};
  EXPECT_TRUE(worst_slices(features, {1, 1, 1, 1}, {}, 1, 10).empty());
  EXPECT_TRUE(worst_slices({categorical("C", {}, {"a"})}, {}, {}, 1, 10).empty());
}

TEST(WorstSlices, RejectsBadInput) {
  const std::vector<double> loss = {1, 2, 3};
  EXPECT_THROW(worst_slices({numeric("X", {1, 2})}, loss, {}, 1, 5), std::invalid_argument);
  EXPECT_THROW(worst_slices({categorical("C", {0, 1}, {"a", "b"})}, loss, {}, 1, 5), std::invalid_argument);
  EXPECT_THROW(worst_slices({categorical("C", {0, 1, 2}, {"a", "b"})}, loss, {}, 1, 5), std::invalid_argument);
  EXPECT_THROW(worst_slices({categorical("C", {0, 1, -2}, {"a", "b"})}, loss, {}, 1, 5), std::invalid_argument);
  EXPECT_THROW(worst_slices({numeric("X", {1, 2, 3})}, loss, {1, 0}, 1, 5), std::invalid_argument);
  EXPECT_THROW(worst_slices({numeric("X", {1, 2, 3})}, {1, kNaN, 3}, {}, 1, 5), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe::test
