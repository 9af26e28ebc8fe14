#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "nnrecipe/metrics.h"
#include "prob_builders.h"

namespace nnrecipe::test {
namespace {

constexpr double kTol = 1e-12;

// ---------------------------------------------------------------- ROC-AUC

TEST(RocAuc, CountsWinningPairs) {
  // Positives 0.35 and 0.8, negatives 0.1 and 0.4. Pairs (pos, neg):
  // 0.35>0.1 win, 0.35<0.4 loss, 0.8>0.1 win, 0.8>0.4 win -> 3/4.
  EXPECT_NEAR(roc_auc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75, kTol);
}

TEST(RocAuc, TiedScoresCountHalf) {
  // Positives 0.2, 0.5, 0.9; negatives 0.2, 0.5 (P=3, N=2, 6 pairs).
  // pos 0.2: tie with 0.2 (1/2), loses to 0.5        -> 0.5
  // pos 0.5: beats 0.2, ties 0.5                      -> 1.5
  // pos 0.9: beats both                               -> 2
  // (0.5 + 1.5 + 2) / 6 = 2/3. Average ranks agree: sorted 0.2,0.2 | 0.5,0.5 | 0.9
  // have ranks 1.5,1.5,3.5,3.5,5; positive rank sum 10 - P(P+1)/2 = 4; 4/6.
  // scikit-learn 1.2.1 roc_auc_score gives 0.6666666666666666.
  EXPECT_NEAR(roc_auc({0, 1, 0, 1, 1}, {0.2, 0.2, 0.5, 0.5, 0.9}), 2.0 / 3.0, kTol);
}

TEST(RocAuc, PerfectReversedAndRandomOrder) {
  EXPECT_NEAR(roc_auc({0, 0, 1, 1}, {0.1, 0.2, 0.8, 0.9}), 1.0, kTol);
  EXPECT_NEAR(roc_auc({0, 0, 1, 1}, {0.9, 0.8, 0.2, 0.1}), 0.0, kTol);
  // Random order: positives at 0.1 (beats nothing) and 0.4 (beats both
  // negatives 0.2, 0.3) -> 2/4 = 0.5.
  EXPECT_NEAR(roc_auc({1, 0, 0, 1}, {0.1, 0.2, 0.3, 0.4}), 0.5, kTol);
  // A constant score ties every pair: 0.5.
  EXPECT_NEAR(roc_auc({1, 0, 0, 1, 0}, {0.3, 0.3, 0.3, 0.3, 0.3}), 0.5, kTol);
}

TEST(RocAuc, NaNWhenOneClassAbsent) {
  EXPECT_TRUE(std::isnan(roc_auc({1, 1, 1}, {0.1, 0.5, 0.9})));
  EXPECT_TRUE(std::isnan(roc_auc({0, 0}, {0.1, 0.5})));
  EXPECT_TRUE(std::isnan(roc_auc({}, {})));
}

TEST(RocAuc, MatchesPairwiseCountOnTiedRandomData) {
  // O(n^2) definition against the O(n log n) implementation, with scores
  // rounded to 0.05 so that most rows share their score with others.
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> bucket(0, 20);
  std::bernoulli_distribution coin(0.3);
  std::vector<int64_t> y(600);
  std::vector<double> s(600);
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = coin(rng) ? 1 : 0;
    s[i] = 0.05 * bucket(rng) + (y[i] ? 0.1 : 0.0);  // informative, not perfect
  }
  double wins = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    for (std::size_t j = 0; j < y.size(); ++j) {
      if (y[i] != 1 || y[j] != 0) continue;
      pairs += 1.0;
      wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  const double auc = roc_auc(y, s);
  EXPECT_NEAR(auc, wins / pairs, kTol);
  EXPECT_GT(auc, 0.55);  // the data is informative: not a degenerate 0.5
}

// ------------------------------------------------------- average precision

TEST(PrAuc, StepwiseAveragePrecision) {
  // scikit-learn's documented example. Thresholds from the top:
  // 0.8 (pos): P=1/1, R=1/2 | 0.4 (neg): R unchanged | 0.35 (pos): P=2/3, R=1
  // AP = (1/2)(1) + (1/2)(2/3) = 5/6 (scikit-learn 1.2.1: 0.8333333333333333).
  EXPECT_NEAR(pr_auc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 5.0 / 6.0, kTol);
}

TEST(PrAuc, TiedScoresEnterTogether) {
  // Groups from the top: {0.9: pos} P=1, R=1/3; {0.5: neg, pos} P=2/3, R=2/3;
  // {0.2: neg, pos} P=3/5, R=1.
  // AP = 1/3 * (1 + 2/3 + 3/5) = 34/45 (scikit-learn 1.2.1: 0.7555555555555555).
  // Taking tied rows one at a time would give another number.
  EXPECT_NEAR(pr_auc({0, 1, 0, 1, 1}, {0.2, 0.2, 0.5, 0.5, 0.9}), 34.0 / 45.0, kTol);
  EXPECT_NEAR(pr_auc({1, 0, 1, 0, 1}, {0.2, 0.2, 0.5, 0.5, 0.9}), 34.0 / 45.0, kTol);
}

TEST(PrAuc, PerfectRandomOrderAndDegenerate) {
  EXPECT_NEAR(pr_auc({0, 0, 1, 1}, {0.1, 0.2, 0.8, 0.9}), 1.0, kTol);
  // Random order, from the top: 0.4 pos P=1 R=1/2; 0.3, 0.2 neg; 0.1 pos
  // P=2/4 R=1 -> AP = 1/2 + 1/2 * 1/2 = 3/4.
  EXPECT_NEAR(pr_auc({1, 0, 0, 1}, {0.1, 0.2, 0.3, 0.4}), 0.75, kTol);
  // A constant score: one threshold, precision = prevalence 2/5.
  EXPECT_NEAR(pr_auc({1, 0, 0, 1, 0}, {0.3, 0.3, 0.3, 0.3, 0.3}), 0.4, kTol);
  EXPECT_NEAR(pr_auc({1, 1}, {0.2, 0.3}), 1.0, kTol);   // no negative: precision is always 1
  EXPECT_TRUE(std::isnan(pr_auc({0, 0}, {0.2, 0.3})));  // no positive: undefined
}

TEST(PrAuc, DoesNotDependOnRowOrder) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> bucket(0, 10);
  std::vector<int64_t> y(300);
  std::vector<double> s(300);
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = static_cast<int64_t>(i % 3 == 0);
    s[i] = 0.1 * bucket(rng);
  }
  std::vector<std::size_t> perm(y.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<int64_t> y2(y.size());
  std::vector<double> s2(y.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    y2[i] = y[perm[i]];
    s2[i] = s[perm[i]];
  }
  EXPECT_EQ(pr_auc(y, s), pr_auc(y2, s2));
  EXPECT_EQ(roc_auc(y, s), roc_auc(y2, s2));
}

TEST(RankMetrics, RejectBadInput) {
  EXPECT_THROW(roc_auc({0, 1}, {0.5}), std::invalid_argument);
  EXPECT_THROW(roc_auc({0, 2}, {0.5, 0.6}), std::invalid_argument);
  EXPECT_THROW(pr_auc({0, -1}, {0.5, 0.6}), std::invalid_argument);
  EXPECT_THROW(pr_auc({0, 1}, {0.5, std::nan("")}), std::invalid_argument);
}

// ---------------------------------------------------------- classification

TEST(ClassificationMetrics, BinaryHandComputed) {
  // y = 0, 1; p1 = 0.5, 0.8 -> argmax 0 (a 0.5/0.5 tie predicts class 0), 1.
  // accuracy 2/2; log loss = (ln 2 + -ln 0.8) / 2; auc 1; pr_auc 1.
  const auto m = classification_metrics({0, 1}, binary_probs({0.5, 0.8}), 2);
  EXPECT_NEAR(m.at("accuracy"), 1.0, kTol);
  EXPECT_NEAR(m.at("balanced_accuracy"), 1.0, kTol);
  EXPECT_NEAR(m.at("macro_f1"), 1.0, kTol);
  EXPECT_NEAR(m.at("log_loss"), (std::log(2.0) - std::log(0.8)) / 2.0, kTol);
  EXPECT_NEAR(m.at("auc"), 1.0, kTol);
  EXPECT_NEAR(m.at("pr_auc"), 1.0, kTol);
  EXPECT_EQ(m.size(), 6u);
}

// PR-AUC measures the rarer class: when the positive label (class 1) is
// the common one (93% "yes, in good health"), it is scored for class 0, so
// that selecting by it rewards finding the rare rows, not the common ones.
TEST(ClassificationMetrics, PrAucIsTheRarerClasssEvenWhenThatIsClassZero) {
  const std::vector<int64_t> y = {1, 1, 1, 1, 0, 1, 1, 0};
  const std::vector<double> p1 = {0.9, 0.8, 0.7, 0.6, 0.65, 0.95, 0.85, 0.2};
  const auto m = classification_metrics(y, binary_probs(p1), 2);
  std::vector<int64_t> zero;
  std::vector<double> p0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    zero.push_back(y[i] == 0);
    p0.push_back(1 - p1[i]);
  }
  EXPECT_NEAR(m.at("pr_auc"), pr_auc(zero, p0), kTol);
  EXPECT_LT(m.at("pr_auc"), pr_auc(y, p1));  // the common class is easy: it flattered the score
}

