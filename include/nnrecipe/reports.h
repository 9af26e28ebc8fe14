#pragma once
// The reports of the long commands, rendered from their results (src/report/,
// the layer above the commands' libraries: recipe, tune and prune compute,
// this renders, nothing here is called back from below). Every HTML report
// shares html_report.h's page, escaping and inline charts.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/prune.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/tune.h"

namespace nnrecipe {

/// `nnrecipe run`: summary.json as recipe.h describes it (plus task,
/// budget, findings counts).
nlohmann::json summary_json(const RecipeResult& result);
/// leaderboard.csv: name,kind,split metrics..., seconds.
std::string leaderboard_csv(const RecipeResult& result);
/// The terminal summary: one line per stage with its verdict, the
/// leaderboard, then the findings (errors first) with evidence and fix.
std::string render_recipe_text(const RecipeResult& result);
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
