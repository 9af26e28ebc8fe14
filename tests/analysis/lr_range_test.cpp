#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "nnrecipe/analysis.h"

namespace nnrecipe::test {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A range-test loss as a function of x = log10(lr): a tanh descent that is
// steepest at lr 1e-4 (from 1.9 down to 0.1), then an explosion past lr 1e-2.
double synthetic_loss(double lr) {
  const double x = std::log10(lr);
  const double descent = 1.0 - 0.9 * std::tanh(1.5 * (x + 4.0));
  const double explosion = x > -2.0 ? 0.05 * (std::exp(4.0 * (x + 2.0)) - 1.0) : 0.0;
  return descent + explosion;
}

// Feeds a whole schedule until the tracker says stop.
LrRangeResult sweep(LrRangeTracker& tracker, const std::vector<double>& lrs, double (*loss)(double)) {
  for (double lr : lrs) {
    if (tracker.add(lr, loss(lr))) break;
  }
  return tracker.result();
}

// ---------------------------------------------------------------- schedule

TEST(LrRangeSchedule, GrowsGeometricallyFromLoToHi) {
  const std::vector<double> lrs = lr_range_schedule(1e-4, 1.0, 5);
  ASSERT_EQ(lrs.size(), 5u);
  EXPECT_EQ(lrs.front(), 1e-4);
  EXPECT_EQ(lrs.back(), 1.0);
  const double expected[] = {1e-4, 1e-3, 1e-2, 1e-1, 1.0};
  for (std::size_t i = 0; i < lrs.size(); ++i) EXPECT_NEAR(lrs[i], expected[i], 1e-12 * expected[i]) << i;
  // Two steps: just the ends.
  EXPECT_EQ(lr_range_schedule(1e-7, 10.0, 2), (std::vector<double>{1e-7, 10.0}));
}

TEST(LrRangeSchedule, RejectsBadInput) {
  EXPECT_THROW(lr_range_schedule(0.0, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(-1e-3, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(1.0, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(1.0, 0.1, 10), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(1e-3, kInf, 10), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(kNaN, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(1e-3, 1.0, 1), std::invalid_argument);
  EXPECT_THROW(lr_range_schedule(1e-3, 1.0, 0), std::invalid_argument);
}

// ---------------------------------------------------------------- tracker

TEST(LrRangeTracker, BiasCorrectedMovingAverage) {
  // beta 0.5: avg 0.5, 1.25, 2.125; corrected by 1 - 0.5^n = 0.5, 0.75, 0.875.
  LrRangeTracker t(0.5);
  t.add(1e-3, 1.0);
  t.add(1e-2, 2.0);
  t.add(1e-1, 3.0);
  const LrRangeResult r = t.result();
  ASSERT_EQ(r.smoothed.size(), 3u);
  EXPECT_NEAR(r.smoothed[0], 1.0, 1e-12);
  EXPECT_NEAR(r.smoothed[1], 1.25 / 0.75, 1e-12);
  EXPECT_NEAR(r.smoothed[2], 2.125 / 0.875, 1e-12);
  EXPECT_EQ(r.lrs, (std::vector<double>{1e-3, 1e-2, 1e-1}));
  EXPECT_EQ(r.losses, (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST(LrRangeTracker, StopsOnceTheLossPassesFourTimesItsBest) {
  LrRangeTracker t(0.0);                               // no smoothing: the rule sees the raw losses
  const double losses[] = {1.0, 0.5, 0.25, 0.9, 1.0};  // 1.0 is 4x the best, not above it
  double lr = 1e-4;
  for (double loss : losses) {
    EXPECT_FALSE(t.add(lr, loss)) << loss;
    lr *= 2;
  }
  EXPECT_EQ(t.result().stop_index, 5u);  // == size: never fired
  EXPECT_TRUE(t.add(lr, 1.01));
  LrRangeResult r = t.result();
  EXPECT_EQ(r.stop_index, 5u);
  EXPECT_EQ(r.lrs.size(), 6u);
  EXPECT_NE(r.note.find("above 4x its best"), std::string::npos) << r.note;
  // A step after the stop is still recorded, says stop again, and leaves
  // the stop where it fired.
  EXPECT_TRUE(t.add(lr * 2, 0.1));
  r = t.result();
  EXPECT_EQ(r.lrs.size(), 7u);
  EXPECT_EQ(r.stop_index, 5u);
}

TEST(LrRangeTracker, StopsOnANonFiniteLossAndNeverSuggestsIt) {
  LrRangeTracker t;
  EXPECT_FALSE(t.add(1e-3, 1.0));
  EXPECT_FALSE(t.add(1e-2, 0.9));
  EXPECT_TRUE(t.add(1e-1, kNaN));
  LrRangeResult r = t.result();
  EXPECT_EQ(r.stop_index, 2u);
  EXPECT_TRUE(std::isnan(r.smoothed[2]));
  EXPECT_TRUE(std::isnan(r.suggested_lr));
  EXPECT_NE(r.note.find("not finite"), std::string::npos) << r.note;

  LrRangeTracker inf;
  EXPECT_TRUE(inf.add(1e-3, kInf));
  EXPECT_EQ(inf.result().stop_index, 0u);
}

TEST(LrRangeTracker, SuggestsTheSteepestDescentOfAKnownCurve) {
  // x = log10(lr) from -7 to 1 in steps of 0.05: lr 1e-4 is a grid point.
  const std::vector<double> lrs = lr_range_schedule(1e-7, 10.0, 161);
  LrRangeTracker t(0.0);
  const LrRangeResult r = sweep(t, lrs, synthetic_loss);

  // The stop: the first step whose loss is above 4x the best before it,
  // found here by brute force.
  std::size_t expected_stop = lrs.size();
  double best = kInf;
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    const double loss = synthetic_loss(lrs[i]);
    if (loss > 4 * best) {
      expected_stop = i;
      break;
    }
    best = std::min(best, loss);
  }
  ASSERT_LT(expected_stop, lrs.size());
  EXPECT_EQ(r.stop_index, expected_stop);
  EXPECT_EQ(r.lrs.size(), expected_stop + 1);  // the sweep ended at the stop
  EXPECT_GT(r.lrs[r.stop_index], 1e-2);        // past the explosion's start
  EXPECT_GT(r.smoothed[r.stop_index], 4 * *std::min_element(r.smoothed.begin(), r.smoothed.end() - 1));

  // tanh is steepest at its centre: lr 1e-4, within a grid step.
  ASSERT_TRUE(std::isfinite(r.suggested_lr)) << r.note;
  EXPECT_NEAR(std::log10(r.suggested_lr), -4.0, 0.051);
  EXPECT_EQ(r.lrs[r.suggested_index], r.suggested_lr);
  EXPECT_NE(r.note.find("steepest descent at lr"), std::string::npos) << r.note;
  EXPECT_NE(r.note.find("stopped at lr"), std::string::npos) << r.note;
}

TEST(LrRangeTracker, SmoothingDelaysButKeepsTheSuggestionInRange) {
  // fastai's beta 0.98 averages over ~50 steps (~2.5 decades here), so the
  // smoothed curve lags the raw one: the steepest point moves to a larger
  // learning rate, and the stop comes later, but both stay on the curve's
  // descent / explosion.
  const std::vector<double> lrs = lr_range_schedule(1e-7, 10.0, 161);
  LrRangeTracker raw(0.0), smooth;
  const LrRangeResult r0 = sweep(raw, lrs, synthetic_loss);
  const LrRangeResult r = sweep(smooth, lrs, synthetic_loss);
  ASSERT_TRUE(std::isfinite(r.suggested_lr)) << r.note;
  EXPECT_GE(r.suggested_lr, r0.suggested_lr);
  EXPECT_GE(r.suggested_lr, 1e-4);
  EXPECT_LE(r.suggested_lr, 1e-2);
  EXPECT_GE(r.stop_index, r0.stop_index);
  EXPECT_LT(r.stop_index, lrs.size());
  // The recorded smoothed values are the bias-corrected average.
  double avg = 0;
  for (std::size_t i = 0; i < r.smoothed.size(); ++i) {
    avg = 0.98 * avg + 0.02 * synthetic_loss(lrs[i]);
    EXPECT_NEAR(r.smoothed[i], avg / (1 - std::pow(0.98, static_cast<double>(i + 1))), 1e-12) << i;
  }
}

TEST(LrRangeTracker, SkipsTheFirstTenthOfTheSteps) {
  // A plunge over the first 5 of 100 steps (slope 1.6 a step) and then a
  // gentle tanh descent steepest at step 50 (0.095 a step): the plunge is in
  // the skipped first 10%, so the suggestion is step 50.
  const std::vector<double> lrs = lr_range_schedule(1e-6, 1.0, 100);
  LrRangeTracker t(0.0);
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    const double step = static_cast<double>(i);
    t.add(lrs[i], i < 5 ? 10.0 - 1.6 * step : 1.05 - 0.95 * std::tanh((step - 50.0) / 10.0));
  }
  const LrRangeResult r = t.result();
  EXPECT_EQ(r.stop_index, lrs.size());
  EXPECT_EQ(r.suggested_index, 50u) << r.note;
  EXPECT_EQ(r.suggested_lr, lrs[50]);
}

TEST(LrRangeTracker, NoSuggestionWhenTheCurveNeverDescends) {
  const std::vector<double> lrs = lr_range_schedule(1e-7, 10.0, 100);
  LrRangeTracker rising;
  const LrRangeResult r = sweep(rising, lrs, [](double lr) { return 1.0 + 0.01 * (std::log10(lr) + 7.0); });
  EXPECT_TRUE(std::isnan(r.suggested_lr));
  EXPECT_EQ(r.stop_index, lrs.size());  // it rises slowly: the 4x rule never fires
  EXPECT_NE(r.note.find("no suggestion"), std::string::npos) << r.note;
  EXPECT_NE(r.note.find("without the loss passing"), std::string::npos) << r.note;

  // A flat curve: the moving average's rounding is not a descent.
  LrRangeTracker flat;
  const LrRangeResult f = sweep(flat, lrs, [](double) { return 0.7; });
  EXPECT_TRUE(std::isnan(f.suggested_lr)) << f.note;
  EXPECT_NE(f.note.find("no suggestion"), std::string::npos) << f.note;

  // Falling by a relative 1e-12 a step is flat too, though its best step is
  // the last: no slope there is a descent.
  LrRangeTracker creeping(0.0);
  for (std::size_t i = 0; i < lrs.size(); ++i) creeping.add(lrs[i], 1.0 - 1e-12 * static_cast<double>(i));
  const LrRangeResult c = creeping.result();
  EXPECT_TRUE(std::isnan(c.suggested_lr)) << c.note;
  EXPECT_NE(c.note.find("never falls"), std::string::npos) << c.note;
}

TEST(LrRangeTracker, NoSuggestionFromTooFewPoints) {
  LrRangeTracker t(0.0);
  t.add(1e-3, 1.0);
  t.add(1e-2, 0.5);
  t.add(1e-1, 0.25);
  const LrRangeResult r = t.result();
  EXPECT_TRUE(std::isnan(r.suggested_lr));
  EXPECT_NE(r.note.find("no suggestion"), std::string::npos) << r.note;

  const LrRangeResult empty = LrRangeTracker().result();
  EXPECT_TRUE(std::isnan(empty.suggested_lr));
  EXPECT_EQ(empty.stop_index, 0u);
  EXPECT_FALSE(empty.note.empty());
}

TEST(LrRangeTracker, RejectsBadInput) {
  LrRangeTracker t;
  EXPECT_THROW(t.add(0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(t.add(-1e-3, 1.0), std::invalid_argument);
  EXPECT_THROW(t.add(kNaN, 1.0), std::invalid_argument);
  EXPECT_THROW(t.add(kInf, 1.0), std::invalid_argument);
  EXPECT_TRUE(t.result().lrs.empty());  // nothing recorded by a rejected step
  EXPECT_THROW(LrRangeTracker(1.0).add(1e-3, 1.0), std::invalid_argument);
  EXPECT_THROW(LrRangeTracker(-0.1).add(1e-3, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe::test