TEST(ClassificationMetrics, LogLossClipsAZeroProbability) {
  // p_true = 0 -> clipped to 1e-15: -ln(1e-15) = 15 ln 10 = 34.538776394910684.
  const auto one = classification_metrics({1}, binary_probs({0.0}), 2);
  EXPECT_NEAR(one.at("log_loss"), 15.0 * std::log(10.0), 1e-9);
  // Mixed with an ordinary row: (34.5387763949 + -ln 0.8) / 2; scikit-learn
  // 1.2.1 log_loss(..., eps=1e-15) gives 17.380959973112446.
  const auto two = classification_metrics({1, 0}, binary_probs({0.0, 0.2}), 2);
  EXPECT_NEAR(two.at("log_loss"), 17.380959973112446, 1e-9);
  // p_true = 1 is clipped to 1 - 1e-15: a tiny positive loss, not -0.
  const auto sure = classification_metrics({1}, binary_probs({1.0}), 2);
  EXPECT_GT(sure.at("log_loss"), 0.0);
  EXPECT_LT(sure.at("log_loss"), 1e-14);
}

TEST(ClassificationMetrics, MacroF1WithAClassNeverPredicted) {
  // K = 3, y = 0 0 0 1 1 2, predictions 0 0 1 1 1 0 (class 2 never predicted).
  // class 0: TP 2, true 3, predicted 3 -> F1 = 2*2/(3+3) = 2/3, recall 2/3
  // class 1: TP 2, true 2, predicted 3 -> F1 = 2*2/(2+3) = 4/5, recall 1
  // class 2: TP 0, true 1, predicted 0 -> F1 = 0,               recall 0
  // macro_f1 = (2/3 + 4/5 + 0) / 3 = 22/45; accuracy = 4/6;
  // balanced_accuracy = (2/3 + 1 + 0) / 3 = 5/9.
  const std::vector<double> probs = {
      0.6, 0.3, 0.1,  //
      0.5, 0.4, 0.1,  //
      0.3, 0.5, 0.2,  //
      0.2, 0.7, 0.1,  //
      0.1, 0.8, 0.1,  //
      0.5, 0.2, 0.3,  //
  };
  const auto m = classification_metrics({0, 0, 0, 1, 1, 2}, probs, 3);
  EXPECT_NEAR(m.at("macro_f1"), 22.0 / 45.0, kTol);
  EXPECT_NEAR(m.at("accuracy"), 4.0 / 6.0, kTol);
  EXPECT_NEAR(m.at("balanced_accuracy"), 5.0 / 9.0, kTol);
  // log loss = -(ln .6 + ln .5 + ln .3 + ln .7 + ln .8 + ln .3) / 6
  const double ll =
      -(std::log(0.6) + std::log(0.5) + std::log(0.3) + std::log(0.7) + std::log(0.8) + std::log(0.3)) / 6.0;
  EXPECT_NEAR(m.at("log_loss"), ll, kTol);
  EXPECT_EQ(m.count("auc"), 0u);  // binary only
  EXPECT_EQ(m.count("pr_auc"), 0u);
}

