// Baselines on real data (the test datasets, tests/datasets): the prior predicts the
// training shares / mean; xgboost beats it clearly, stops early at the best
// validation round, is deterministic and survives a save/load round trip.
// Metrics are computed here by small local helpers, independent of
// metrics.h, so that these tests check the baselines alone.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>

#include "nnrecipe/baselines.h"
#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/split.h"
#include "nnrecipe/transforms.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

/// One dataset split 70/10/20 (stratified for classification, seed 0) and
/// transformed with a transform fitted on the training split.
struct Data {
  FittedTransform ft;
  EncodedData train, val, test;
  std::vector<double> train_y, test_y;  ///< regression: target in original units
};

const Data* dataset(const std::string& file, const std::string& target, bool log_target = false) {
  static std::map<std::string, std::unique_ptr<Data>> cache;
  const std::string key = file + (log_target ? " (log target)" : "");
  if (auto it = cache.find(key); it != cache.end()) return it->second.get();
  const std::string path = shared_dataset(file);
  if (!exists(path)) return nullptr;
  const Table all = read_csv(path);
  const Column& y = all.column(target);
  std::vector<int64_t> strata(y.codes.begin(), y.codes.end());
  const SplitIndices split = split_rows(all.rows(), {0.1, 0.2, 0}, y.is_categorical() ? &strata : nullptr);
  const Table train = all.take(split.train), val = all.take(split.val), test = all.take(split.test);
  auto d = std::make_unique<Data>();
  TransformOptions o;
  o.target = target;
  o.log_target = log_target;
  d->ft = FittedTransform::fit(train, o);
  d->train = d->ft.apply(train);
  d->val = d->ft.apply(val);
  d->test = d->ft.apply(test);
  if (d->ft.target()->task == Task::Regression) {
    d->train_y = train.column(target).values;
    d->test_y = test.column(target).values;
  }
  return cache.emplace(key, std::move(d)).first->second.get();
}

#define REQUIRE_DATASET(var, file, target) \
  const Data* var = dataset(file, target); \
  if (!var) GTEST_SKIP() << "test dataset " << file << " not found"

// One thread: xgboost's OpenMP regions spin-wait at barriers, and on a busy
// 2-core machine (ctest -j, a compiler beside) a 2-thread fit that takes
// 0.1 s alone was seen taking 100 s. Determinism across threads is tested
// with 2 on a short fit.
constexpr int kThreads = 1;

/// Tests that share the default-options model of each dataset, fitted once.
class XgboostBaselineTest : public ::testing::Test {
 protected:
  static const XgboostBaseline& default_model(const std::string& file, const Data& d) {
    auto it = models().find(file);
    if (it == models().end()) {
      XgboostOptions o;
      o.threads = kThreads;
      auto m = std::make_unique<XgboostBaseline>(XgboostBaseline::fit(d.train, d.val, d.ft, o));
      it = models().emplace(file, std::move(m)).first;
    }
    return *it->second;
  }
  // Freed here, before main returns: see XgboostBaseline on static storage.
  static void TearDownTestSuite() { models().clear(); }

 private:
  static std::map<std::string, std::unique_ptr<XgboostBaseline>>& models() {
    static std::map<std::string, std::unique_ptr<XgboostBaseline>> m;
    return m;
  }
};

// --- local metrics ---------------------------------------------------------

/// Rank-based AUC of P(class 1), ties given their average rank.
double auc(const std::vector<int64_t>& y, const Predictions& p) {
  const std::size_t n = y.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto score = [&](std::size_t i) { return p.probs[2 * i + 1]; };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score(a) < score(b); });
  double rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && score(order[j]) == score(order[i])) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (y[order[k]] == 1) {
        rank_sum += avg_rank;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double accuracy(const std::vector<int64_t>& y, const Predictions& p) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double* row = &p.probs[i * p.classes];
    const auto best = std::max_element(row, row + p.classes) - row;
    right += best == y[i];
  }
  return static_cast<double>(right) / static_cast<double>(y.size());
}

