// Stage 3, overfit (docs/recipe.md): get a model that can fit the
// training set. A learning-rate range test picks the step size, then
// capacity grows one change at a time (width, then depth) while the
// training loss keeps falling; every change is a row of the ablation table.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/lr_range_test.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// A change must lower the best training loss by this share to be kept: a
/// smaller gain is within what a reseeded run moves by, and not worth the
/// capacity (and time) it adds.
constexpr double kMinLossGain = 0.05;
/// The largest network the stage grows to, per layer and in depth (tabular
/// MLPs; the trees' reference figures are reached well within this).
constexpr int64_t kMaxWidth = 1024;
constexpr std::size_t kMaxDepth = 4;
/// Learning rates the range test may set for Adam: its suggestion is kept
/// inside config.lr_range's sane band for Adam.
constexpr double kLrFloor = 1e-5, kLrCeiling = 1e-2;

void range_test(Context& ctx) {
  StageReport& stage = ctx.stage();
  ctx.progress("overfit", "learning-rate range test");
  // The sweep may take at most a third of the stage (a few hundred steps of
  // a CNN are not free); a cut sweep suggests from what it saw.
  LrRangeTestOptions lo;
  const double sweep_end = ctx.budget.elapsed() + ctx.budget.stage_left() / 3;
  lo.stop = [&] { return ctx.budget.elapsed() > sweep_end; };
  LrRangeResult r = lr_range_test(ctx.incumbent, ctx.data, lo);
  if (r.lrs.size() < lo.steps && r.stop_index == r.lrs.size()) {
    stage.cut.push_back(fmt::format("learning-rate range test: {} of {} steps (budget)", r.lrs.size(), lo.steps));
  }
  ctx.result.lr_range = r;
  ctx.log("overfit: learning-rate range test: " + r.note);
  const double old_lr = ctx.incumbent.train.lr;
  if (!std::isfinite(r.suggested_lr)) {
    ctx.log("overfit: no suggestion; keeping lr " + number_text(old_lr));
    return;
  }
  // fastai and Lightning suggest the steepest point itself; a tenth of the
  // learning rate where the loss blows up is the usual upper bound, so the
  // suggestion is clamped below it and inside Adam's sane band.
  double lr = std::clamp(r.suggested_lr, kLrFloor, kLrCeiling);
  if (r.stop_index < r.lrs.size()) lr = std::min(lr, r.lrs[r.stop_index] / 10.0);
  Config candidate = ctx.incumbent;
  candidate.train.lr = lr;
  const double before = ctx.networks[*ctx.incumbent_run].val_score(ctx.metric.name);
  const auto index = train_candidate(ctx, {fmt::format("lr {}", number_text(lr)), candidate, false});
  if (!index) return;
  // The step size is judged by validation (a faster fall in training loss
  // that generalizes worse is not a better learning rate).
  AblationRow row = ablation_row(ctx, fmt::format("lr {} -> {} (range test)", number_text(old_lr), number_text(lr)),
                                 ctx.networks[*index], before);
  row.kept = is_better(ctx.metric, row.val_metric, before);
  if (row.kept) {
    ctx.incumbent = candidate;
    ctx.incumbent_run = index;
  }
  stage.ablation.push_back(row);
}

/// The next capacity changes to try from `hidden`: twice the width, then
/// one more layer of the same width.
std::vector<std::pair<std::string, std::vector<int64_t>>> growth_steps(const std::vector<int64_t>& hidden) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  if (hidden.empty()) return out;
  const int64_t width = *std::max_element(hidden.begin(), hidden.end());
  if (width * 2 <= kMaxWidth) {
    std::vector<int64_t> wider = hidden;
    for (int64_t& h : wider) h *= 2;
    out.push_back({"width x2", wider});
  }
  if (hidden.size() < kMaxDepth) {
    std::vector<int64_t> deeper = hidden;
    deeper.push_back(hidden.back());
    out.push_back({"depth +1", deeper});
  }
  return out;
}

void grow_capacity(Context& ctx) {
  StageReport& stage = ctx.stage();
  if (ctx.incumbent.model.type != "mlp" && ctx.incumbent.model.type != "tabm") {
    stage.cut.push_back("capacity growth: only for MLPs and TabM (the CNN's channels stay as configured)");
    return;
  }
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& [what, hidden] : growth_steps(ctx.incumbent.model.hidden)) {
      Config candidate = ctx.incumbent;
      candidate.model.hidden = hidden;
      const std::string change =
          fmt::format("{}: hidden {} -> {}", what, hidden_text(ctx.incumbent.model.hidden), hidden_text(hidden));
      if (expected_seconds(ctx, candidate) > ctx.budget.stage_left()) {
        stage.cut.push_back(change + ": not tried, the stage's budget would not cover it");
        continue;
      }
      // Copied before training: train_candidate appends to ctx.networks.
      const double before_loss = ctx.networks[*ctx.incumbent_run].best_train_loss();
      const double before_val = ctx.networks[*ctx.incumbent_run].val_score(ctx.metric.name);
      const auto index = train_candidate(ctx, {"hidden " + hidden_text(hidden), candidate, false});
      if (!index) continue;
      // Capacity is judged by the training loss: the stage's goal is to fit.
      AblationRow row = ablation_row(ctx, change, ctx.networks[*index], before_val);
      row.delta = before_loss - row.train_loss;
      row.kept = std::isfinite(row.train_loss) && row.train_loss < before_loss * (1.0 - kMinLossGain);
      stage.ablation.push_back(row);
      if (row.kept) {
        ctx.incumbent = candidate;
        ctx.incumbent_run = index;
        grew = true;
        break;  // grow again from the new incumbent
      }
    }
  }
}

}  // namespace

void run_overfit_stage(Context& ctx) {
  StageReport& stage = ctx.begin_stage("overfit", 0.4);
  const auto start = Clock::now();
  if (!ctx.incumbent_run) {
    stage.verdict = Verdict::Skipped;
    stage.summary = "no baseline network to start from";
    return;
  }
  const double first_loss = ctx.networks[*ctx.incumbent_run].best_train_loss();
  range_test(ctx);
  grow_capacity(ctx);
  const NetworkRun& best = ctx.networks[*ctx.incumbent_run];
  const double last_loss = best.best_train_loss();
  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::size_t kept = 0;
  for (const AblationRow& r : stage.ablation) kept += r.kept;
  // Fitting the training set is the stage's goal: a training loss that ends
  // well below where the baseline network started says capacity suffices.
  stage.verdict = std::isfinite(last_loss) && last_loss <= first_loss ? Verdict::Pass : Verdict::Warn;
  stage.summary = fmt::format(
      "lr {}, hidden {}: best training loss {:.4f} (baseline network {:.4f}); {} of {} "
      "change(s) kept",
      number_text(ctx.incumbent.train.lr), hidden_text(ctx.incumbent.model.hidden), last_loss, first_loss, kept,
      stage.ablation.size());
  ctx.log("overfit: " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail
