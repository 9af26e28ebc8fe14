// Cross-fitting for the squeeze stage (K-fold bagging, as AutoGluon's
// stacker does): the training and validation rows together are cut into K
// folds; K models each train on K-1 folds and stop early on the one they
// hold out. Every model sees 80% of all the labelled rows instead of the
// 90% of the training split alone, the mean of K of them is a bagged
// ensemble, and each validation row still gets a prediction from the one
// model that never trained on it, so the cross-fit is compared and selected
// on the same validation rows as every other candidate.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "nnrecipe/progress.h"
#include "nnrecipe/random.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

constexpr std::size_t kFolds = 5;

/// Row positions of the training rows (0..train-1) then the validation rows
/// (train..train+val-1), shuffled and cut into kFolds folds.
std::vector<std::vector<std::size_t>> folds_of(std::size_t train_rows, std::size_t val_rows, uint64_t seed) {
  std::vector<std::size_t> order(train_rows + val_rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  shuffle_in_place(order, rng);
  std::vector<std::vector<std::size_t>> folds(kFolds);
  for (std::size_t i = 0; i < order.size(); ++i) folds[i % kFolds].push_back(order[i]);
  return folds;
}

std::vector<std::size_t> all_but(const std::vector<std::vector<std::size_t>>& folds, std::size_t k) {
  std::vector<std::size_t> rows;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    if (f != k) rows.insert(rows.end(), folds[f].begin(), folds[f].end());
  }
  return rows;
}

EncodedData take_encoded_rows(const EncodedData& train, const EncodedData& val, const std::vector<std::size_t>& rows) {
  EncodedData out;
  out.rows = rows.size();
  out.dense_cols = train.dense_cols;
  out.id_cols = train.id_cols;
  for (std::size_t r : rows) {
    const bool from_train = r < train.rows;
    const EncodedData& src = from_train ? train : val;
    const std::size_t i = from_train ? r : r - train.rows;
    out.dense.insert(out.dense.end(), src.dense.begin() + static_cast<std::ptrdiff_t>(i * src.dense_cols),
                     src.dense.begin() + static_cast<std::ptrdiff_t>((i + 1) * src.dense_cols));
    out.ids.insert(out.ids.end(), src.ids.begin() + static_cast<std::ptrdiff_t>(i * src.id_cols),
                   src.ids.begin() + static_cast<std::ptrdiff_t>((i + 1) * src.id_cols));
    if (!src.labels.empty()) out.labels.push_back(src.labels[i]);
    if (!src.target.empty()) out.target.push_back(src.target[i]);
  }
  return out;
}

/// Out-of-fold predictions collected for the validation rows, and the
/// folds' test predictions summed.
class FoldPredictions {
 public:
  FoldPredictions(const Context& ctx, std::size_t train_rows)
      : train_rows_(train_rows), width_(ctx.data.task == Task::Regression ? 1 : static_cast<std::size_t>(ctx.data.shape.classes)) {
    val_.task = test_.task = ctx.data.task;
    val_.classes = test_.classes = ctx.data.task == Task::Regression ? 0 : width_;
    val_.rows = static_cast<std::size_t>(ctx.data.val.size());
    test_.rows = static_cast<std::size_t>(ctx.data.test.size());
    val_.outputs().assign(val_.rows * width_, 0.0);
    test_.outputs().assign(test_.rows * width_, 0.0);
  }
  /// A fold model's predictions of its held-out rows (in `held` order) and
  /// of the test split.
  void add(const std::vector<std::size_t>& held, const Predictions& held_pred, const Predictions& test_pred) {
    const std::vector<double>& h = held_pred.outputs();
    for (std::size_t i = 0; i < held.size(); ++i) {
      if (held[i] < train_rows_) continue;
      std::copy_n(h.begin() + static_cast<std::ptrdiff_t>(i * width_), width_,
                  val_.outputs().begin() + static_cast<std::ptrdiff_t>((held[i] - train_rows_) * width_));
    }
    const std::vector<double>& t = test_pred.outputs();
    for (std::size_t i = 0; i < t.size(); ++i) test_.outputs()[i] += t[i] / kFolds;
  }
  const Predictions& val() const { return val_; }
  const Predictions& test() const { return test_; }

 private:
  std::size_t train_rows_, width_;
  Predictions val_, test_;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

void cross_fit_xgboost(Context& ctx) {
  if (!ctx.encoded || !ctx.xgb_val) return;
  // Each fold fits about as many rows as the baseline did. Cheap enough to
  // run on a spent stage when it costs under 5% of the whole budget (an
  // overrun like an epoch that cannot be cut).
  if (ctx.xgb_seconds * kFolds > std::max(ctx.budget.stage_left() / 3, 0.05 * ctx.budget.total())) {
    ctx.stage().cut.push_back("xgboost cross-fit: the stage's budget would not cover it");
    return;
  }
  ctx.progress("squeeze", fmt::format("xgboost, {}-fold cross-fit", kFolds));
  const auto start = Clock::now();
  const EncodedData& train = ctx.encoded->train;
  const EncodedData& val = ctx.encoded->val;
  const auto folds = folds_of(train.rows, val.rows, static_cast<uint64_t>(ctx.base.train.seed.value_or(0)) + 11);
  FoldPredictions predictions(ctx, train.rows);
  CrossFit fit;
  fit.name = fmt::format("xgboost, {}-fold cross-fit", kFolds);
  fit.kind = "xgboost";
  std::vector<std::string> rounds;
  for (std::size_t k = 0; k < kFolds; ++k) {
    XgboostOptions xo;
    xo.seed = static_cast<uint64_t>(ctx.base.train.seed.value_or(0)) + k;
    const EncodedData held = take_encoded_rows(train, val, folds[k]);
    const XgboostBaseline model =
        XgboostBaseline::fit(take_encoded_rows(train, val, all_but(folds, k)), held, ctx.encoded->transform, xo);
    predictions.add(folds[k], model.predict(held), model.predict(ctx.encoded->test));
    const std::string path = fmt::format("{}/stages/xgboost-fold-{}.json", ctx.options.out_dir, k + 1);
    model.save(path);
    fit.parts.push_back({path, true, 1.0 / kFolds});
    rounds.push_back(std::to_string(model.best_iteration() + 1));
  }
  fit.val = predictions.val();
  fit.test = predictions.test();
  fit.seconds = seconds_since(start);
  fit.detail = fmt::format("mean of {} fold models on train + validation rows; best rounds {}", kFolds,
                           fmt::join(rounds, ", "));
  ctx.log(fmt::format("squeeze: {} val {} {:.4f} ({})", fit.name, ctx.metric.name,
                      score(ctx, fit.val, false).at(ctx.metric.name), format_duration(fit.seconds)));
  ctx.cross_fits.push_back(std::move(fit));
}

void cross_fit_network(Context& ctx, std::size_t run) {
  if (ctx.images) return;  // K more CNN trainings do not fit an image budget
  const Config config = ctx.networks[run].config;
  // The linear baseline too: bagged over folds of train + validation, it
  // sees the rows a converged logistic regression on the whole training
  // file sees (scikit-learn's, the wa_churn reference).
  const bool linear = config.model.type == "linear";
  const std::string label = linear ? "linear" : "network";
  // Each fold trains on 8/9 of the training split's row count.
  if (expected_seconds(ctx, config) * kFolds > ctx.budget.stage_left() * 2 / 3) {
    ctx.stage().cut.push_back(label + " cross-fit: the stage's budget would not cover it");
    return;
  }
  const auto start = Clock::now();
  const std::size_t train_rows = static_cast<std::size_t>(ctx.data.train.size());
  const auto folds = folds_of(train_rows, static_cast<std::size_t>(ctx.data.val.size()),
                              static_cast<uint64_t>(config.train.seed.value_or(0)) + 11);
  // The rows of train + val as one tensor set, addressed by position.
  TensorData all;
  all.x = torch::cat({ctx.data.train.x, ctx.data.val.x});
  if (ctx.data.train.ids.defined()) all.ids = torch::cat({ctx.data.train.ids, ctx.data.val.ids});
  all.y = torch::cat({ctx.data.train.y, ctx.data.val.y});
  FoldPredictions predictions(ctx, train_rows);
  CrossFit fit;
  fit.name = fmt::format("{}, {}-fold cross-fit", label, kFolds);
  fit.kind = label;
  fit.config_run = run;
  std::vector<std::string> epochs;
  for (std::size_t k = 0; k < kFolds; ++k) {
    TrainRequest request(fmt::format("{}, cross-fit fold {} of {}", linear ? "linear" : "incumbent", k + 1, kFolds),
                         config);
    request.train_subset = take_tensor_rows(all, all_but(folds, k));
    request.val_subset = take_tensor_rows(all, folds[k]);
    const auto index = train_candidate(ctx, request);
    if (!index) return;  // train_candidate noted why
    const NetworkRun& r = ctx.networks[*index];
    predictions.add(folds[k], predictions_of(ctx, r.val), predictions_of(ctx, r.test));
    fit.parts.push_back({r.run_dir + "/model", false, 1.0 / kFolds});
    epochs.push_back(std::to_string(r.outcome.best_epoch));
  }
  fit.val = predictions.val();
  fit.test = predictions.test();
  fit.seconds = seconds_since(start);
  fit.detail = fmt::format("mean of {} fold models of {} on train + validation rows; best epochs {}", kFolds,
                           ctx.networks[run].name, fmt::join(epochs, ", "));
  ctx.log(fmt::format("squeeze: {} val {} {:.4f} ({})", fit.name, ctx.metric.name,
                      score(ctx, fit.val, false).at(ctx.metric.name), format_duration(fit.seconds)));
  ctx.cross_fits.push_back(std::move(fit));
}

}  // namespace nnrecipe::recipe_detail