TEST(ClassificationMetrics, PredictedButAbsentClassCountsForF1NotForBalancedAccuracy) {
  // K = 4, y = 0 0 1 1, predictions 0 2 1 1; class 3 neither true nor predicted.
  // F1: class 0 = 2*1/(2+1) = 2/3, class 1 = 2*2/(2+2) = 1, class 2 = 0
  // (predicted once, never true): labels = {0, 1, 2} -> (2/3 + 1 + 0) / 3 = 5/9.
  // Balanced accuracy over the classes in y only: (1/2 + 1) / 2 = 3/4.
  const std::vector<double> probs = {
      0.7, 0.1, 0.1, 0.1,  //
      0.2, 0.1, 0.6, 0.1,  //
      0.1, 0.7, 0.1, 0.1,  //
      0.1, 0.6, 0.2, 0.1,  //
  };
  const auto m = classification_metrics({0, 0, 1, 1}, probs, 4);
  EXPECT_NEAR(m.at("macro_f1"), 5.0 / 9.0, kTol);
  EXPECT_NEAR(m.at("balanced_accuracy"), 0.75, kTol);
  EXPECT_NEAR(m.at("accuracy"), 0.75, kTol);
}

TEST(ClassificationMetrics, BinaryMatchesScikitLearn) {
  // Reference values from scikit-learn 1.2.1 (Debian python3-sklearn) on
  // these arrays: accuracy_score, balanced_accuracy_score, f1_score(average=
  // 'macro') of argmax predictions, log_loss(eps=1e-15), roc_auc_score and
  // average_precision_score of p1. Scores 0.4 and 0.6 are tied across classes.
  const std::vector<int64_t> y = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1};
  const std::vector<double> p1 = {0.9, 0.1, 0.8, 0.4, 0.4, 0.3, 0.6, 0.6, 0.2, 0.7, 0.05, 0.6};
  const auto m = classification_metrics(y, binary_probs(p1), 2);
  EXPECT_NEAR(m.at("accuracy"), 0.6666666666666666, kTol);
  EXPECT_NEAR(m.at("balanced_accuracy"), 0.6666666666666666, kTol);
  EXPECT_NEAR(m.at("macro_f1"), 0.6666666666666666, kTol);
  EXPECT_NEAR(m.at("log_loss"), 0.5850251560635386, kTol);
  EXPECT_NEAR(m.at("auc"), 0.7361111111111112, kTol);
  EXPECT_NEAR(m.at("pr_auc"), 0.7597222222222222, kTol);
}

