// Stage 2, baseline (../shared/RECIPE.md): fixed seed, no augmentation, no
// schedule; the dumb baseline (majority / mean), a linear model and
// gradient-boosted trees, then a small network with its output bias at the
// prior and the doctor's preflight (loss at init, input-independent
// baseline, one batch overfitted, gradient/optimizer coverage, batch
// independence) and monitors.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/config_lint.h"
#include "nnrecipe/leaderboard.h"
#include "nnrecipe/progress.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Binary targets whose minority is under 10% are judged by PR-AUC: ROC-AUC
/// stays high while precision on the rare class is poor (Saito & Rehmsmeier
/// 2015); 10% is data.class_imbalance's warning level.
SelectionMetric choose_metric(const PreparedData& data) {
  if (data.task == Task::Binary && data.class_counts.size() == 2) {
    const double total = static_cast<double>(data.class_counts[0] + data.class_counts[1]);
    const double minority = static_cast<double>(std::min(data.class_counts[0], data.class_counts[1]));
    if (total > 0 && minority / total < 0.1) return selection_metric("pr_auc");
  }
  return default_selection_metric(data.task);
}

void load_data(Context& ctx) {
  ctx.progress("baseline", "preparing the splits");
  if (ctx.images) {
    if (ctx.base.model.type != "cnn") {
      // An MLP cannot take images; the starting CNN is the one of
      // examples/configs/fashion_mnist_cnn.yaml (0.925 on Fashion-MNIST).
      ctx.base.model.type = "cnn";
      ctx.base.model.hidden = {32, 64};
      ctx.base.train.batch_size = 128;
      ctx.log("baseline: image data: starting from a CNN with channels [32, 64], batch size 128");
    }
    ctx.data = prepare_data(ctx.base);
  } else {
    ctx.raw = load_config_splits(ctx.base);
    ctx.encoded = encode_splits(ctx.base, *ctx.raw);
    ctx.data = prepare_data(*ctx.encoded);
    choose_log_target(ctx);
  }
  ctx.result.task = to_string(ctx.data.task);
  ctx.result.train_rows = static_cast<std::size_t>(ctx.data.train.size());
  ctx.result.val_rows = static_cast<std::size_t>(ctx.data.val.size());
  ctx.result.test_rows = static_cast<std::size_t>(ctx.data.test.size());
  ctx.metric = choose_metric(ctx.data);
  ctx.result.metric = ctx.metric.name;
  ctx.result.higher_is_better = ctx.metric.higher_is_better;
  ctx.base.train.early_stopping.metric = ctx.metric.name;
}

void fit_prior(Context& ctx) {
  const PriorBaseline prior = PriorBaseline::fit(ctx.encoded->train, ctx.encoded->transform);
  ctx.prior_val = prior.predict(ctx.encoded->val);
  ctx.prior_test = prior.predict(ctx.encoded->test);
  ctx.log(fmt::format("baseline: {} val {} {:.4f}", ctx.data.task == Task::Regression ? "mean" : "majority",
                      ctx.metric.name, score(ctx, *ctx.prior_val, false).at(ctx.metric.name)));
}

void fit_linear(Context& ctx) {
  // Logistic / softmax / linear regression is convex: solved as
  // scikit-learn's LogisticRegression solves it, full-batch L-BFGS with an
  // L2 penalty of C = 1 (0.5 / n * |w|^2 on the mean loss), up to the
  // lowest validation loss. Minibatch Adam stalled short of that optimum in
  // the valley of correlated columns (wa_churn: tenure, monthly and total
  // charges; training log loss 0.422 against 0.415, test AUC 0.845 against
  // 0.851 for the same features).
  TrainRequest request{"linear", ctx.base, false};
  request.config.model.type = "linear";
  request.config.model.dropout = 0;
  request.config.train.optimizer = "lbfgs";
  request.config.train.lr = 1;
  request.config.train.weight_decay = 1.0 / static_cast<double>(std::max<int64_t>(ctx.data.train.size(), 1));
  request.config.train.early_stopping.metric = "val_loss";
  const auto start = Clock::now();
  const auto index = train_candidate(ctx, request);
  if (!index) return;
  const NetworkRun& run = ctx.networks[*index];
  ctx.linear_run = index;
  ctx.linear_val = predictions_of(ctx, run.val);
  ctx.linear_test = predictions_of(ctx, run.test);
  ctx.linear_seconds = seconds_since(start);
  ctx.linear_detail = fmt::format("best epoch {} of {}", run.outcome.best_epoch, run.outcome.history.size());
}

