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

/// RMSE against the truth of the given rows (ensemble_selection.h's RowsScore).
double rmse_of_rows(const Predictions& p, const std::vector<std::size_t>& rows) {
  const std::vector<double> y = truth();
  double sum = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) sum += (p.values[i] - y[rows[i]]) * (p.values[i] - y[rows[i]]);
  return std::sqrt(sum / static_cast<double>(rows.size()));
}

TEST(EnsembleSelection, TakeRowsReordersAndRepeats) {
  const Predictions a = noisy(1.0, 9);
  const Predictions some = take_rows(a, {5, 2, 5});
  EXPECT_EQ(some.rows, 3u);
  EXPECT_EQ(some.values, (std::vector<double>{a.values[5], a.values[2], a.values[5]}));
  EXPECT_THROW(take_rows(a, {kRows}), std::invalid_argument);
}

TEST(EnsembleSelection, HeldOutScoreDoesNotFlatterASelectionThatFitsNoise) {
  // Guesses that know nothing of the truth, a selection on 30 validation
  // rows, and 30 fresh rows (interleaved: the truth alike on both) to see
  // how its mix really does; averaged over 30 draws. In sample, the mix fits
  // the validation rows' chance patterns; held out, the estimate is no
  // better than the fresh rows say.
  constexpr std::size_t kFew = 30;
  std::vector<std::size_t> val_rows, fresh_rows;
  for (std::size_t i = 0; i < kFew; ++i) {
    val_rows.push_back(2 * i);
    fresh_rows.push_back(2 * i + 1);
  }
  const auto on_val = [&](const Predictions& p) { return rmse_of_rows(p, val_rows); };
  double in_sample = 0, fresh = 0, held_out = 0;
  constexpr int kDraws = 30;
  for (int draw = 0; draw < kDraws; ++draw) {
    std::vector<Predictions> val_models, fresh_models;
    for (unsigned m = 0; m < 20; ++m) {
      Predictions p = noisy(0.0, 0);
      std::mt19937 gen(static_cast<unsigned>(draw) * 100 + m);
      std::normal_distribution<double> guess(0.0, 7.0);
      for (double& v : p.values) v = guess(gen);
      val_models.push_back(take_rows(p, val_rows));
      fresh_models.push_back(take_rows(p, fresh_rows));
    }
    std::vector<const Predictions*> val_library, fresh_library;
    for (std::size_t m = 0; m < val_models.size(); ++m) {
      val_library.push_back(&val_models[m]);
      fresh_library.push_back(&fresh_models[m]);
    }
    const std::vector<int> counts = select_ensemble(val_library, kRmse, on_val, 20);
    in_sample += on_val(weighted_mean(val_library, counts)) / kDraws;
    fresh += rmse_of_rows(weighted_mean(fresh_library, counts), fresh_rows) / kDraws;
    held_out += held_out_selection_score(
                    val_library, kRmse,
                    [&](const Predictions& p, const std::vector<std::size_t>& rows) {
                      std::vector<std::size_t> at;  // positions into val_rows
                      for (std::size_t r : rows) at.push_back(val_rows[r]);
                      return rmse_of_rows(p, at);
                    },
                    20, static_cast<uint64_t>(draw)) /
                kDraws;
  }
  // The in-sample score flatters (here 2.66 against 4.28 fresh); the
  // held-out one removes most of that (4.11).
  EXPECT_LT(in_sample, 0.85 * fresh) << in_sample << " " << fresh;
  EXPECT_LT(std::abs(held_out - fresh), 0.25 * (fresh - in_sample)) << held_out << " " << fresh << " " << in_sample;
}

TEST(EnsembleSelection, HeldOutScoreKeepsARealGain) {
  // Independent errors: the mix's gain is real, held out as well.
  const Predictions a = noisy(1.0, 31), b = noisy(1.0, 32), c = noisy(1.0, 33);
  const double held_out = held_out_selection_score({&a, &b, &c}, kRmse, rmse_of_rows, 20, 1);
  EXPECT_LT(held_out, 0.8 * std::min({rmse(a), rmse(b), rmse(c)}));
}

