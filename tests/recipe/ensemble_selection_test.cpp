// Ensemble selection: it mixes models whose errors are independent, never
// picks one that only hurts, and reports the weighted mean it chose.
#include "nnrecipe/ensemble_selection.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace nnrecipe {
namespace {

constexpr std::size_t kRows = 2000;

std::vector<double> truth() {
  std::vector<double> y(kRows);
  for (std::size_t i = 0; i < kRows; ++i) y[i] = std::sin(0.01 * static_cast<double>(i)) * 10;
  return y;
}

/// The truth plus independent Gaussian noise of `sd` (its own seed).
Predictions noisy(double sd, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> noise(0.0, sd);
  Predictions p;
  p.task = Task::Regression;
  p.rows = kRows;
  p.values = truth();
  for (double& v : p.values) v += noise(gen);
  return p;
}

double rmse(const Predictions& p) {
  const std::vector<double> y = truth();
  double sum = 0;
  for (std::size_t i = 0; i < kRows; ++i) sum += (p.values[i] - y[i]) * (p.values[i] - y[i]);
  return std::sqrt(sum / kRows);
}

const SelectionMetric kRmse{"rmse", false};

TEST(EnsembleSelection, MixesIndependentModelsAndLeavesOutAHarmfulOne) {
  // The best weights are inverse variances: 1/100 for `bad` is under the
  // 1/20 one pick would give it, so a pick would only hurt.
  const Predictions a = noisy(1.0, 1), b = noisy(1.0, 2), bad = noisy(10.0, 3);
  const std::vector<const Predictions*> library{&bad, &a, &b};
  const std::vector<int> counts = select_ensemble(library, kRmse, rmse, 20);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0], 0);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);
  // Two equal, independent errors: the mean has about 1/sqrt(2) of each.
  const double mixed = rmse(weighted_mean(library, counts));
  EXPECT_LT(mixed, 0.8 * std::min(rmse(a), rmse(b)));
}

TEST(EnsembleSelection, WeightsAHelpfulWeakerModelLess) {
  // b is worse than a but independent: it helps a little, with less weight.
  const Predictions a = noisy(1.0, 4), b = noisy(2.0, 5);
  const std::vector<int> counts = select_ensemble({&a, &b}, kRmse, rmse, 20);
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], 0);
  // The best prefix never scores worse than the sorted initialization's mean.
  EXPECT_LE(rmse(weighted_mean({&a, &b}, counts)), rmse(weighted_mean({&a, &b}, {1, 1})));
}

TEST(EnsembleSelection, NanScoresRankLast) {
  // `unscored` is the best model, but its score alone is NaN (an AUC on a
  // split with one class, say): the initialization takes the next two.
  const Predictions unscored = noisy(0.5, 6), a = noisy(1.0, 7), b = noisy(2.0, 8);
  const auto score = [&](const Predictions& p) { return &p.values == &unscored.values ? std::nan("") : rmse(p); };
  EXPECT_EQ(select_ensemble({&unscored, &a, &b}, kRmse, score, 2), (std::vector<int>{0, 1, 1}));
}

TEST(EnsembleSelection, WeightedMeanOfProbabilities) {
  Predictions p, q;
  p.task = q.task = Task::Binary;
  p.rows = q.rows = 1;
  p.classes = q.classes = 2;
  p.probs = {0.9, 0.1};
  q.probs = {0.3, 0.7};
  const Predictions m = weighted_mean({&p, &q}, {3, 1});
  ASSERT_EQ(m.probs.size(), 2u);
  EXPECT_DOUBLE_EQ(m.probs[0], 0.75);
  EXPECT_DOUBLE_EQ(m.probs[1], 0.25);
  EXPECT_THROW(weighted_mean({&p, &q}, {0, 0}), std::invalid_argument);
  EXPECT_THROW(select_ensemble({&p}, kRmse, rmse, 5), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe
