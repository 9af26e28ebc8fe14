// Stage 4, regularize (docs/recipe.md): trade training fit for
// validation fit. First a learning curve over training fractions (would
// more data pay?), then, in the order the recipe gives, one change at a time
// to the incumbent, kept only if validation improves: augmentation
// (images), numeric embeddings and TabM's ensemble (tables), a smaller
// batch, dropout, weight decay (AdamW). Early stopping
// is on throughout; its row reports what it saved.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// The learning curve's fractions (the 25/50/75/100%).
constexpr double kFractions[] = {0.25, 0.5, 0.75};
/// "More data would pay" when the validation metric still gains this much
/// per doubling of the rows: 0.005 AUC/accuracy is about one standard error
/// on a few thousand validation rows; for RMSE, 1% of its value.
constexpr double kMinGainPerDoubling = 0.005;
constexpr double kMinRelativeGainPerDoubling = 0.01;

double train_metric_of(const NetworkRun& run, const std::string& metric) {
  const auto it = run.train_metrics.find(metric);
  return it == run.train_metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

void learning_curve(Context& ctx) {
  StageReport& stage = ctx.stage();
  const NetworkRun full = ctx.networks[*ctx.incumbent_run];
  std::vector<LearningCurvePoint> points;
  const uint64_t seed = static_cast<uint64_t>(ctx.incumbent.train.seed.value_or(0));
  for (double fraction : kFractions) {
    const int64_t rows = static_cast<int64_t>(std::llround(fraction * static_cast<double>(ctx.data.train.size())));
    if (rows < 2) continue;
    // Cost grows with the rows trained on.
    if (fraction * expected_seconds(ctx, ctx.incumbent) > ctx.budget.stage_left() / 2) {
      stage.cut.push_back(
          fmt::format("learning curve at {:.0f}%: not run, the budget would not cover it", 100 * fraction));
      continue;
    }
    TrainRequest request(fmt::format("{:.0f}% of the training rows", 100 * fraction), ctx.incumbent);
    request.train_subset = subset_rows(ctx.data.train, rows, seed);
    // No more epochs than the full run took: a smaller set early-stops
    // later (less signal per epoch), and on images one such run ate the
    // whole stage.
    request.config.train.epochs = std::min<int64_t>(
        request.config.train.epochs, std::max<int64_t>(1, static_cast<int64_t>(full.outcome.history.size())));
    const auto index = train_candidate(ctx, request);
    if (!index) continue;
    const NetworkRun& run = ctx.networks[*index];
    points.push_back({fraction, static_cast<std::size_t>(rows), train_metric_of(run, ctx.metric.name),
                      run.val_score(ctx.metric.name)});
  }
  points.push_back({1.0, static_cast<std::size_t>(ctx.data.train.size()), train_metric_of(full, ctx.metric.name),
                    full.val_score(ctx.metric.name)});
  ctx.result.learning_curve = points;
  const double last = points.back().val_metric;
  const double min_gain =
      ctx.metric.higher_is_better ? kMinGainPerDoubling : kMinRelativeGainPerDoubling * std::abs(last);
  ctx.result.learning_curve_verdict = learning_curve_verdict(points, ctx.metric.higher_is_better, min_gain);
  ctx.log("regularize: " + ctx.result.learning_curve_verdict.sentence);
}

struct Change {
  std::string what;
  Config config;
};

/// The recipe's regularizers in its order, each as one change to `c`.
/// For tables, first the two changes that carry tabular networks past
/// tuned trees in Gorishniy et al.'s benchmarks (NeurIPS 2022, ICLR 2025):
/// piecewise-linear embeddings of the numeric columns, then TabM's
/// ensemble of k members sharing the MLP's weights (an ensemble reduces
/// variance, which is this stage's aim). Like every change here, each is
/// kept only if validation improves.
std::vector<Change> changes_to_try(const Config& c, bool images, bool numeric_columns) {
  std::vector<Change> out;
  if (images && !c.model.augment) {
    Config a = c;
    a.model.augment = true;
    out.push_back({"augmentation on (random crop + flip)", a});
  }
  const bool mlp = c.model.type == "mlp" || c.model.type == "tabm";
  if (!images && mlp && numeric_columns && c.model.numeric_embedding == "none") {
    Config e = c;
    e.model.numeric_embedding = "piecewise_linear";
    out.push_back({"numeric embedding: piecewise-linear (quantile bins)", e});
  }
  if (!images && c.model.type == "mlp") {
    Config t = c;
    t.model.type = "tabm";
    out.push_back({fmt::format("TabM: {} members sharing the MLP's weights", t.model.ensemble_size), t});
  }
  if (c.train.batch_size >= 32) {
    Config b = c;
    b.train.batch_size = c.train.batch_size / 2;
    out.push_back({fmt::format("batch size {} -> {}", c.train.batch_size, b.train.batch_size), b});
  }
  for (double p : {0.1, 0.3}) {
    if (c.model.type == "linear" || c.model.dropout >= p) continue;
    Config d = c;
    d.model.dropout = p;
    out.push_back({fmt::format("dropout {} -> {}", number_text(c.model.dropout), number_text(p)), d});
  }
  for (double wd : {1e-4, 1e-2}) {
    if (c.train.optimizer == "adamw" && c.train.weight_decay >= wd) continue;
    Config w = c;
    w.train.optimizer = "adamw";
    w.train.weight_decay = wd;
    out.push_back({fmt::format("weight decay {} (AdamW)", number_text(wd)), w});
  }
  return out;
}

/// Tries the changes one at a time from the incumbent, which moves to a
/// change when it beats the incumbent on validation.
void one_change_at_a_time(Context& ctx) {
  StageReport& stage = ctx.stage();
  for (std::size_t i = 0;; ++i) {
    const std::vector<Change> changes =
        changes_to_try(ctx.incumbent, ctx.images, !ctx.data.shape.numeric_columns.empty());
    // Changes are recomputed from the incumbent; skip the ones already tried.
    const auto next = std::find_if(changes.begin(), changes.end(), [&](const Change& ch) {
      return std::none_of(stage.ablation.begin(), stage.ablation.end(),
                          [&](const AblationRow& r) { return r.change == ch.what; });
    });
    if (next == changes.end() || i > 16) break;
    AblationRow row;
    row.change = next->what;
    if (expected_seconds(ctx, next->config) > ctx.budget.stage_left()) {
      row.note = "not tried: the stage's budget would not cover it";
      stage.ablation.push_back(row);
      stage.cut.push_back(next->what + ": not tried (budget)");
      continue;
    }
    const double before = ctx.networks[*ctx.incumbent_run].val_score(ctx.metric.name);
    const auto index = train_candidate(ctx, {next->what, next->config, false});
    if (!index) {
      row.note = "training failed";
      stage.ablation.push_back(row);
      continue;
    }
    row = ablation_row(ctx, next->what, ctx.networks[*index], before);
    row.kept = is_better(ctx.metric, row.val_metric, before);
    stage.ablation.push_back(row);
    if (row.kept) {
      ctx.incumbent = next->config;
      ctx.incumbent_run = index;
    }
  }
}

/// Early stopping is on in every run; its row says what it kept the
/// incumbent from: the validation metric at the last epoch trained.
void early_stopping_row(Context& ctx) {
  const NetworkRun& run = ctx.networks[*ctx.incumbent_run];
  if (run.outcome.history.empty()) return;
  const auto& last = run.outcome.history.back().val_metrics;
  const auto it = last.find(ctx.metric.name);
  if (it == last.end()) return;
  AblationRow row;
  row.change =
      fmt::format("early stopping (patience {}): best epoch {} of {}", ctx.incumbent.train.early_stopping.patience,
                  run.outcome.best_epoch, run.outcome.history.size());
  row.val_metric = run.val_score(ctx.metric.name);
  row.delta = (ctx.metric.higher_is_better ? 1.0 : -1.0) * (row.val_metric - it->second);
  row.kept = true;
  row.epochs = static_cast<int64_t>(run.outcome.history.size());
  row.note = fmt::format("val {} at the last epoch: {:.4f}", ctx.metric.name, it->second);
  ctx.stage().ablation.push_back(row);
}

}  // namespace