double log_loss(const std::vector<int64_t>& y, const Predictions& p) {
  double sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    sum -= std::log(std::max(p.probs[i * p.classes + static_cast<std::size_t>(y[i])], 1e-15));
  }
  return sum / static_cast<double>(y.size());
}

double rmse(const std::vector<double>& y, const std::vector<double>& pred) {
  double sq = 0;
  for (std::size_t i = 0; i < y.size(); ++i) sq += (y[i] - pred[i]) * (y[i] - pred[i]);
  return std::sqrt(sq / static_cast<double>(y.size()));
}

double r2(const std::vector<double>& y, const std::vector<double>& pred) {
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  double ss_res = 0, ss_tot = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    ss_res += (y[i] - pred[i]) * (y[i] - pred[i]);
    ss_tot += (y[i] - mean) * (y[i] - mean);
  }
  return 1.0 - ss_res / ss_tot;
}

void expect_valid_probs(const Predictions& p, std::size_t rows, std::size_t classes) {
  ASSERT_EQ(p.rows, rows);
  ASSERT_EQ(p.classes, classes);
  ASSERT_EQ(p.probs.size(), rows * classes);
  for (std::size_t i = 0; i < rows; ++i) {
    double sum = 0;
    for (std::size_t k = 0; k < classes; ++k) {
      const double v = p.probs[i * classes + k];
      ASSERT_TRUE(v >= 0.0 && v <= 1.0) << v;
      sum += v;
    }
    ASSERT_NEAR(sum, 1.0, 1e-5) << "row " << i;
  }
}

// --- prior -------------------------------------------------------------------

TEST(PriorBaseline, PredictsTrainingClassShares) {
  REQUIRE_DATASET(d, "letter.csv", "lettr");
  const PriorBaseline prior = PriorBaseline::fit(d->train, d->ft);
  std::vector<double> expected(26, 0.0);
  for (int64_t y : d->train.labels) expected[static_cast<std::size_t>(y)] += 1.0 / static_cast<double>(d->train.rows);
  ASSERT_EQ(prior.class_shares().size(), 26u);
  for (std::size_t k = 0; k < 26; ++k) EXPECT_NEAR(prior.class_shares()[k], expected[k], 1e-12);
  const Predictions p = prior.predict(d->test);
  expect_valid_probs(p, d->test.rows, 26);
  for (std::size_t i = 0; i < p.rows; ++i) {
    ASSERT_TRUE(std::equal(prior.class_shares().begin(), prior.class_shares().end(), p.probs.begin() + i * 26));
  }
}

TEST(PriorBaseline, BinarySharesAreTheTrainingShares) {
  REQUIRE_DATASET(d, "credit_data.csv", "Status");
  const PriorBaseline prior = PriorBaseline::fit(d->train, d->ft);
  const auto bad = std::count(d->train.labels.begin(), d->train.labels.end(), 0);
  EXPECT_DOUBLE_EQ(prior.class_shares().at(0), static_cast<double>(bad) / static_cast<double>(d->train.rows));
  EXPECT_NEAR(prior.class_shares().at(0), 0.28, 0.01);  // the file's 28% "bad"
  const Predictions p = prior.predict(d->test);
  expect_valid_probs(p, d->test.rows, 2);
  EXPECT_DOUBLE_EQ(auc(d->test.labels, p), 0.5);  // every row tied
}

TEST(PriorBaseline, RegressionPredictsTrainingMeanInOriginalUnits) {
  REQUIRE_DATASET(d, "concrete.csv", "compressive_strength");
  const PriorBaseline prior = PriorBaseline::fit(d->train, d->ft);
  const double mean =
      std::accumulate(d->train_y.begin(), d->train_y.end(), 0.0) / static_cast<double>(d->train_y.size());
  EXPECT_NEAR(prior.mean(), mean, 1e-4);
  const Predictions p = prior.predict(d->test);
  EXPECT_EQ(p.task, Task::Regression);
  EXPECT_EQ(p.classes, 0u);
  EXPECT_TRUE(p.probs.empty());
  EXPECT_EQ(p.values, std::vector<double>(d->test.rows, prior.mean()));
}

