// Stage 5, tune (docs/recipe.md): search, don't guess. A short Sobol'
// search around the incumbent (the Deep Learning Tuning Playbook's choice
// for exploration) over the learning rate, dropout, AdamW weight decay and
// the MLP's width and depth (the dimensions RealMLP's and TabM's authors
// tune), trials run one after another until the stage's budget is spent. The full
// study (parallel workers, ASHA, resumable) is `nnrecipe tune`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/samplers.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// The search box around the incumbent: the learning rate within 3x either
/// way (the range test already placed it), dropout in [0, 0.5] (the
/// config.dropout_range warning starts above 0.5), weight decay log-uniform
/// in [1e-6, 1e-1].
constexpr double kLrSpread = 3.0;
constexpr double kMaxDropout = 0.5;
constexpr double kWdLogMin = -6.0, kWdLogMax = -1.0;
/// Width: the incumbent's widths times 2^[-1, 1] (the overfit stage only
/// grows them; the search may find a narrower network generalizes better);
/// depth: one layer fewer, the same, or one more, up to kMaxDepth.
constexpr double kWidthLog2Spread = 1.0;
constexpr int64_t kMinWidth = 16;
constexpr std::size_t kMaxDepth = 4;
/// Points drawn; the budget usually ends the search sooner.
constexpr std::size_t kMaxTrials = 32;
/// Fewer trials than this are no search: the stage then leaves its time to
/// the squeeze stage's longer, annealed training (when an epoch costs
/// minutes, one or two trials say nothing about the space).
constexpr double kMinTrials = 3;

Config trial_config(const Config& incumbent, const UnitPoint& u) {
  Config c = incumbent;
  c.train.lr = incumbent.train.lr * std::pow(kLrSpread, 2.0 * u[0] - 1.0);
  if (c.model.type != "linear") c.model.dropout = kMaxDropout * u[1];
  c.train.optimizer = "adamw";
  c.train.weight_decay = std::pow(10.0, kWdLogMin + (kWdLogMax - kWdLogMin) * u[2]);
  if ((c.model.type == "mlp" || c.model.type == "tabm") && !c.model.hidden.empty()) {
    const double scale = std::pow(2.0, kWidthLog2Spread * (2.0 * u[3] - 1.0));
    for (int64_t& width : c.model.hidden) {
      width = std::max<int64_t>(kMinWidth, 8 * std::llround(scale * static_cast<double>(width) / 8));
    }
    if (u[4] < 1.0 / 3 && c.model.hidden.size() > 1) c.model.hidden.pop_back();
    if (u[4] >= 2.0 / 3 && c.model.hidden.size() < kMaxDepth) c.model.hidden.push_back(c.model.hidden.back());
  }
  return c;
}

}  // namespace

void run_tune_stage(Context& ctx) {
  StageReport& stage = ctx.begin_stage("tune", 0.85);
  const auto start = Clock::now();
  if (!ctx.incumbent_run) {
    stage.verdict = Verdict::Skipped;
    stage.summary = "no network to tune";
    return;
  }
  if (expected_seconds(ctx, ctx.incumbent) * kMinTrials > ctx.budget.stage_left()) {
    stage.verdict = Verdict::Skipped;
    stage.summary =
        fmt::format("fewer than {:.0f} trials would fit in the stage; its time goes to the squeeze stage", kMinTrials);
    stage.cut.push_back("the search: " + stage.summary);
    ctx.log("tune: " + stage.summary);
    return;
  }
  const std::size_t start_index = *ctx.incumbent_run;
  const double before = ctx.networks[start_index].val_score(ctx.metric.name);
  const std::vector<UnitPoint> points =
      sobol_points(5, kMaxTrials, static_cast<uint64_t>(ctx.incumbent.train.seed.value_or(0)) + 1);
  const Config center = ctx.incumbent;
  std::optional<std::size_t> best_trial;
  std::size_t trials = 0;
  for (const UnitPoint& u : points) {
    const Config c = trial_config(center, u);
    if (expected_seconds(ctx, c) > ctx.budget.stage_left()) {
      if (trials == 0) stage.cut.push_back("every trial: the stage's budget would not cover one");
      break;
    }
    ++trials;
    const std::string name =
        fmt::format("tune trial {}: lr {}, dropout {}, weight decay {}, hidden {}", trials, number_text(c.train.lr),
                    number_text(c.model.dropout), number_text(c.train.weight_decay), hidden_text(c.model.hidden));
    const auto index = train_candidate(ctx, {name, c, false});
    if (!index) continue;
    const AblationRow row = ablation_row(ctx, name.substr(name.find(": ") + 2), ctx.networks[*index], before);
    if (!best_trial || is_better(ctx.metric, row.val_metric, ctx.networks[*best_trial].val_score(ctx.metric.name))) {
      best_trial = index;
    }
    stage.ablation.push_back(row);
  }
  if (trials < points.size()) stage.cut.push_back(fmt::format("{} of {} Sobol' points tried", trials, points.size()));
  if (best_trial) {
    const double best = ctx.networks[*best_trial].val_score(ctx.metric.name);
    for (AblationRow& r : stage.ablation) r.kept = r.val_metric == best && is_better(ctx.metric, best, before);
    ctx.tuned_run = best_trial;
    if (is_better(ctx.metric, best, before)) {
      ctx.incumbent = ctx.networks[*best_trial].config;
      ctx.incumbent_run = best_trial;
    }
  }
  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double after = ctx.networks[*ctx.incumbent_run].val_score(ctx.metric.name);
  stage.verdict = trials == 0 ? Verdict::Skipped : Verdict::Pass;
  stage.summary = trials == 0 ? "no trial fitted in the budget"
                              : fmt::format("{} trial(s); val {} {:.4f} -> {:.4f}{}", trials, ctx.metric.name, before,
                                            after, after == before ? " (the incumbent stays)" : "");
  ctx.log("tune: " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail
