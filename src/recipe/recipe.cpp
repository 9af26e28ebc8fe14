// `nnrecipe run`: the six stages in order within the budget (recipe.h lists
// the run directory; its result files are written from the returned result
// by write_recipe_artefacts, reports.h).
#include "nnrecipe/recipe.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "recipe/recipe_support.h"

namespace nnrecipe {

using recipe_detail::Context;

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Pass: return "pass";
    case Verdict::Warn: return "warn";
    case Verdict::Fail: return "fail";
    case Verdict::Skipped: return "skipped";
  }
  return "?";
}

const char* to_string(CandidateKind kind) {
  switch (kind) {
    case CandidateKind::Dumb: return "dumb";
    case CandidateKind::Linear: return "linear";
    case CandidateKind::Xgboost: return "xgboost";
    case CandidateKind::Network: return "network";
    case CandidateKind::Tuned: return "tuned";
    case CandidateKind::Ensemble: return "ensemble";
  }
  return "?";
}

bool is_network_kind(CandidateKind kind) {
  return kind == CandidateKind::Network || kind == CandidateKind::Tuned || kind == CandidateKind::Ensemble;
}

RecipeResult run_recipe(const RecipeOptions& options) {
  if (options.out_dir.empty()) throw InputError("run: no output directory given");
  if (!(options.budget_minutes > 0)) throw InputError("--budget: must be a positive number of minutes");
  RecipeResult result;
  Context ctx(options, result, options.budget_minutes * 60.0);
  ctx.base = options.config;
  result.budget_seconds = ctx.budget.total();

  // Bad input (a missing file, a misspelt target) surfaces in inspect,
  // before anything is written.
  recipe_detail::claim_run_directory(options);
  recipe_detail::run_inspect_stage(ctx);
  // An interrupt (SIGINT/SIGTERM) spends the budget (Budget): the stage it
  // arrives in ends as if time ran out, the network stages after it are
  // skipped, and the squeeze stage still names the best of what was trained.
  const auto note_interrupt = [&](const char* stage) {
    if (interrupt_requested() && result.interrupted.empty()) {
      result.interrupted = fmt::format("{} during the {} stage", interrupt_name(), stage);
    }
    return !result.interrupted.empty();
  };
  note_interrupt("inspect");
  make_directories(options.out_dir + "/stages");
  recipe_detail::record_run(options);
  if (!result.stopped) recipe_detail::run_baseline_stage(ctx);
  note_interrupt("baseline");
  // The network stages improve a network; without one (a check stopped the
  // baseline network even after its repair) they are skipped, and the
  // squeeze stage still ranks the baselines and names a winner: a run on a
  // table that loads always ends with a model.
  std::string skipped_why = "not run: an earlier stage stopped the run";
  if (!result.stopped && ctx.baseline_run) {
    using StageFn = void (*)(Context&);
    const std::pair<const char*, StageFn> network_stages[] = {{"overfit", recipe_detail::run_overfit_stage},
                                                              {"regularize", recipe_detail::run_regularize_stage},
                                                              {"tune", recipe_detail::run_tune_stage}};
    for (const auto& [name, run_stage] : network_stages) {
      if (!result.interrupted.empty()) break;
      run_stage(ctx);
      note_interrupt(name);
    }
  } else if (!result.stopped) {
    skipped_why = "not run: no network to improve (the baseline stage says why); the baselines go on to the squeeze";
  }
  if (!result.interrupted.empty()) skipped_why = "not run: the run was interrupted (" + result.interrupted + ")";
  if (!result.stopped) recipe_detail::run_squeeze_stage(ctx);
  note_interrupt("squeeze");
  std::vector<StageReport> ordered;
  for (const char* name : {"inspect", "baseline", "overfit", "regularize", "tune", "squeeze"}) {
    const auto it =
        std::find_if(result.stages.begin(), result.stages.end(), [&](const StageReport& s) { return s.name == name; });
    if (it != result.stages.end()) {
      ordered.push_back(std::move(*it));
      continue;
    }
    StageReport skipped;
    skipped.name = name;
    skipped.verdict = Verdict::Skipped;
    skipped.summary = skipped_why;
    ordered.push_back(std::move(skipped));
  }
  result.stages = std::move(ordered);
  result.seconds = ctx.budget.elapsed();

  result.model_error = ctx.model_error;
  return result;
}

}  // namespace nnrecipe
