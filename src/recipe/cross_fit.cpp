// Cross-fitting for the squeeze stage (K-fold bagging, as AutoGluon's
// stacker does): the training and validation rows together are cut into K
// folds; K models each train on K-1 folds and stop early on the one they
// hold out. Every model sees 80% of all the labelled rows instead of the
// 90% of the training split alone, the mean of K of them is a bagged
// ensemble, and each validation row still gets a prediction from the one
// model that never trained on it, so the cross-fit is compared and selected
// on the same validation rows as every other candidate. Every training row
// gets one too: the cross-fit ensemble is selected on all of them
// (AutoGluon weights its bagged models on such out-of-fold predictions).
// They are slightly optimistic, as there: a fold model stops early on the
// rows it then predicts.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "nnrecipe/ensemble_selection.h"
#include "nnrecipe/leaderboard.h"
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

/// Out-of-fold predictions collected for every training and validation
/// row, and the folds' test predictions summed.
class FoldPredictions {
 public:
  FoldPredictions(const Context& ctx, std::size_t train_rows)
      : train_rows_(train_rows),
        width_(ctx.data.task == Task::Regression ? 1 : static_cast<std::size_t>(ctx.data.shape.classes)) {
    oof_ = empty_predictions(ctx, train_rows + static_cast<std::size_t>(ctx.data.val.size()));
    test_ = empty_predictions(ctx, static_cast<std::size_t>(ctx.data.test.size()));
  }
  /// A fold model's predictions of its held-out rows (in `held` order) and
  /// of the test split.
  void add(const std::vector<std::size_t>& held, const Predictions& held_pred, const Predictions& test_pred) {
    const std::vector<double>& h = held_pred.outputs();
    for (std::size_t i = 0; i < held.size(); ++i) {
      std::copy_n(h.begin() + static_cast<std::ptrdiff_t>(i * width_), width_,
                  oof_.outputs().begin() + static_cast<std::ptrdiff_t>(held[i] * width_));
    }
    const std::vector<double>& t = test_pred.outputs();
    for (std::size_t i = 0; i < t.size(); ++i) test_.outputs()[i] += t[i] / kFolds;
  }
  /// All rows', training rows first.
  const Predictions& oof() const { return oof_; }
  /// The validation rows'.
  Predictions val() const {
    Predictions v = oof_;
    v.rows = oof_.rows - train_rows_;
    v.outputs().erase(v.outputs().begin(), v.outputs().begin() + static_cast<std::ptrdiff_t>(train_rows_ * width_));
    return v;
  }
  const Predictions& test() const { return test_; }

