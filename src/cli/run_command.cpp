// `nnrecipe run DATA --target COL | CONFIG`: the whole recipe (recipe.h).
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/idx.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/reports.h"
#include "nnrecipe/runtime.h"

namespace nnrecipe::cli {
namespace {

std::string default_out(const std::string& input) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  const std::string name = file_stem(input);
  return fmt::format("runs/{}-run-{}", stamp, name.empty() ? "data" : name);
}

}  // namespace

CommandRunner add_run_command(CLI::App& app) {
  struct Args {
    std::string input, out, resume;
    DataOptions data;
    double budget = 10;
    bool strict = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("run", "The whole recipe in a time budget: the best model and a report");
  const std::string details =
      ("The whole recipe, stage by stage, within a time budget: inspect the data (drop constant and id-like "
       "columns), baselines (majority/mean, linear, xgboost, a small network with the preflight checks, a "
       "factorization machine when there are id columns), overfit (feature groups one at a time with "
       "data.groups, learning-rate range test, capacity one change at a time), regularize (learning curve; "
       "augmentation, numeric embeddings, TabM, batch size, dropout, weight decay, each kept only if validation "
       "improves), tune (a short Sobol' search), squeeze (train longer, ensemble, the test split scored once, "
       "error analysis, calibration, feature importance). Every choice uses the validation split. Writes report.html, "
       "summary.json, findings.json, leaderboard.csv and model/ "
       "(loadable by `nnrecipe predict`).");
  cmd->add_option("INPUT", args->input,
                  "A CSV file (then give --target), an image dataset directory, or a YAML config (optional with "
                  "--resume)");
  add_data_options(cmd, args->data);
  cmd->add_option("--budget", args->budget, "Minutes for the whole run; the stages share them")
      ->check(CLI::PositiveNumber)
      ->default_str("10");
  cmd->add_option("--out", args->out,
                  "Run directory, new or empty (default runs/<timestamp>-run-<name>); a directory holding an "
                  "interrupted run is continued with --resume");
  cmd->add_option("--resume", args->resume,
                  "Continue the interrupted run in this directory with a new --budget: its finished networks are "
                  "not trained again, a cut one continues from its last epoch (same data and options required)");
  cmd->add_flag("--strict", args->strict,
                "Stop after inspect, with exit code 1, when the data shows leakage or another finding that makes every "
                "later number suspect");
  cmd->footer("\n" + details +
              "\n\nExamples:\n"
              "  nnrecipe run examples/data/credit_data.csv --target Status\n"
              "  nnrecipe run train.csv --target churn --test test.csv --budget 20 --out runs/churn\n"
              "  nnrecipe run /usr/share/datasets/fashion-mnist --budget 20\n"
              "  nnrecipe run --resume runs/churn --budget 10     (after Ctrl-C)");
  return [args] {
    RecipeOptions options;
    Config& config = options.config;
    if (!args->resume.empty() && !args->out.empty() && args->out != args->resume) {
      throw InputError("run: --resume DIR continues the run in DIR; give --out only to start a new run");
    }
    if (args->input.empty() && args->resume.empty()) {
      throw InputError("run: give INPUT (a CSV file, an image directory or a config), or --resume DIR");
    }
    if (args->input.empty()) {
      // The options the run was started with, as it recorded them.
      config = resumable_run_config(args->resume);
      options.config_source = args->resume + "/run.json";
    } else if (is_yaml_path(args->input)) {
      config = load_config(args->input);
      options.config_source = args->input;
    } else {
      config.data.train = args->input;
      options.config_source = args->input + (args->data.target.empty() ? "" : " --target " + args->data.target);
    }
    apply_data_options(config, args->data);
    if (config.data.target.empty() && !is_image_directory(config.data.train)) {
      throw InputError("run: give the target column with --target (or data.target in a config)");
    }
    apply_threads(config);
    options.budget_minutes = args->budget;
    options.strict = args->strict;
    options.resume = !args->resume.empty();
    options.out_dir = options.resume ? args->resume : args->out.empty() ? default_out(args->input) : args->out;

    const bool quiet = global_options().quiet;
    ProgressLine progress("run");
    options.on_progress = [&](const std::string& status) { progress.show(status); };
    options.on_log = [&](const std::string& line) {
      if (quiet) return;
      progress.clear();
      fmt::print("{}\n", line);
      std::fflush(stdout);
    };
    // Ctrl-C / SIGTERM ends the run early and gracefully (run_recipe): the
    // run directory is written for the work done, and the exit code is 130.
    install_interrupt_handlers();
    const RecipeResult result = run_recipe(options);
    progress.clear();
    write_recipe_artefacts(options, result);
    std::cout << "\n" << render_recipe_text(result);
    fmt::print("report: {}/report.html\n", options.out_dir);
    // A --strict stop is a failed run: what stopped it is an error to the
    // caller, though the finding itself (leakage) is a warning.
    if (!result.interrupted.empty()) return kExitInterrupted;
    return result.findings.has_errors() || result.stopped ? kExitFindings : kExitOk;
  };
}

}  // namespace nnrecipe::cli
