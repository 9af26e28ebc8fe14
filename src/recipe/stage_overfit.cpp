// Stage 3, overfit (docs/recipe.md): get a model that can fit the
// training set. With data.groups, first the feature groups one at a time
// (what each adds); then a learning-rate range test picks the step size, then
// capacity grows one change at a time (width, then depth) while the
// training loss keeps falling; every change is a row of the ablation table.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

/// Columns of the training table that are features: not the target and
/// not dropped.
std::vector<std::string> feature_columns(const Context& ctx, const Config& config) {
  std::vector<std::string> out;
  for (const Column& c : ctx.raw->train.columns()) {
    if (c.name == config.data.target) continue;
    if (std::find(config.data.drop.begin(), config.data.drop.end(), c.name) != config.data.drop.end()) continue;
    out.push_back(c.name);
  }
  return out;
}

/// data.groups, the recipe's "add one source of data at a time": the
/// baseline network trained on the columns in no group, then with each
/// group added in the order given, each step a row of the ablation table
/// with what it adds on validation (the first step against the prior). The
/// last step, every column, is the baseline network itself. Every group
/// stays in: one that does not pay is reported, and dropping it is the
/// user's call (choosing features on the validation split would fit it).
void add_feature_groups(Context& ctx) {
  if (ctx.images || !ctx.raw || !ctx.prior_val || !ctx.baseline_run || ctx.base.data.groups.empty()) return;
  StageReport& stage = ctx.stage();
  const std::vector<FeatureGroup> groups = parse_feature_groups(ctx.base.data.groups);
  const NetworkRun baseline = ctx.networks[*ctx.baseline_run];  // a copy: training appends to ctx.networks
  const std::vector<std::string> all = feature_columns(ctx, baseline.config);
  const auto in_use = [&](const std::string& column) { return std::find(all.begin(), all.end(), column) != all.end(); };
  std::vector<std::string> added;  // the columns of the groups added so far
  double before = score(ctx, *ctx.prior_val, false).at(ctx.metric.name);
  bool first = true;
  for (std::size_t step = 0; step <= groups.size(); ++step) {
    // Step 0: the columns in no group; step i: group i - 1 added.
    std::vector<std::string> columns;
    if (step == 0) {
      for (const std::string& column : all) {
        const bool grouped = std::any_of(groups.begin(), groups.end(), [&](const FeatureGroup& g) {
          return std::find(g.columns.begin(), g.columns.end(), column) != g.columns.end();
        });
        if (!grouped) columns.push_back(column);
      }
    } else {
      for (const std::string& column : groups[step - 1].columns) {
        if (in_use(column)) columns.push_back(column);
      }
    }
    if (columns.empty()) continue;  // no column in no group, or a group inspect emptied
    const std::string change = step == 0
                                   ? fmt::format("feature groups: the {} column(s) in no group", columns.size())
                                   : fmt::format("+ group {} ({} column(s))", groups[step - 1].name, columns.size());
    added.insert(added.end(), columns.begin(), columns.end());
    std::optional<std::size_t> index;
    if (added.size() == all.size()) {
      index = ctx.baseline_run;  // every column: the baseline network
    } else {
      // The splits' rows as they are, without the groups not added yet.
      Config config = baseline.config;
      DatasetSplits splits = *ctx.raw;
      for (const std::string& column : all) {
        if (std::find(added.begin(), added.end(), column) != added.end()) continue;
        config.data.drop.push_back(column);
        for (Table* t : {&splits.train, &splits.val, &splits.test}) t->drop_column(column);
      }
      if (expected_seconds(ctx, config) > ctx.budget.stage_left()) {
        stage.cut.push_back(change + ": not tried, the stage's budget would not cover it");
        break;
      }
      TrainRequest request(change, config, false);
      request.data = std::make_shared<const PreparedData>(prepare_data(encode_splits(config, splits)));
      index = train_candidate(ctx, request);
    }
    if (!index) continue;
    AblationRow row = ablation_row(ctx, change, ctx.networks[*index], before);
    row.kept = true;
    row.note =
        fmt::format("delta: val {} against {}", ctx.metric.name, first ? "the prior (no feature)" : "the step before");
    first = false;
    before = row.val_metric;
    stage.ablation.push_back(row);
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
  add_feature_groups(ctx);
  range_test(ctx);
  grow_capacity(ctx);
  const NetworkRun& best = ctx.networks[*ctx.incumbent_run];
  const double last_loss = best.best_train_loss();
  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::size_t kept = 0, group_rows = 0;
  for (const AblationRow& r : stage.ablation) {
    const bool group = r.change.rfind("feature groups:", 0) == 0 || r.change.rfind("+ group ", 0) == 0;
    group_rows += group;
    kept += r.kept && !group;
  }
  // Fitting the training set is the stage's goal: a training loss that ends
  // well below where the baseline network started says capacity suffices.
  stage.verdict = std::isfinite(last_loss) && last_loss <= first_loss ? Verdict::Pass : Verdict::Warn;
  stage.summary = fmt::format(
      "lr {}, hidden {}: best training loss {:.4f} (baseline network {:.4f}); {} of {} "
      "change(s) kept",
      number_text(ctx.incumbent.train.lr), hidden_text(ctx.incumbent.model.hidden), last_loss, first_loss, kept,
      stage.ablation.size() - group_rows);
  if (group_rows > 0) {
    std::vector<std::string> adds;
    for (const AblationRow& r : stage.ablation) {
      if (r.change.rfind("+ group ", 0) == 0) {
        adds.push_back(fmt::format("{} {:+.4f}", r.change.substr(2, r.change.find(" (") - 2), r.delta));
      }
    }
    stage.summary += fmt::format("; feature groups add (val {}): {}", ctx.metric.name, fmt::join(adds, ", "));
  }
  ctx.log("overfit: " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail
