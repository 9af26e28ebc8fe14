// Stage 2, baseline (docs/recipe.md): fixed seed, no augmentation, no
// schedule; the dumb baseline (majority / mean), a linear model and
// gradient-boosted trees, then a small network (and, for tables with id
// columns, a factorization machine) with its output bias at the
// prior and the doctor's preflight (loss at init, input-independent
// baseline, one batch overfitted, gradient/optimizer coverage, batch
// independence) and monitors.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/analysis.h"
#include "nnrecipe/config_lint.h"
#include "nnrecipe/leaderboard.h"
#include "nnrecipe/progress.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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
  ctx.metric = default_selection_metric(ctx.data.task, ctx.data.class_counts);
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
  // lowest validation loss. Minibatch Adam stalls short of that optimum in
  // the narrow valleys that correlated columns make, and a baseline that has
  // not converged understates what a linear model does.
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

/// Per-row validation losses: log loss, or the squared error in the
/// target's units.
std::vector<double> val_row_losses(const Context& ctx, const Predictions& p) {
  const EncodedData& val = ctx.encoded->val;
  if (p.task != Task::Regression) return log_losses(val.labels, p.probs, p.classes);
  std::vector<double> truth;
  for (float z : val.target) truth.push_back(ctx.encoded->transform.inverse_target(z));
  return squared_errors(truth, p.values);
}

/// The one-sided 99% lower confidence bound of the mean per-row loss that
/// `model` saves over the prior on the validation rows (paired by row), and
/// that mean.
std::pair<double, double> gain_over_prior(const Context& ctx, const Predictions& model) {
  const std::vector<double> m = val_row_losses(ctx, model), c = val_row_losses(ctx, *ctx.prior_val);
  const double n = static_cast<double>(m.size());
  if (m.size() < 2 || m.size() != c.size()) return {-INFINITY, 0};
  double mean = 0;
  for (std::size_t i = 0; i < m.size(); ++i) mean += c[i] - m[i];
  mean /= n;
  double variance = 0;
  for (std::size_t i = 0; i < m.size(); ++i) variance += (c[i] - m[i] - mean) * (c[i] - m[i] - mean);
  variance /= n - 1;
  return {mean - 2.326 * std::sqrt(variance / n), mean};
}

/// baseline.input_independent is a statistic on 2048 rows of the training
/// split; the recipe has stronger evidence of its own. When the linear
/// model or xgboost beats the prior on the validation rows beyond doubt (the
/// lower 99% bound of its per-row gain above zero), the inputs carry
/// signal: the finding becomes information, with that evidence. Labels
/// shuffled against their rows leave every model at the prior, so it stands
/// then.
void weigh_input_dependence(Context& ctx) {
  if (!ctx.encoded || !ctx.prior_val) return;
  std::string evidence;
  double best_lower = -INFINITY, best_gain = 0;
  for (const auto& [name, p] : {std::pair{"linear model", &ctx.linear_val}, std::pair{"xgboost", &ctx.xgb_val}}) {
    if (!*p) continue;
    const auto [lower, gain] = gain_over_prior(ctx, **p);
    if (lower > best_lower) {
      best_lower = lower, best_gain = gain;
      evidence = name;
    }
  }
  if (!(best_lower > 0)) return;
  for (Finding& f : ctx.result.findings.findings) {
    if (f.id != "baseline.input_independent" || f.severity == Severity::Info) continue;
    f.severity = Severity::Info;
    f.message += fmt::format(
        ". The recipe's {} beats the prior on the {} validation rows by {:.4g} {} per row (at least {:.4g} with 99% "
        "confidence): the inputs do carry signal, which the preflight's sample was too small or its 100 steps too "
        "few to show",
        evidence, ctx.encoded->val.rows, best_gain, ctx.data.task == Task::Regression ? "squared error" : "log loss",
        best_lower);
    f.evidence["baseline_evidence"] = {{"model", evidence}, {"gain_per_row", best_gain}, {"gain_lower_99", best_lower}};
  }
}

