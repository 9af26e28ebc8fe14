// `nnrecipe run DATA --target COL | CONFIG`: the whole recipe (recipe.h).
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.h"
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
    std::string input, target, test, task, out, resume;
    std::vector<std::string> sets;
    double budget = 10;
    bool strict = false, quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "The whole recipe, stage by stage, within a time budget: inspect the data (drop constant and id-like "
      "columns), baselines (majority/mean, linear, xgboost, a small network with the preflight checks), overfit "
      "(learning-rate range test, capacity one change at a time), regularize (learning curve; augmentation, "
      "batch size, dropout, weight decay, each kept only if validation improves), tune (a short Sobol' search), "
      "squeeze (train longer, ensemble, the test split scored once, error analysis, calibration). Every choice "
      "uses the validation split. Writes report.html, summary.json, findings.json, leaderboard.csv and model/ "
      "(loadable by `nnrecipe predict`).");
  cmd->add_option("INPUT", args->input,
                  "A CSV file (then give --target), an image dataset directory, or a YAML config (optional with "
                  "--resume)");
  cmd->add_option("--target", args->target, "Target column (with a CSV input)");
  cmd->add_option("--test", args->test, "Test CSV (default: 20% of INPUT, stratified, held out and used once)");
  cmd->add_option("--task", args->task, "binary, multiclass or regression (default: inferred from the target)");
  cmd->add_option("--budget", args->budget, "Minutes for the whole run; the stages share them")
      ->check(CLI::PositiveNumber)
      ->default_str("10");
  cmd->add_option("--out", args->out,
                  "Run directory, new or empty (default runs/<timestamp>-run-<name>); a directory holding an "
                  "interrupted run is continued with --resume");
  cmd->add_option("--resume", args->resume,
                  "Continue the interrupted run in this directory with a new --budget: its finished networks are "
                  "not trained again, a cut one continues from its last epoch (same data and options required)");
  cmd->add_option("--set", args->sets, "Override an option of the starting config: KEY=VALUE (repeatable)");
  cmd->add_flag("--strict", args->strict,
                "Stop after inspect, with exit code 1, when the data shows leakage or another finding that makes every "
                "later number suspect");
  cmd->add_flag("--quiet", args->quiet, "Print only the final summary");
  cmd->footer(
      "\nExamples:\n"
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
      options.config_source = args->input + (args->target.empty() ? "" : " --target " + args->target);
    }
    if (!args->target.empty()) config.data.target = args->target;
    if (!args->test.empty()) config.data.test = args->test;
    if (!args->task.empty()) apply_override(config, "data.task=" + args->task);
    for (const std::string& s : args->sets) apply_override(config, s);
    if (config.data.target.empty() && !is_image_directory(config.data.train)) {
      throw InputError("run: give the target column with --target (or data.target in a config)");
    }
    if (config.train.threads > 0) configure_threads(static_cast<std::size_t>(config.train.threads));
    options.budget_minutes = args->budget;
    options.strict = args->strict;
    options.resume = !args->resume.empty();
    options.out_dir = options.resume ? args->resume : args->out.empty() ? default_out(args->input) : args->out;

    ProgressLine progress("run", !args->quiet && ProgressLine::default_enabled());
    options.on_progress = [&](const std::string& status) { progress.show(status); };
    options.on_log = [&](const std::string& line) {
      if (args->quiet) return;
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