TEST(EnsembleSelection, LeadBetweenEqualModelsIsRarelyBeyondOneStandardError) {
  // Equally good models: a lead is noise, beyond one standard error about
  // 16% of the time (one-sided, normal); 20 pairs, at most 8 (p ~ 1%).
  int beyond = 0;
  for (unsigned seed = 50; seed < 90; seed += 2) {
    const Predictions a = noisy(1.0, seed), b = noisy(1.0, seed + 1);
    const Lead lead = validation_lead(a, std::nullopt, b, kRmse, rmse_of_rows, seed);
    EXPECT_GT(lead.standard_error, 0.0);
    beyond += lead.beyond_one_standard_error() ? 1 : 0;
  }
  EXPECT_LE(beyond, 8);
}

TEST(EnsembleSelection, ClearLeadIsBeyondOneStandardError) {
  const Predictions a = noisy(1.0, 43), b = noisy(1.5, 44);
  const Lead lead = validation_lead(a, std::nullopt, b, kRmse, rmse_of_rows, 7);
  EXPECT_NEAR(lead.lead, rmse(b) - rmse(a), 1e-9);  // lower-is-better: the lead is b's excess error
  EXPECT_TRUE(lead.beyond_one_standard_error()) << lead.lead << " " << lead.standard_error;
  // The given score replaces a's own: a held-out score as bad as b's leads by nothing.
  EXPECT_FALSE(validation_lead(a, rmse(b), b, kRmse, rmse_of_rows, 7).beyond_one_standard_error());
}

TEST(EnsembleSelection, CrossFitHandicapIsTheMeanPairedGapInTheBetterDirection) {
  EXPECT_FALSE(cross_fit_handicap({}, kRmse).has_value());
  // ames, seed 0: the baseline network trained directly, then cross-fit.
  EXPECT_NEAR(*cross_fit_handicap({{18054, 20477}}, kRmse), 2423, 1e-9);
  EXPECT_NEAR(*cross_fit_handicap({{18054, 20477}, {16082, 17121}}, kRmse), (2423 + 1039) / 2.0, 1e-9);
  const SelectionMetric auc{"auc", true};
  EXPECT_NEAR(*cross_fit_handicap({{0.85, 0.84}}, auc), 0.01, 1e-12);
  EXPECT_NEAR(*cross_fit_handicap({{0.84, 0.85}}, auc), -0.01, 1e-12);  // cross-fitting helped
}

TEST(EnsembleSelection, HandicapTakesTheValidationWinnersLuckOutOfItsLead) {
  // A leader chosen as the best of 12 equally good models on the
  // validation rows leads an equally good cross-fit there by luck alone.
  // Its configuration cross-fit (a fresh draw of the same skill) measures
  // that luck: net of it, the lead is beyond one standard error about as
  // rarely as between any two equal models (16%; at most 8 of 20, p ~ 1%).
  int beyond_raw = 0, beyond_net = 0;
  for (unsigned trial = 0; trial < 20; ++trial) {
    const unsigned base = 1000 + 100 * trial;
    Predictions leader = noisy(1.0, base);
    for (unsigned k = 1; k < 12; ++k) {
      Predictions other = noisy(1.0, base + k);
      if (rmse(other) < rmse(leader)) leader = other;
    }
    const Predictions leader_cross_fit = noisy(1.0, base + 50), cross_fit_ensemble = noisy(1.0, base + 51);
    Lead lead = validation_lead(leader, std::nullopt, cross_fit_ensemble, kRmse, rmse_of_rows, trial);
    beyond_raw += lead.beyond_one_standard_error() ? 1 : 0;
    lead.handicap = *cross_fit_handicap({{rmse(leader), rmse(leader_cross_fit)}}, kRmse);
    beyond_net += lead.beyond_one_standard_error() ? 1 : 0;
  }
  EXPECT_LE(beyond_net, 8);
  EXPECT_GT(beyond_raw, beyond_net) << "the selection's luck should show without the handicap";
}

}  // namespace
}  // namespace nnrecipe