/// Tables with id-like columns (categoricals too many for one-hot: users,
/// items, campaigns) get a factorization machine as a baseline: the
/// recipe's advice for recommendation and click tables is to start with
/// one before deep models, since it estimates an interaction (this user x
/// this item) from the factors each id learned with others. It trains as
/// the baseline network does, with the model swapped, and like xgboost to
/// its own early stopping: it comes last in the stage, whose deadline would
/// otherwise cut it after an epoch on a large table (only the run's budget
/// does).
void fit_factorization_machine(Context& ctx) {
  if (ctx.images || ctx.data.shape.embedding_cardinalities.empty()) return;
  TrainRequest request{"factorization machine", ctx.incumbent_run ? ctx.incumbent : ctx.base, true};
  request.config.model.type = "fm";
  request.config.model.dropout = 0;
  request.stage_deadline = false;
  const auto index = train_candidate(ctx, request);
  if (index && !ctx.networks[*index].outcome.stopped_by_check) ctx.fm_run = index;
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
  // The recipe owns the configuration it trains: a contradiction the lint
  // can fix (a sigmoid output into a logits loss) is fixed before any
  // network trains, and said so; one it cannot fix stays an error.
  if (lint.has_errors()) {
    Repair repair;
    repair.network = "the starting configuration";
    repair.changes = apply_repairs(ctx.base, lint, repair.findings);
    if (!repair.changes.empty()) {
      repair.outcome = "fixed before training";
      for (Finding& f : lint.findings) {
        if (f.severity != Severity::Error || f.fix_set.empty()) continue;
        f.severity = Severity::Warn;
        f.message +=
            " [fixed by the recipe before training: " + fmt::format("{}", fmt::join(repair.changes, "; ")) + "]";
      }
      stage.repairs.push_back(repair);
      ctx.log(fmt::format("baseline: the configuration contradicted itself; {}", fmt::join(repair.changes, "; ")));
    }
  }
  add_findings(ctx.result.findings, lint);

  if (!ctx.images) {
    fit_prior(ctx);
    fit_linear(ctx);
    try {
      fit_xgboost(ctx);
    } catch (const std::exception& e) {
      // The run goes on with the other models; the stage says what failed.
      ctx.xgb_val.reset();
      ctx.xgb_test.reset();
      stage.cut.push_back(fmt::format("xgboost failed: {}", e.what()));
      ctx.log(fmt::format("baseline: xgboost failed: {}", e.what()));
    }
  } else {
    stage.cut.push_back(
        "linear and xgboost baselines: they take a table; image data has the majority class and the CNN");
  }

  TrainRequest network{"baseline network", ctx.base, true};
  std::optional<std::size_t> index = train_candidate(ctx, network);
  // A network a check stopped even after its repair is left out: the run
  // goes on with the baselines (every later stage needs a network to start
  // from and is skipped; the squeeze stage ranks what there is).
  const bool stopped = index && ctx.networks[*index].outcome.stopped_by_check;
  if (stopped) index.reset();
  const NetworkRun* run = index ? &ctx.networks[*index] : nullptr;  // re-taken below: training appends
  ctx.incumbent = run ? run->config : ctx.base;                     // a repaired configuration carries on
  ctx.incumbent_run = index;
  ctx.baseline_run = index;
  weigh_input_dependence(ctx);
  fit_factorization_machine(ctx);
  run = index ? &ctx.networks[*index] : nullptr;  // ctx.networks may have moved

  stage.seconds = seconds_since(start);
  if (!run) {
    stage.verdict = Verdict::Fail;
    const bool checked = stopped || std::any_of(stage.repairs.begin(), stage.repairs.end(),
                                                [](const Repair& r) { return r.network == "baseline network"; });
    stage.summary = std::string(checked ? "a check stopped the baseline network (see the findings and the repair)"
                                        : "the baseline network could not be trained") +
                    "; the run goes on with the baselines";
    return;
  }
  stage.verdict = lint.has_errors() ? Verdict::Fail : Verdict::Pass;
  for (const Finding& f : ctx.result.findings.findings) {
    if (f.severity == Severity::Warn && f.stage != "inspect" && stage.verdict == Verdict::Pass)
      stage.verdict = Verdict::Warn;
  }
  if (!stage.repairs.empty() && stage.verdict == Verdict::Pass) stage.verdict = Verdict::Warn;
  stage.summary = fmt::format("network val {} {:.4f} after {} epochs", ctx.metric.name, run->val_score(ctx.metric.name),
                              run->outcome.history.size());
  if (ctx.xgb_val) {
    stage.summary += fmt::format("; xgboost {:.4f}", score(ctx, *ctx.xgb_val, false).at(ctx.metric.name));
  }
  if (ctx.linear_val) {
    stage.summary += fmt::format("; linear {:.4f}", score(ctx, *ctx.linear_val, false).at(ctx.metric.name));
  }
  if (ctx.fm_run) {
    stage.summary +=
        fmt::format("; factorization machine {:.4f}", ctx.networks[*ctx.fm_run].val_score(ctx.metric.name));
  }
  if (ctx.base.data.log_target.value_or(false))
    stage.summary += fmt::format("; trained on log({})", ctx.base.data.target);
  if (!stage.repairs.empty()) stage.summary += "; repaired by the recipe (see the repairs)";
  if (run->cut_by_budget) stage.cut.push_back("the baseline network's training was cut by the stage's budget");
}

}  // namespace nnrecipe::recipe_detail