// --- xgboost: quality on real data ------------------------------------------

TEST_F(XgboostBaselineTest, CreditBinaryBeatsThePrior) {
  REQUIRE_DATASET(d, "credit_data.csv", "Status");
  const Predictions p = default_model("credit_data.csv", *d).predict(d->test);
  expect_valid_probs(p, d->test.rows, 2);
  const double a = auc(d->test.labels, p);
  const double prior_ll = log_loss(d->test.labels, PriorBaseline::fit(d->train, d->ft).predict(d->test));
  const double ll = log_loss(d->test.labels, p);
  std::printf("credit_data: xgboost test AUC %.4f, accuracy %.4f, log loss %.4f (prior %.4f), best round %d\n", a,
              accuracy(d->test.labels, p), ll, prior_ll, default_model("credit_data.csv", *d).best_iteration());
  EXPECT_GT(a, 0.78);  // reference (80/20 split): 0.824
  EXPECT_LT(ll, prior_ll);
}

TEST_F(XgboostBaselineTest, ConcreteRegressionInOriginalUnits) {
  REQUIRE_DATASET(d, "concrete.csv", "compressive_strength");
  const Predictions p = default_model("concrete.csv", *d).predict(d->test);
  ASSERT_EQ(p.values.size(), d->test.rows);
  EXPECT_TRUE(p.probs.empty());
  const double e = rmse(d->test_y, p.values);
  const double prior_e = rmse(d->test_y, PriorBaseline::fit(d->train, d->ft).predict(d->test).values);
  const double fit = r2(d->test_y, p.values);
  std::printf("concrete: xgboost test RMSE %.3f (prior %.3f), R2 %.4f, best round %d\n", e, prior_e, fit,
              default_model("concrete.csv", *d).best_iteration());
  EXPECT_LT(e, 0.5 * prior_e);
  EXPECT_GT(fit, 0.85);  // reference: 0.930
}

// A log target (data.log_target) changes what the models fit, not the units
// they answer in: the prior is still the arithmetic training mean, and
// xgboost's predictions are prices again.
TEST(LogTarget, AmesPriorAndXgboostAnswerInOriginalUnits) {
  const Data* d = dataset("ames.csv", "Sale_Price", /*log_target=*/true);
  if (!d) GTEST_SKIP() << "test dataset ames.csv not found";
  ASSERT_TRUE(d->ft.target()->log);
  const PriorBaseline prior = PriorBaseline::fit(d->train, d->ft);
  const double mean =
      std::accumulate(d->train_y.begin(), d->train_y.end(), 0.0) / static_cast<double>(d->train_y.size());
  EXPECT_NEAR(prior.mean(), mean, 1e-6 * mean);
  XgboostOptions o;
  o.threads = kThreads;
  const Predictions p = XgboostBaseline::fit(d->train, d->val, d->ft, o).predict(d->test);
  const double e = rmse(d->test_y, p.values), fit = r2(d->test_y, p.values);
  std::printf("ames: xgboost on log(Sale_Price) test RMSE %.0f, R2 %.4f (prior %.0f)\n", e, fit,
              rmse(d->test_y, prior.predict(d->test).values));
  EXPECT_GT(fit, 0.85);  // reference, plain target on the 80/20 split: 0.881
}

// --- xgboost: early stopping --------------------------------------------------

