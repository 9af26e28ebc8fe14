// `nnrecipe run`: the six stages in order within the budget, then the run
// directory's artefacts (recipe.h lists them). Each artefact is written
// atomically; report.html last, so a report on disk is a finished run's.
#include "nnrecipe/recipe.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "recipe/recipe_support.h"

namespace nnrecipe {

using recipe_detail::Context;

RecipeResult run_recipe(const RecipeOptions& options) {
  if (options.out_dir.empty()) throw InputError("run: no output directory given");
  if (!(options.budget_minutes > 0)) throw InputError("--budget: must be a positive number of minutes");
  RecipeResult result;
  Context ctx(options, result, options.budget_minutes * 60.0);
  ctx.base = options.config;
  result.budget_seconds = ctx.budget.total();

  // Bad input (a missing file, a misspelt target) surfaces in inspect,
  // before anything is written.
  recipe_detail::run_inspect_stage(ctx);
  make_directories(options.out_dir + "/stages");
  if (!result.stopped) recipe_detail::run_baseline_stage(ctx);
  // A preflight error means the training as configured must not be trusted
  // (RECIPE.md, "Findings"): nothing later would mean anything.
  if (!result.stopped && ctx.baseline_run && ctx.networks[*ctx.baseline_run].outcome.stopped_by_check) {
    result.stopped = true;
  }
  if (!result.stopped) {
    recipe_detail::run_overfit_stage(ctx);
    recipe_detail::run_regularize_stage(ctx);
    recipe_detail::run_tune_stage(ctx);
    recipe_detail::run_squeeze_stage(ctx);
  }
  for (const char* name : {"inspect", "baseline", "overfit", "regularize", "tune", "squeeze"}) {
    const bool ran = std::any_of(result.stages.begin(), result.stages.end(),
                                 [&](const StageReport& s) { return s.name == name; });
    if (ran) continue;
    StageReport skipped;
    skipped.name = name;
    skipped.verdict = "skipped";
    skipped.summary = "not run: an earlier stage stopped the run";
    result.stages.push_back(std::move(skipped));
  }
  result.seconds = ctx.budget.elapsed();

  write_json_atomic(options.out_dir + "/findings.json", to_json(result.findings));
  write_json_atomic(options.out_dir + "/summary.json", summary_json(result));
  if (!result.candidates.empty()) write_file_atomic(options.out_dir + "/leaderboard.csv", leaderboard_csv(result));
  write_file_atomic(options.out_dir + "/report.html", render_recipe_html(options, result));
  return result;
}

}  // namespace nnrecipe
