#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "nnrecipe/analysis.h"

namespace nnrecipe::test {
namespace {

constexpr double kTol = 1e-12;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Matrix = std::vector<std::vector<int64_t>>;

// ---------------------------------------------------------------- confusion

TEST(ConfusionMatrix, CountsTrueByPredicted) {
  // Predicted (argmax): 0, 1, 1, 1, 2, 0, 2; row 5 is a 0/2 tie -> 0.
  const std::vector<int64_t> labels = {0, 0, 1, 1, 2, 2, 2};
  const std::vector<double> probs = {
      0.7, 0.2, 0.1,  //
      0.3, 0.6, 0.1,  //
      0.1, 0.8, 0.1,  //
      0.2, 0.5, 0.3,  //
      0.1, 0.1, 0.8,  //
      0.4, 0.2, 0.4,  //
      0.0, 0.0, 1.0,
  };
  EXPECT_EQ(confusion_matrix(labels, probs, 3), (Matrix{{1, 1, 0}, {0, 2, 0}, {1, 0, 2}}));
  EXPECT_EQ(confusion_matrix({}, {}, 2), (Matrix{{0, 0}, {0, 0}}));
}

TEST(ConfusionMatrix, RejectsBadInput) {
  EXPECT_THROW(confusion_matrix({0}, {1.0}, 1), std::invalid_argument);
  EXPECT_THROW(confusion_matrix({0, 1}, {0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix({0, 2}, {0.5, 0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix({-1}, {0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix({0}, {kNaN, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix({0}, {1.2, -0.2}, 2), std::invalid_argument);
}

// ---------------------------------------------------------------- per class

TEST(PerClassMetrics, HandComputedWithAClassNeverPredicted) {
  // Rows true, columns predicted. Predicted totals 3, 5, 0.
  //   class 0: P 2/3, R 2/3, F1 2/3
  //   class 1: P 3/5, R 3/3, F1 2 * 0.6 * 1 / 1.6 = 0.75
  //   class 2: never predicted: P undefined, R 0/2, F1 undefined
  const std::vector<ClassMetrics> m = per_class_metrics({{2, 1, 0}, {0, 3, 0}, {1, 1, 0}});
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].cls, 0u);
  EXPECT_EQ(m[2].cls, 2u);
  EXPECT_NEAR(m[0].precision, 2.0 / 3.0, kTol);
  EXPECT_NEAR(m[0].recall, 2.0 / 3.0, kTol);
  EXPECT_NEAR(m[0].f1, 2.0 / 3.0, kTol);
  EXPECT_EQ(m[0].support, 3);
  EXPECT_NEAR(m[1].precision, 0.6, kTol);
  EXPECT_NEAR(m[1].recall, 1.0, kTol);
  EXPECT_NEAR(m[1].f1, 0.75, kTol);
  EXPECT_EQ(m[1].support, 3);
  EXPECT_TRUE(std::isnan(m[2].precision));
  EXPECT_NEAR(m[2].recall, 0.0, kTol);
  EXPECT_TRUE(std::isnan(m[2].f1));
  EXPECT_EQ(m[2].support, 2);
}

TEST(PerClassMetrics, NoSupportAndAlwaysWrong) {
  // Class 2 is predicted once but never true: P 0/1, R undefined.
  const std::vector<ClassMetrics> m = per_class_metrics({{1, 0, 1}, {0, 2, 0}, {0, 0, 0}});
  EXPECT_NEAR(m[2].precision, 0.0, kTol);
  EXPECT_TRUE(std::isnan(m[2].recall));
  EXPECT_TRUE(std::isnan(m[2].f1));
  EXPECT_EQ(m[2].support, 0);
  EXPECT_NEAR(m[0].precision, 1.0, kTol);
  EXPECT_NEAR(m[0].recall, 0.5, kTol);

  // Both classes always swapped: P = R = 0, so F1 is 0, not undefined.
  const std::vector<ClassMetrics> swapped = per_class_metrics({{0, 4}, {3, 0}});
  for (const ClassMetrics& c : swapped) {
    EXPECT_EQ(c.precision, 0.0);
    EXPECT_EQ(c.recall, 0.0);
    EXPECT_EQ(c.f1, 0.0);
  }
  EXPECT_EQ(swapped[0].support, 4);
  EXPECT_EQ(swapped[1].support, 3);
}

TEST(PerClassMetrics, RejectsBadInput) {
  EXPECT_THROW(per_class_metrics({}), std::invalid_argument);
  EXPECT_THROW(per_class_metrics({{1}}), std::invalid_argument);
  EXPECT_THROW(per_class_metrics({{1, 2}, {3}}), std::invalid_argument);
  EXPECT_THROW(per_class_metrics({{1, 2, 3}, {1, 2, 3}}), std::invalid_argument);
  EXPECT_THROW(per_class_metrics({{1, -2}, {3, 4}}), std::invalid_argument);
}

// ---------------------------------------------------------------- losses

TEST(RowLosses, LogLossOfTheLabelClippedAtZero) {
  const std::vector<double> l = log_losses({0, 1, 1, 2},
                                           {0.8, 0.1, 0.1,  //
                                            0.5, 0.5, 0.0,  //
                                            1.0, 0.0, 0.0,  //
                                            0.0, 0.0, 1.0},
                                           3);
  ASSERT_EQ(l.size(), 4u);
  EXPECT_NEAR(l[0], -std::log(0.8), kTol);
  EXPECT_NEAR(l[1], std::log(2.0), kTol);
  EXPECT_NEAR(l[2], -std::log(1e-15), 1e-9);  // 34.54, not infinity
  EXPECT_EQ(l[3], 0.0);
  EXPECT_THROW(log_losses({0, 3}, {0.5, 0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(log_losses({0}, {0.5, 0.5, 0.0}, 2), std::invalid_argument);
}

TEST(RowLosses, SquaredErrors) {
  EXPECT_EQ(squared_errors({1.0, 2.0, 3.0}, {1.5, 2.0, 1.0}), (std::vector<double>{0.25, 0.0, 4.0}));
  EXPECT_TRUE(squared_errors({}, {}).empty());
  EXPECT_THROW(squared_errors({1.0, 2.0}, {1.0}), std::invalid_argument);
}

TEST(LossConcentration, TwoOutliersHoldHalfTheSquaredError) {
  // 98 rows with squared error 1 and two with 60 each: total 218; the two
  // worst hold 120 (55%), the other 98 rows average 1.
  std::vector<double> loss(98, 1.0);
  loss.insert(loss.begin() + 10, 60.0);
  loss.push_back(60.0);
  const LossConcentration c = loss_concentration(loss);
  EXPECT_EQ(c.rows, 100u);
  EXPECT_EQ(c.half_rows, 2u);
  EXPECT_NEAR(c.share, 120.0 / 218.0, 1e-12);
  EXPECT_NEAR(c.rest_mean, 1.0, 1e-12);
}

TEST(LossConcentration, EvenLossesNeedHalfTheRowsAndNaNIsSkipped) {
  const LossConcentration even = loss_concentration({2.0, 2.0, kNaN, 2.0, 2.0});
  EXPECT_EQ(even.rows, 4u);
  EXPECT_EQ(even.half_rows, 2u);
  EXPECT_NEAR(even.share, 0.5, 1e-12);
  EXPECT_NEAR(even.rest_mean, 2.0, 1e-12);
  // One row holding everything: no rows left over.
  const LossConcentration one = loss_concentration({0.0, 5.0});
  EXPECT_EQ(one.half_rows, 1u);
  EXPECT_EQ(one.share, 1.0);
  EXPECT_EQ(one.rest_mean, 0.0);
  EXPECT_EQ(loss_concentration({}).rows, 0u);
  EXPECT_EQ(loss_concentration({0.0, 0.0}).half_rows, 0u);
}
// ---------------------------------------------------------------- rows to look at

TEST(TopK, LargestFirstTiesByIndexNaNLast) {
  const std::vector<double> v = {1.0, 5.0, 3.0, 5.0, kNaN, 2.0};
  EXPECT_EQ(top_k(v, 3), (std::vector<std::size_t>{1, 3, 2}));
  EXPECT_EQ(top_k(v, 100), (std::vector<std::size_t>{1, 3, 2, 5, 0, 4}));
  EXPECT_TRUE(top_k(v, 0).empty());
  EXPECT_TRUE(top_k({}, 5).empty());
}

TEST(ConfidentMistakes, WrongRowsByPredictedProbability) {
  // Binary rows (p0, p1); the labels make rows 1, 2, 4 and 5 wrong.
  //   row 0: label 1, p1 0.99 right (confident, but not a mistake)
  //   row 1: label 0, p1 0.70 wrong at 0.70
  //   row 2: label 1, p1 0.05 wrong at 0.95
  //   row 3: label 0, p1 0.20 right
  //   row 4: label 0, p1 0.95 wrong at 0.95 (ties row 2: lower index first)
  //   row 5: label 1, p1 0.40 wrong at 0.60
  const std::vector<int64_t> labels = {1, 0, 1, 0, 0, 1};
  const std::vector<double> probs = {0.01, 0.99, 0.30, 0.70, 0.95, 0.05, 0.80, 0.20, 0.05, 0.95, 0.60, 0.40};
  EXPECT_EQ(confident_mistakes(labels, probs, 2, 10), (std::vector<std::size_t>{2, 4, 1, 5}));
  EXPECT_EQ(confident_mistakes(labels, probs, 2, 2), (std::vector<std::size_t>{2, 4}));
  EXPECT_TRUE(confident_mistakes({1, 0}, {0.1, 0.9, 0.8, 0.2}, 2, 5).empty());
  EXPECT_THROW(confident_mistakes({0, 1}, {0.5, 0.5}, 2, 5), std::invalid_argument);
}

TEST(ConfidentMistakes, TiesByIndex) {
  // Three wrong rows at the same confidence 0.8, plus one at 0.9.
  const std::vector<int64_t> labels = {0, 0, 0, 0};
  const std::vector<double> probs = {0.2, 0.8, 0.1, 0.9, 0.2, 0.8, 0.2, 0.8};
  EXPECT_EQ(confident_mistakes(labels, probs, 2, 10), (std::vector<std::size_t>{1, 0, 2, 3}));
}

}  // namespace
}  // namespace nnrecipe::test