// predict() must use the best round: its validation metric, recomputed here
// from the predictions, equals the best entry of the evaluation history, and
// training stopped `early_stopping_rounds` after it.
void expect_stopped_at_best(const XgboostBaseline& m, int patience, double predicted_val_score) {
  const auto& s = m.val_scores();
  ASSERT_EQ(s.size(), static_cast<std::size_t>(m.rounds()));
  const auto best = std::min_element(s.begin(), s.end()) - s.begin();  // first minimum
  EXPECT_EQ(m.best_iteration(), best);
  EXPECT_EQ(m.rounds(), m.best_iteration() + 1 + patience);
  EXPECT_NEAR(predicted_val_score, s[static_cast<std::size_t>(best)], 1e-5);
  // The check above discriminates only when the last round scores otherwise.
  EXPECT_GT(std::abs(s.back() - s[static_cast<std::size_t>(best)]), 1e-4);
}

TEST_F(XgboostBaselineTest, EarlyStoppingBinaryKeepsTheBestRound) {
  REQUIRE_DATASET(d, "credit_data.csv", "Status");
  const XgboostBaseline& m = default_model("credit_data.csv", *d);
  EXPECT_EQ(m.eval_metric(), "logloss");
  EXPECT_LT(m.rounds(), 1000);
  expect_stopped_at_best(m, 50, log_loss(d->val.labels, m.predict(d->val)));
}

// One test, so that a ctest run (one process per test) fits letter once.
TEST_F(XgboostBaselineTest, LetterMulticlassBeatsThePriorAndStopsAtTheBestRound) {
  REQUIRE_DATASET(d, "letter.csv", "lettr");
  const XgboostBaseline& m = default_model("letter.csv", *d);
  const Predictions p = m.predict(d->test);
  expect_valid_probs(p, d->test.rows, 26);
  const double acc = accuracy(d->test.labels, p);
  std::printf("letter: xgboost test accuracy %.4f, log loss %.4f, best round %d of %d\n", acc,
              log_loss(d->test.labels, p), m.best_iteration(), m.rounds());
  EXPECT_GT(acc, 0.85);  // reference: 0.959; the prior: ~0.04
  EXPECT_EQ(m.eval_metric(), "mlogloss");
  EXPECT_LT(m.rounds(), 1000);
  expect_stopped_at_best(m, 50, log_loss(d->val.labels, m.predict(d->val)));
}

TEST_F(XgboostBaselineTest, EarlyStoppingRegressionOnSmallPatience) {
  REQUIRE_DATASET(d, "concrete.csv", "compressive_strength");
  XgboostOptions o;
  o.threads = kThreads;
  o.max_rounds = 300;
  o.early_stopping_rounds = 5;
  const XgboostBaseline m = XgboostBaseline::fit(d->train, d->val, d->ft, o);
  EXPECT_EQ(m.eval_metric(), "rmse");
  EXPECT_LT(m.rounds(), o.max_rounds);
  // The validation rmse is in standardized units: map predictions back.
  const Predictions p = m.predict(d->val);
  std::vector<double> z_true(d->val.target.begin(), d->val.target.end()), z_pred;
  for (double v : p.values) z_pred.push_back(d->ft.forward_target(v));
  expect_stopped_at_best(m, 5, rmse(z_true, z_pred));
}

TEST_F(XgboostBaselineTest, WithoutEarlyStoppingTrainsEveryRound) {
  REQUIRE_DATASET(d, "concrete.csv", "compressive_strength");
  XgboostOptions o;
  o.threads = kThreads;
  o.max_rounds = 15;
  o.early_stopping_rounds = 0;
  const XgboostBaseline m = XgboostBaseline::fit(d->train, d->val, d->ft, o);
  EXPECT_EQ(m.rounds(), 15);
  EXPECT_EQ(m.best_iteration(), 14);
  EXPECT_EQ(m.val_scores().size(), 15u);  // still recorded
  const XgboostBaseline no_val = XgboostBaseline::fit(d->train, EncodedData{}, d->ft, o);
  EXPECT_EQ(no_val.rounds(), 15);
  EXPECT_TRUE(no_val.val_scores().empty());
  EXPECT_EQ(no_val.predict(d->test).values, m.predict(d->test).values);  // val does not affect training
}

