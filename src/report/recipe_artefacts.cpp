// The run directory's result files of `nnrecipe run`, written from the
// recipe's result by the command (the recipe itself writes the stages' run
// directories and the model).
#include <nlohmann/json.hpp>

#include "nnrecipe/file_io.h"
#include "nnrecipe/reports.h"

namespace nnrecipe {

void write_recipe_artefacts(const RecipeOptions& options, const RecipeResult& result) {
  write_json_atomic(options.out_dir + "/findings.json", to_json(result.findings));
  write_json_atomic(options.out_dir + "/summary.json", summary_json(result));
  if (!result.candidates.empty()) write_file_atomic(options.out_dir + "/leaderboard.csv", leaderboard_csv(result));
  // Last: a report on disk is a finished (or gracefully interrupted) run's.
  write_file_atomic(options.out_dir + "/report.html", render_recipe_html(options, result));
  if (result.model_error) std::rethrow_exception(result.model_error);
}

}  // namespace nnrecipe