 private:
  static Predictions empty_predictions(const Context& ctx, std::size_t rows) {
    Predictions p;
    p.task = ctx.data.task;
    p.classes = ctx.data.task == Task::Regression ? 0 : static_cast<std::size_t>(ctx.data.shape.classes);
    p.rows = rows;
    p.outputs().assign(rows * std::max<std::size_t>(p.classes, 1), 0.0);
    return p;
  }
  std::size_t train_rows_, width_;
  Predictions oof_, test_;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

void cross_fit_xgboost(Context& ctx) {
  if (!ctx.encoded || !ctx.xgb_val) return;
  // Each fold fits about as many rows as the baseline did. Cheap enough to
  // run on a spent stage when it costs under 5% of the whole budget (an
  // overrun like an epoch that cannot be cut).
  if (ctx.budget.interrupted() ||
      ctx.xgb_seconds * kFolds > std::max(ctx.budget.stage_left() / 3, 0.05 * ctx.budget.total())) {
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
  fit.kind = CandidateKind::Xgboost;
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
  fit.oof = predictions.oof();
  fit.test = predictions.test();
  fit.seconds = seconds_since(start);
  fit.detail =
      fmt::format("mean of {} fold models on train + validation rows; best rounds {}", kFolds, fmt::join(rounds, ", "));
  ctx.log(fmt::format("squeeze: {} val {} {:.4f} ({})", fit.name, ctx.metric.name,
                      score(ctx, fit.val, false).at(ctx.metric.name), format_duration(fit.seconds)));
  ctx.cross_fits.push_back(std::move(fit));
}

void cross_fit_network(Context& ctx, std::size_t run, const std::string& label, double stage_share) {
  if (ctx.images) return;  // K more CNN trainings do not fit an image budget
  for (const CrossFit& fit : ctx.cross_fits) {
    if (fit.config_run && ctx.networks[*fit.config_run].run_dir == ctx.networks[run].run_dir) return;
  }
  const Config config = ctx.networks[run].config;
  // The linear baseline too: bagged over folds of train + validation, it
  // sees the rows a converged logistic regression on the whole training
  // file sees (as scikit-learn's reference fit does).
  const bool linear = config.model.type == "linear";
  // Each fold trains on 8/9 of the training split's row count.
  if (ctx.budget.interrupted() || expected_seconds(ctx, config) * kFolds > ctx.budget.stage_left() * stage_share) {
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
  fit.kind = linear ? CandidateKind::Linear : CandidateKind::Network;
  fit.config_run = run;
  std::vector<std::string> epochs;
  for (std::size_t k = 0; k < kFolds; ++k) {
    TrainRequest request(fmt::format("{}, cross-fit fold {} of {}", label, k + 1, kFolds), config);
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
  fit.oof = predictions.oof();
  fit.test = predictions.test();
  fit.seconds = seconds_since(start);
  fit.detail = fmt::format("mean of {} fold models of {} on train + validation rows; best epochs {}", kFolds,
                           ctx.networks[run].name, fmt::join(epochs, ", "));
  ctx.log(fmt::format("squeeze: {} val {} {:.4f} ({})", fit.name, ctx.metric.name,
                      score(ctx, fit.val, false).at(ctx.metric.name), format_duration(fit.seconds)));
  ctx.cross_fits.push_back(std::move(fit));
}

std::vector<NamedProtocolPair> protocol_pairs(const Context& ctx, CandidateKind kind) {
  std::vector<NamedProtocolPair> pairs;
  const std::string& m = ctx.metric.name;
  for (const CrossFit& fit : ctx.cross_fits) {
    if (fit.kind != kind || fit.val.rows == 0) continue;
    const double cross = score(ctx, fit.val, false).at(m);
    const std::string label = fit.name.substr(0, fit.name.find(", "));  // "baseline network, 5-fold cross-fit"
    if (fit.config_run) {
      pairs.push_back({label, {ctx.networks[*fit.config_run].val_score(m), cross}});
    } else if (kind == CandidateKind::Xgboost && ctx.xgb_val) {
      pairs.push_back({label, {score(ctx, *ctx.xgb_val, false).at(m), cross}});
    }
  }
  return pairs;
}

std::string add_picked_members(const std::string& name, const std::vector<EnsembleMember>& members, int count,
                               int total, std::vector<EnsembleMember>& parts) {
  for (EnsembleMember part : members) {
    part.weight *= static_cast<double>(count) / total;
    parts.push_back(part);
  }
  return fmt::format("{} x{}", name, count);
}

namespace {

// The labels and targets of every training and validation row, training
// rows first, as the out-of-fold predictions hold them (scoring reads
// nothing else).
EncodedData labelled_rows(const Context& ctx) {
  EncodedData rows;
  for (const EncodedData* split : {&ctx.encoded->train, &ctx.encoded->val}) {
    rows.rows += split->rows;
    rows.labels.insert(rows.labels.end(), split->labels.begin(), split->labels.end());
    rows.target.insert(rows.target.end(), split->target.begin(), split->target.end());
  }
  return rows;
}

}  // namespace

std::map<std::string, double> oof_metrics(const Context& ctx, const Predictions& oof) {
  if (!ctx.encoded || oof.rows == 0) return {};
  return score_predictions(oof, labelled_rows(ctx), ctx.encoded->transform);
}

std::optional<CrossFit> cross_fit_ensemble(const Context& ctx) {
  std::vector<const CrossFit*> fits;
  for (const CrossFit& fit : ctx.cross_fits) {
    if (fit.oof.rows > 0) fits.push_back(&fit);
  }
  if (fits.size() < 2 || !ctx.encoded) return std::nullopt;
  const EncodedData rows = labelled_rows(ctx);
  const auto oof_score = [&](const Predictions& p) {
    return score_predictions(p, rows, ctx.encoded->transform).at(ctx.metric.name);
  };
  std::vector<const Predictions*> oof, val, test;
  for (const CrossFit* fit : fits) {
    oof.push_back(&fit->oof);
    val.push_back(&fit->val);
    test.push_back(&fit->test);
  }
  // The same selection as the validation ensemble's, on every labelled row.
  const std::vector<int> counts = select_ensemble(oof, ctx.metric, oof_score, kSelectionSteps);
  CrossFit ensemble;
  ensemble.name = "cross-fit ensemble";
  ensemble.kind = CandidateKind::Ensemble;
  ensemble.oof = weighted_mean(oof, counts);
  ensemble.val = weighted_mean(val, counts);
  ensemble.test = weighted_mean(test, counts);
  int total = 0;
  for (int c : counts) total += c;
  std::vector<std::string> picks;
  for (std::size_t m = 0; m < fits.size(); ++m) {
    if (counts[m] == 0) continue;
    picks.push_back(add_picked_members(fits[m]->name, fits[m]->parts, counts[m], total, ensemble.parts));
    if (!ensemble.config_run) ensemble.config_run = fits[m]->config_run;
    ensemble.seconds += fits[m]->seconds;
  }
  ensemble.detail = fmt::format(
      "ensemble selection on the out-of-fold predictions of all {} training and validation "
      "rows (out-of-fold {} {:.4f}): {}",
      rows.rows, ctx.metric.name, oof_score(ensemble.oof), fmt::join(picks, "; "));
  return ensemble;
}

double val_score_on_rows(const Context& ctx, const Predictions& p, const std::vector<std::size_t>& rows) {
  // Only the labels and targets: scoring reads nothing else, and a
  // bootstrap scores hundreds of samples.
  const EncodedData& val = ctx.encoded->val;
  EncodedData truth;
  truth.rows = rows.size();
  for (std::size_t r : rows) {
    if (!val.labels.empty()) truth.labels.push_back(val.labels.at(r));
    if (!val.target.empty()) truth.target.push_back(val.target.at(r));
  }
  return score_predictions(p, truth, ctx.encoded->transform).at(ctx.metric.name);
}

}  // namespace nnrecipe::recipe_detail