TEST(ClassificationMetrics, MulticlassMatchesScikitLearn) {
  // Reference values from scikit-learn 1.2.1 as above (log_loss with
  // labels=[0,1,2,3], eps=1e-15). Class 2 is never predicted, class 3 never
  // true but predicted once (row 3), row 8 is an argmax tie (-> class 0) and
  // row 9 gives its true class probability 0 (clipped).
  const std::vector<int64_t> y = {0, 1, 2, 0, 1, 2, 0, 1, 1, 0};
  const std::vector<double> probs = {
      0.7, 0.1, 0.1, 0.1,  //
      0.2, 0.5, 0.2, 0.1,  //
      0.3, 0.4, 0.2, 0.1,  //
      0.2, 0.2, 0.1, 0.5,  //
      0.1, 0.6, 0.2, 0.1,  //
      0.5, 0.1, 0.3, 0.1,  //
      0.4, 0.3, 0.2, 0.1,  //
      0.0, 0.9, 0.1, 0.0,  //
      0.3, 0.3, 0.3, 0.1,  //
      0.0, 1.0, 0.0, 0.0,  //
  };
  const auto m = classification_metrics(y, probs, 4);
  EXPECT_NEAR(m.at("accuracy"), 0.5, kTol);
  EXPECT_NEAR(m.at("balanced_accuracy"), 0.4166666666666667, kTol);
  EXPECT_NEAR(m.at("macro_f1"), 0.29166666666666663, kTol);
  // scikit-learn renormalizes the clipped rows (row 9 sums to 1 + 3e-15),
  // which moves the mean by ~1e-16; hence the looser tolerance.
  EXPECT_NEAR(m.at("log_loss"), 4.274789682422741, 1e-9);
}

