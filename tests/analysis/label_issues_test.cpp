#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "nnrecipe/analysis.h"

namespace nnrecipe::test {
namespace {

constexpr double kTol = 1e-12;

TEST(LabelIssues, FindsPlantedFlipsAndOnlyThem) {
  // 60 rows of 3 classes, true class i % 3. A clean row gives its class 0.8
  // and the others 0.1. Rows 7, 20 and 45 are labelled (true + 1) % 3 but
  // the model gives the true class 0.9 and the given one 0.05, 0.02, 0.08.
  // Threshold of class 2: (19 * 0.8 + 0.05) / 20 = 0.7625 (row 7 pulls it
  // down); clean rows at 0.8 stay above their class's threshold.
  // Row 60 is uniform: confidently nothing, so not a candidate.
  std::vector<int64_t> labels;
  std::vector<double> probs;
  const struct {
    std::size_t row;
    double given_prob;
  } flips[] = {{7, 0.05}, {20, 0.02}, {45, 0.08}};
  for (std::size_t i = 0; i < 60; ++i) {
    const std::size_t truth = i % 3;
    std::vector<double> p(3, 0.1);
    p[truth] = 0.8;
    std::size_t given = truth;
    for (const auto& f : flips) {
      if (f.row != i) continue;
      given = (truth + 1) % 3;
      p.assign(3, 0.0);
      p[truth] = 0.9;
      p[given] = f.given_prob;
      p[3 - truth - given] = 1.0 - 0.9 - f.given_prob;
    }
    labels.push_back(static_cast<int64_t>(given));
    probs.insert(probs.end(), p.begin(), p.end());
  }
  labels.push_back(0);
  probs.insert(probs.end(), {1.0 / 3, 1.0 / 3, 1.0 / 3});

  const std::vector<LabelIssue> issues = find_label_issues(labels, probs, 3);
  ASSERT_EQ(issues.size(), 3u);
  // Most disputed (lowest probability of the given label) first.
  EXPECT_EQ(issues[0].row, 20u);
  EXPECT_EQ(issues[1].row, 7u);
  EXPECT_EQ(issues[2].row, 45u);
  EXPECT_EQ(issues[0].given, 0);
  EXPECT_EQ(issues[0].suggested, 2);
  EXPECT_NEAR(issues[0].given_prob, 0.02, kTol);
  EXPECT_NEAR(issues[0].suggested_prob, 0.9, kTol);
  EXPECT_EQ(issues[1].given, 2);
  EXPECT_EQ(issues[1].suggested, 1);
  EXPECT_EQ(issues[2].given, 1);
  EXPECT_EQ(issues[2].suggested, 0);
  EXPECT_NEAR(issues[2].given_prob, 0.08, kTol);
}

TEST(LabelIssues, NoneOnConsistentPredictions) {
  const std::vector<int64_t> labels = {0, 1, 2, 1, 0};
  std::vector<double> probs;
  for (int64_t y : labels) {
    for (int64_t c = 0; c < 3; ++c) probs.push_back(c == y ? 1.0 : 0.0);
  }
  EXPECT_TRUE(find_label_issues(labels, probs, 3).empty());
  EXPECT_TRUE(find_label_issues({}, {}, 2).empty());
}

TEST(LabelIssues, PerClassThresholdsNotArgmax) {
  // The model is unsure of class 1 (it gives its rows only 0.25), so
  // t_1 = 0.25 and a class-1 row at 0.25 is confidently class 1 although
  // its argmax is class 0. t_0 = (3 * 1 + 0.375) / 4 = 0.84375: row 3,
  // labelled 0 at 0.375, is confidently class 1 (0.625 >= 0.25).
  const std::vector<int64_t> labels = {0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<double> probs = {1.0,  0.0,  1.0,  0.0,  1.0,  0.0,  0.375, 0.625,
                                     0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75,  0.25};
  const std::vector<LabelIssue> issues = find_label_issues(labels, probs, 2);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].row, 3u);
  EXPECT_EQ(issues[0].given, 0);
  EXPECT_EQ(issues[0].suggested, 1);
  EXPECT_EQ(issues[0].given_prob, 0.375);
  EXPECT_EQ(issues[0].suggested_prob, 0.625);
}

TEST(LabelIssues, ConfidentClassIsTheMostProbableAboveItsThreshold) {
  // Thresholds: t0 = 0.375 (rows 0, 1), t1 = (0.5 + 0.5 + 0.125) / 3 = 0.375,
  // t2 = (1 + 1 + 0) / 3.
  // Row 6 (label 1): argmax is class 2 at 0.5, below t2; class 0 reaches
  //   t0 -> suggested 0.
  // Row 7 (label 2): classes 0 and 1 both reach their thresholds at 0.5, a
  //   tie -> the lower index, 0.
  const std::vector<int64_t> labels = {0, 0, 1, 1, 2, 2, 1, 2};
  const std::vector<double> probs = {
      0.375, 0.3125, 0.3125,  //
      0.375, 0.3125, 0.3125,  //
      0.25,  0.5,    0.25,    //
      0.25,  0.5,    0.25,    //
      0.0,   0.0,    1.0,     //
      0.0,   0.0,    1.0,     //
      0.375, 0.125,  0.5,     //
      0.5,   0.5,    0.0,
  };
  const std::vector<LabelIssue> issues = find_label_issues(labels, probs, 3);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].row, 7u);  // given_prob 0 before 0.125
  EXPECT_EQ(issues[0].suggested, 0);
  EXPECT_EQ(issues[0].given_prob, 0.0);
  EXPECT_EQ(issues[1].row, 6u);
  EXPECT_EQ(issues[1].given, 1);
  EXPECT_EQ(issues[1].suggested, 0);
  EXPECT_EQ(issues[1].suggested_prob, 0.375);
}

TEST(LabelIssues, AClassWithoutRowsIsNeverConfident) {
  // Nobody is labelled 2, so no row can be confidently class 2, even row 3
  // at 1.0 (class 0 and 1 are below their thresholds there).
  const std::vector<int64_t> labels = {0, 0, 0, 0, 1, 1, 1};
  const std::vector<double> probs = {1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0};
  EXPECT_TRUE(find_label_issues(labels, probs, 3).empty());
}

TEST(LabelIssues, TiesInGivenProbabilityGoByRow) {
  // Rows 1 and 2 are both labelled 0 with the given probability 0.
  const std::vector<int64_t> labels = {0, 0, 0, 1, 1};
  const std::vector<double> probs = {1, 0, 0, 1, 0, 1, 0, 1, 0, 1};
  const std::vector<LabelIssue> issues = find_label_issues(labels, probs, 2);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].row, 1u);
  EXPECT_EQ(issues[1].row, 2u);
}

TEST(LabelIssues, RejectsBadInput) {
  EXPECT_THROW(find_label_issues({0}, {1.0}, 1), std::invalid_argument);
  EXPECT_THROW(find_label_issues({0, 1}, {0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(find_label_issues({0, 2}, {0.5, 0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(find_label_issues({-1}, {0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(find_label_issues({0}, {std::nan(""), 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(find_label_issues({0}, {1.5, 0.5}, 2), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe::test