void fit_xgboost(Context& ctx) {
  ctx.progress("baseline", "xgboost");
  const auto start = Clock::now();
  XgboostOptions xo;
  xo.seed = static_cast<uint64_t>(ctx.base.train.seed.value_or(0));
  const XgboostBaseline xgb = XgboostBaseline::fit(ctx.encoded->train, ctx.encoded->val, ctx.encoded->transform, xo);
  ctx.xgb_val = xgb.predict(ctx.encoded->val);
  ctx.xgb_test = xgb.predict(ctx.encoded->test);
  ctx.xgb_seconds = seconds_since(start);
  ctx.xgb_detail = fmt::format("best round {} of {}", xgb.best_iteration() + 1, xgb.rounds());
  ctx.xgb_model_path = ctx.options.out_dir + "/stages/xgboost.json";
  xgb.save(ctx.xgb_model_path);
  ctx.log(fmt::format("baseline: xgboost val {} {:.4f}, {} ({})", ctx.metric.name,
                      score(ctx, *ctx.xgb_val, false).at(ctx.metric.name), ctx.xgb_detail,
                      format_duration(ctx.xgb_seconds)));
}

}  // namespace

void run_baseline_stage(Context& ctx) {
  StageReport& stage = ctx.begin_stage("baseline", 0.2);
  const auto start = Clock::now();

  // The baseline runs as the recipe says: no augmentation, no schedule.
  ctx.base.model.augment = false;
  ctx.base.train.schedule = "constant";
  load_data(ctx);
  FindingSet lint;
  lint.add(lint_config(ctx.base, data_facts(ctx.data)), ctx.base.checks.ignore);
  add_findings(ctx.result.findings, lint);

  if (!ctx.images) {
    fit_prior(ctx);
    fit_linear(ctx);
    fit_xgboost(ctx);
  } else {
    stage.cut.push_back("linear and xgboost baselines: they take a table; image data has the majority class and the CNN");
  }

  TrainRequest network{"baseline network", ctx.base, true};
  const auto index = train_candidate(ctx, network);
  const NetworkRun* run = index ? &ctx.networks[*index] : nullptr;
  ctx.incumbent = ctx.base;
  ctx.incumbent_run = index;
  ctx.baseline_run = index;

  stage.seconds = seconds_since(start);
  if (!run) {
    stage.verdict = "fail";
    stage.summary = "the baseline network could not be trained";
    return;
  }
  const bool preflight_error = run->outcome.stopped_by_check;
  stage.verdict = preflight_error ? "fail" : lint.has_errors() ? "fail" : "pass";
  for (const Finding& f : run->outcome.findings.findings) {
    if (f.severity == Severity::Warn && stage.verdict == "pass") stage.verdict = "warn";
  }
  stage.summary = fmt::format("network val {} {:.4f} after {} epochs", ctx.metric.name, run->val_score(ctx.metric.name),
                              run->outcome.history.size());
  if (ctx.xgb_val) {
    stage.summary += fmt::format("; xgboost {:.4f}", score(ctx, *ctx.xgb_val, false).at(ctx.metric.name));
  }
  if (ctx.linear_val) {
    stage.summary += fmt::format("; linear {:.4f}", score(ctx, *ctx.linear_val, false).at(ctx.metric.name));
  }
  if (ctx.base.data.log_target.value_or(false)) stage.summary += fmt::format("; trained on log({})", ctx.base.data.target);
  if (preflight_error) stage.summary += "; a preflight check found an error (see the findings)";
  if (run->cut_by_budget) stage.cut.push_back("the baseline network's training was cut by the stage's budget");
}

}  // namespace nnrecipe::recipe_detail