TEST(ClassificationMetrics, OneClassBinaryHasUndefinedRankMetrics) {
  const auto m = classification_metrics({1, 1}, binary_probs({0.9, 0.2}), 2);
  EXPECT_NEAR(m.at("accuracy"), 0.5, kTol);
  EXPECT_TRUE(std::isnan(m.at("auc")));
  EXPECT_NEAR(m.at("pr_auc"), 1.0, kTol);
}

TEST(ClassificationMetrics, RejectsBadInput) {
  EXPECT_THROW(classification_metrics({}, {}, 2), std::invalid_argument);
  EXPECT_THROW(classification_metrics({0}, {1.0}, 1), std::invalid_argument);
  EXPECT_THROW(classification_metrics({0, 1}, {0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(classification_metrics({0, 2}, binary_probs({0.5, 0.5}), 2), std::invalid_argument);
  EXPECT_THROW(classification_metrics({0, -1}, binary_probs({0.5, 0.5}), 2), std::invalid_argument);
  EXPECT_THROW(classification_metrics({0}, {1.5, -0.5}, 2), std::invalid_argument);
  EXPECT_THROW(classification_metrics({0}, {std::nan(""), 0.5}, 2), std::invalid_argument);
  try {
    classification_metrics({0, 1}, {0.5, 0.5, 0.5}, 2);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "classification_metrics: 3 probabilities for 2 rows x 2 classes");
  }
}

// -------------------------------------------------------------- regression

TEST(RegressionMetrics, HandComputed) {
  // errors y - pred = -0.5, 0, 1, -1: MAE = 2.5/4 = 0.625,
  // MSE = (0.25 + 0 + 1 + 1)/4 = 0.5625 -> RMSE = 0.75.
  // mean(y) = 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5, SS_res = 2.25,
  // R2 = 1 - 2.25/5 = 0.55.
  const auto m = regression_metrics({1, 2, 3, 4}, {1.5, 2, 2, 5});
  EXPECT_NEAR(m.at("mae"), 0.625, kTol);
  EXPECT_NEAR(m.at("rmse"), 0.75, kTol);
  EXPECT_NEAR(m.at("r2"), 0.55, kTol);
  EXPECT_EQ(m.size(), 3u);
}

TEST(RegressionMetrics, MeanPredictorHasZeroR2AndPerfectHasOne) {
  const std::vector<double> y = {1, 2, 4, 9, 3};  // mean 19/5 = 3.8
  EXPECT_NEAR(regression_metrics(y, std::vector<double>(5, 3.8)).at("r2"), 0.0, kTol);
  const auto perfect = regression_metrics(y, y);
  EXPECT_EQ(perfect.at("r2"), 1.0);
  EXPECT_EQ(perfect.at("rmse"), 0.0);
  EXPECT_EQ(perfect.at("mae"), 0.0);
}

TEST(RegressionMetrics, StableFarFromZero) {
  // The hand case shifted by 1e12 (original units such as millisecond
  // timestamps): the same errors, and R2 must survive the offset; the
  // one-pass sum(y^2) - n mean^2 would not, even in long double.
  const double o = 1e12;
  const auto m = regression_metrics({o + 1, o + 2, o + 3, o + 4}, {o + 1.5, o + 2, o + 2, o + 5});
  EXPECT_NEAR(m.at("mae"), 0.625, 1e-9);
  EXPECT_NEAR(m.at("rmse"), 0.75, 1e-9);
  EXPECT_NEAR(m.at("r2"), 0.55, 1e-9);
}

TEST(RegressionMetrics, MatchesScikitLearn) {
  // Reference values from scikit-learn 1.2.1: sqrt(mean_squared_error),
  // mean_absolute_error, r2_score.
  const auto a = regression_metrics({3.0, -0.5, 2, 7}, {2.5, 0.0, 2, 8});
  EXPECT_NEAR(a.at("rmse"), 0.6123724356957945, kTol);
  EXPECT_NEAR(a.at("mae"), 0.5, kTol);
  EXPECT_NEAR(a.at("r2"), 0.9486081370449679, kTol);
  const double o = 1e6;
  const auto b = regression_metrics({o + 0.5, o + 1.25, o - 2, o + 3, o}, {o + 1, o + 1, o - 1.5, o + 2, o + 0.25});
  EXPECT_NEAR(b.at("rmse"), 0.570087712549569, 1e-9);
  EXPECT_NEAR(b.at("mae"), 0.5, 1e-9);
  EXPECT_NEAR(b.at("r2"), 0.8778195488721805, 1e-9);
}

TEST(RegressionMetrics, ConstantTargetHasUndefinedR2) {
  // SS_tot = 0. scikit-learn's r2_score reports 0.0 here (1.0 when also
  // SS_res = 0); nnrecipe reports NaN on purpose.
  const auto m = regression_metrics({2, 2, 2}, {1, 2, 3});
  EXPECT_TRUE(std::isnan(m.at("r2")));
  EXPECT_NEAR(m.at("mae"), 2.0 / 3.0, kTol);
  // A long constant column: the rounded sum of 100000 x 0.1 divided by
  // 100000 is not exactly 0.1, which leaves SS_tot ~1e-29 instead of 0 (on
  // x86-64 long double), so the test must be on the values, not SS_tot.
  std::vector<double> y(100000, 0.1), pred(100000, 0.1);
  pred[0] = 0.2;
  EXPECT_TRUE(std::isnan(regression_metrics(y, pred).at("r2")));
}

TEST(RegressionMetrics, RejectsBadInput) {
  EXPECT_THROW(regression_metrics({}, {}), std::invalid_argument);
  EXPECT_THROW(regression_metrics({1, 2}, {1}), std::invalid_argument);
  EXPECT_THROW(regression_metrics({1, 2}, {1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
  EXPECT_THROW(regression_metrics({std::nan(""), 2}, {1, 2}), std::invalid_argument);
}

// --------------------------------------------------------------- selection

TEST(Selection, DefaultsPerTask) {
  const SelectionMetric b = default_selection_metric(Task::Binary);
  EXPECT_EQ(b.name, "auc");
  EXPECT_TRUE(b.higher_is_better);
  const SelectionMetric m = default_selection_metric(Task::Multiclass);
  EXPECT_EQ(m.name, "accuracy");
  EXPECT_TRUE(m.higher_is_better);
  const SelectionMetric r = default_selection_metric(Task::Regression);
  EXPECT_EQ(r.name, "rmse");
  EXPECT_FALSE(r.higher_is_better);
}

TEST(Selection, ByNameKnowsEveryReportedMetric) {
  for (const char* name : {"accuracy", "balanced_accuracy", "auc", "pr_auc", "macro_f1", "r2"}) {
    EXPECT_TRUE(selection_metric(name).higher_is_better) << name;
  }
  for (const char* name : {"log_loss", "rmse", "mae"}) {
    EXPECT_FALSE(selection_metric(name).higher_is_better) << name;
  }
  EXPECT_THROW(selection_metric("f1"), std::invalid_argument);
  // Every key the metric functions produce is selectable.
  for (const auto& [name, value] : classification_metrics({0, 1}, binary_probs({0.3, 0.6}), 2)) {
    EXPECT_NO_THROW(selection_metric(name)) << name;
  }
  for (const auto& [name, value] : regression_metrics({1, 2}, {1, 3})) {
    EXPECT_NO_THROW(selection_metric(name)) << name;
  }
}

TEST(Selection, IsBetterFollowsDirectionAndHandlesNaN) {
  const SelectionMetric auc{"auc", true};
  const SelectionMetric rmse{"rmse", false};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(is_better(auc, 0.8, 0.7));
  EXPECT_FALSE(is_better(auc, 0.7, 0.8));
  EXPECT_FALSE(is_better(auc, 0.8, 0.8));  // a tie keeps the incumbent
  EXPECT_TRUE(is_better(rmse, 1.0, 2.0));
  EXPECT_FALSE(is_better(rmse, 2.0, 1.0));
  EXPECT_FALSE(is_better(auc, nan, 0.1));
  EXPECT_TRUE(is_better(auc, 0.1, nan));
  EXPECT_TRUE(is_better(rmse, 1e9, nan));
  EXPECT_FALSE(is_better(rmse, nan, nan));
}

}  // namespace
}  // namespace nnrecipe::test