// --- xgboost: determinism and persistence -------------------------------------

TEST_F(XgboostBaselineTest, SameSeedAndThreadsGiveIdenticalPredictions) {
  REQUIRE_DATASET(d, "credit_data.csv", "Status");
  XgboostOptions o;
  o.seed = 7;
  o.threads = 2;  // where a reduction order could differ between runs
  o.max_rounds = 40;
  const XgboostBaseline a = XgboostBaseline::fit(d->train, d->val, d->ft, o);
  const XgboostBaseline b = XgboostBaseline::fit(d->train, d->val, d->ft, o);
  EXPECT_EQ(a.best_iteration(), b.best_iteration());
  EXPECT_EQ(a.val_scores(), b.val_scores());
  EXPECT_EQ(a.predict(d->test).probs, b.predict(d->test).probs);  // bit for bit
}

TEST_F(XgboostBaselineTest, SaveLoadRoundTripGivesIdenticalPredictions) {
  for (const auto& [file, target] :
       {std::pair<std::string, std::string>{"letter.csv", "lettr"}, {"concrete.csv", "compressive_strength"}}) {
    SCOPED_TRACE(file);
    REQUIRE_DATASET(d, file, target);
    XgboostOptions o;
    o.threads = kThreads;
    o.max_rounds = 60;  // letter stays quick; concrete stops early (the cut must persist)
    const XgboostBaseline m = XgboostBaseline::fit(d->train, d->val, d->ft, o);
    if (file == "concrete.csv") {
      ASSERT_LT(m.best_iteration() + 1, m.rounds());
    }
    TempDir dir;
    m.save(dir.file("model.json"));
    EXPECT_EQ(read_text(dir.file("model.json")).front(), '{');  // JSON, not UBJSON
    const XgboostBaseline back = XgboostBaseline::load(dir.file("model.json"), d->ft, kThreads);
    EXPECT_EQ(back.best_iteration(), m.best_iteration());
    EXPECT_EQ(back.rounds(), m.rounds());
    EXPECT_EQ(back.eval_metric(), m.eval_metric());
    const Predictions a = m.predict(d->test), b = back.predict(d->test);
    EXPECT_EQ(a.probs, b.probs);
    EXPECT_EQ(a.values, b.values);
  }
}

TEST_F(XgboostBaselineTest, LoadRejectsAMismatchedTransformAndBadFiles) {
  REQUIRE_DATASET(credit, "credit_data.csv", "Status");
  REQUIRE_DATASET(letter, "letter.csv", "lettr");
  TempDir dir;
  default_model("credit_data.csv", *credit).save(dir.file("credit.json"));
  EXPECT_THROW(XgboostBaseline::load(dir.file("credit.json"), letter->ft), InputError);
  EXPECT_NO_THROW(XgboostBaseline::load(dir.file("credit.json"), credit->ft));
  EXPECT_THROW(XgboostBaseline::load(dir.file("absent.json"), credit->ft), InputError);
  // A C API failure (xgboost cannot parse the file) arrives as an exception
  // carrying xgboost's message, not as a crash.
  write_text(dir.file("garbage.json"), "{\"learner\": [1, 2");
  try {
    XgboostBaseline::load(dir.file("garbage.json"), credit->ft);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("xgboost"), std::string::npos) << e.what();
  }
}

TEST_F(XgboostBaselineTest, PredictRejectsDataOfAnotherWidth) {
  REQUIRE_DATASET(d, "credit_data.csv", "Status");
  EncodedData wrong;
  wrong.rows = 1;
  wrong.dense_cols = d->test.dense_cols + 1;
  wrong.dense.assign(wrong.dense_cols, 0.0f);
  EXPECT_THROW(default_model("credit_data.csv", *d).predict(wrong), std::invalid_argument);
  EncodedData empty;
  EXPECT_EQ(default_model("credit_data.csv", *d).predict(empty).rows, 0u);
}

}  // namespace
}  // namespace nnrecipe::test