void run_regularize_stage(Context& ctx) {
  StageReport& stage = ctx.begin_stage("regularize", 0.6);
  const auto start = Clock::now();
  if (!ctx.incumbent_run) {
    stage.verdict = Verdict::Skipped;
    stage.summary = "no network to regularize";
    return;
  }
  const double before = ctx.networks[*ctx.incumbent_run].val_score(ctx.metric.name);
  learning_curve(ctx);
  one_change_at_a_time(ctx);
  early_stopping_row(ctx);
  const double after = ctx.networks[*ctx.incumbent_run].val_score(ctx.metric.name);
  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stage.verdict = Verdict::Pass;
  std::size_t kept = 0, tried = 0;
  for (const AblationRow& r : stage.ablation) {
    tried += r.note.rfind("not tried", 0) != 0 && r.change.rfind("early stopping", 0) != 0;
    kept += r.kept && r.change.rfind("early stopping", 0) != 0;
  }
  stage.summary =
      fmt::format("val {} {:.4f} -> {:.4f}; {} of {} change(s) kept; {}", ctx.metric.name, before, after, kept, tried,
                  ctx.result.learning_curve_verdict.more_data_pays ? "more data would likely pay"
                                                                   : "more data is unlikely to pay much");
  if (!stage.cut.empty()) stage.verdict = Verdict::Warn;
  ctx.log("regularize: " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail
