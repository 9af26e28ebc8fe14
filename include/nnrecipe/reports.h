#pragma once
/// @file
/// @brief The reports of the long commands (run, tune, prune), rendered from their results.
///
/// Rendered by src/report/, the layer above the commands' libraries: recipe,
/// tune and prune compute, this renders, nothing here is called back from
/// below. Every HTML report shares one page layout (src/internal/nnrecipe/html_report.h), escaping and inline
/// charts.
///
/// @code
/// const nnrecipe::RecipeResult result = nnrecipe::run_recipe(options);  // recipe.h
/// nnrecipe::write_recipe_artefacts(options, result);  // findings.json, summary.json, leaderboard.csv, report.html
/// std::cout << nnrecipe::render_recipe_text(result);
/// const std::string html = nnrecipe::render_prune_html(nnrecipe::prune_run(prune_options));  // prune.h
/// @endcode
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/prune.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/tune.h"

namespace nnrecipe {

struct Leaderboard;  // nnrecipe baseline's (internal)

/// `nnrecipe run`: summary.json as recipe.h describes it (plus task,
/// budget, findings counts).
nlohmann::json summary_json(const RecipeResult& result);
/// leaderboard.csv: name,kind,split metrics..., seconds.
std::string leaderboard_csv(const RecipeResult& result);
/// The same columns for `nnrecipe baseline`'s leaderboard (kind = its name).
std::string leaderboard_csv(const Leaderboard& board);
/// The terminal summary: one line per stage with its verdict, the
/// leaderboard, then the findings (errors first) with evidence and fix.
std::string render_recipe_text(const RecipeResult& result);
/// The answer in one line, before any detail: "best model: ensemble, test auc
/// 0.8375: better than xgboost (0.8171) and the linear model (0.8290)."
/// Empty when the run has no winner.
std::string recipe_headline(const RecipeResult& result);
/// report.html: self-contained, every data string escaped.
std::string render_recipe_html(const RecipeOptions& options, const RecipeResult& result);
/// Writes the run directory's findings.json, summary.json, leaderboard.csv
/// and, last, report.html (each atomically: a report on disk is a whole
/// run's); then rethrows result.model_error when the winner's model/ could
/// not be written.
void write_recipe_artefacts(const RecipeOptions& options, const RecipeResult& result);

/// `nnrecipe tune`: the study's report.html.
std::string render_tune_html(const TuneOptions& options, const StudyResult& study);

/// `nnrecipe prune`: the report.html of a pruning run.
std::string render_prune_html(const PruneResult& result);

}  // namespace nnrecipe
