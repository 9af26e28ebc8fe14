#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnrecipe/analysis.h"

namespace nnrecipe::test {
namespace {

constexpr double kTol = 1e-12;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(LearningCurve, StillRisingPays) {
  // The last doubling (1,600 -> 3,200 rows) gains 0.02 AUC.
  const std::vector<LearningCurvePoint> points = {
      {0.25, 800, 0.95, 0.80}, {0.5, 1600, 0.93, 0.81}, {1.0, 3200, 0.90, 0.83}};
  const LearningCurveVerdict v = learning_curve_verdict(points, true, 0.005);
  EXPECT_TRUE(v.more_data_pays);
  EXPECT_NEAR(v.gain_per_doubling, 0.02, kTol);
  EXPECT_NEAR(v.gap, 0.07, kTol);
  EXPECT_TRUE(contains(v.sentence, "rises by 0.02 per doubling")) << v.sentence;
  EXPECT_TRUE(contains(v.sentence, "0.81 at 1,600 rows -> 0.83 at 3,200")) << v.sentence;
  EXPECT_TRUE(contains(v.sentence, "more data would likely pay")) << v.sentence;
}

TEST(LearningCurve, ExtrapolatesAPartialDoublingAndSortsByRows) {
  // 2,400 -> 3,200 rows is log2(4/3) = 0.415 doublings for +0.0089:
  // 0.0089 / 0.41504 = 0.02144 per doubling. Given out of order.
  const std::vector<LearningCurvePoint> points = {
      {1.0, 3200, 0.86, 0.8401}, {0.5, 1600, 0.90, 0.8100}, {0.75, 2400, 0.88, 0.8312}};
  const LearningCurveVerdict v = learning_curve_verdict(points, true, 0.005);
  EXPECT_NEAR(v.gain_per_doubling, 0.0089 / std::log2(3200.0 / 2400.0), 1e-9);
  EXPECT_NEAR(v.gain_per_doubling, 0.021444, 1e-5);
  EXPECT_TRUE(v.more_data_pays);
  EXPECT_NEAR(v.gap, 0.86 - 0.8401, kTol);
  EXPECT_TRUE(contains(v.sentence, "0.8312 at 2,400 rows -> 0.8401 at 3,200")) << v.sentence;
}

TEST(LearningCurve, FlatWithALargeGapPointsAtRegularization) {
  const std::vector<LearningCurvePoint> points = {{0.5, 1600, 0.99, 0.800}, {1.0, 3200, 0.99, 0.801}};
  const LearningCurveVerdict v = learning_curve_verdict(points, true, 0.005);
  EXPECT_FALSE(v.more_data_pays);
  EXPECT_NEAR(v.gain_per_doubling, 0.001, 1e-9);
  EXPECT_NEAR(v.gap, 0.189, 1e-9);
  EXPECT_TRUE(contains(v.sentence, "flat")) << v.sentence;
  EXPECT_TRUE(contains(v.sentence, "more data is unlikely to pay")) << v.sentence;
  EXPECT_TRUE(contains(v.sentence, "regularization matters more")) << v.sentence;
  EXPECT_TRUE(contains(v.sentence, "(0.189)")) << v.sentence;
}

TEST(LearningCurve, FlatWithASmallGapSaysNothingOfRegularization) {
  const std::vector<LearningCurvePoint> points = {{0.5, 1600, 0.805, 0.800}, {1.0, 3200, 0.806, 0.801}};
  const LearningCurveVerdict v = learning_curve_verdict(points, true, 0.005);
  EXPECT_FALSE(v.more_data_pays);
  EXPECT_FALSE(contains(v.sentence, "regularization")) << v.sentence;
}

TEST(LearningCurve, GettingWorseDoesNotPay) {
  const std::vector<LearningCurvePoint> points = {{0.5, 1000, 0.9, 0.85}, {1.0, 2000, 0.9, 0.84}};
  const LearningCurveVerdict v = learning_curve_verdict(points, true, 0.005);
  EXPECT_FALSE(v.more_data_pays);
  EXPECT_NEAR(v.gain_per_doubling, -0.01, 1e-9);
  EXPECT_TRUE(contains(v.sentence, "gets worse")) << v.sentence;
}

TEST(LearningCurve, LowerIsBetterFlipsTheSign) {
  // RMSE 10 -> 9 over one doubling: a gain of 1; training RMSE 8 at 100%
  // leaves a gap of 1 in the higher-is-better sign.
  const std::vector<LearningCurvePoint> points = {{0.5, 500, 7.0, 10.0}, {1.0, 1000, 8.0, 9.0}};
  const LearningCurveVerdict v = learning_curve_verdict(points, false, 0.09);
  EXPECT_TRUE(v.more_data_pays);
  EXPECT_NEAR(v.gain_per_doubling, 1.0, kTol);
  EXPECT_NEAR(v.gap, 1.0, kTol);
  EXPECT_TRUE(contains(v.sentence, "falls by 1 per doubling")) << v.sentence;
  // The same numbers read as higher-is-better are a loss.
  EXPECT_FALSE(learning_curve_verdict(points, true, 0.09).more_data_pays);
  // The threshold is inclusive.
  EXPECT_TRUE(learning_curve_verdict(points, false, 1.0).more_data_pays);
  EXPECT_FALSE(learning_curve_verdict(points, false, 1.01).more_data_pays);
}

TEST(LearningCurve, NeedsTwoDistinctRowCounts) {
  const LearningCurveVerdict none = learning_curve_verdict({}, true, 0.005);
  EXPECT_FALSE(none.more_data_pays);
  EXPECT_TRUE(contains(none.sentence, "at least 2 points")) << none.sentence;

  const LearningCurveVerdict same = learning_curve_verdict({{1.0, 500, 0.9, 0.7}, {1.0, 500, 0.9, 0.8}}, true, 0.0);
  EXPECT_FALSE(same.more_data_pays);
  EXPECT_TRUE(contains(same.sentence, "at least 2 points")) << same.sentence;

  // Repeated row counts are skipped to find the previous distinct one.
  const LearningCurveVerdict v =
      learning_curve_verdict({{0.5, 250, 0.9, 0.70}, {1.0, 500, 0.9, 0.71}, {1.0, 500, 0.9, 0.72}}, true, 0.005);
  EXPECT_NEAR(v.gain_per_doubling, 0.02, 1e-9);
}

TEST(LearningCurve, NonFiniteMetricGivesNoVerdict) {
  const LearningCurveVerdict v =
      learning_curve_verdict({{0.5, 500, 0.9, std::nan("")}, {1.0, 1000, 0.9, 0.8}}, true, 0.005);
  EXPECT_FALSE(v.more_data_pays);
  EXPECT_TRUE(std::isnan(v.gain_per_doubling));
  EXPECT_TRUE(contains(v.sentence, "not finite")) << v.sentence;
}

TEST(LearningCurve, RejectsAPointWithoutRows) {
  EXPECT_THROW(learning_curve_verdict({{0.0, 0, 0.9, 0.8}, {1.0, 1000, 0.9, 0.8}}, true, 0.005), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe::test
