// `nnrecipe train CONFIG` and `nnrecipe predict MODEL_DIR DATA`.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/prediction.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/runtime.h"
#include "nnrecipe/text_table.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe::cli {
namespace {

std::string default_run_dir(const Config& c, const std::string& config_path) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  const std::string name = !config_path.empty() ? file_stem(config_path) : file_stem(c.data.train);
  return fmt::format("runs/{}-{}", stamp, name.empty() ? "run" : name);
}

std::string metric_cells(const std::map<std::string, double>& m) {
  std::string s;
  for (const auto& [k, v] : m) s += fmt::format("{}{} {:.4f}", s.empty() ? "" : "  ", k, v);
  return s;
}

}  // namespace

CommandRunner add_train_command(CLI::App& app) {
  struct Args {
    std::string config, out, resume;
    std::vector<std::string> sets;
    bool quiet = false;
    bool no_preflight = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train the configured network: data split and transforms fitted on train only, validation every epoch, "
      "early stopping that restores the best weights, one evaluation on the test split. Writes a run directory: "
      "config.yaml, metrics.jsonl, summary.json, checkpoint.pt, model/.");
  cmd->add_option("CONFIG", args->config, "YAML config (see `nnrecipe config --reference`); optional with --set");
  cmd->add_option("--set", args->sets, "Override an option: KEY=VALUE, value in YAML (repeatable)");
  cmd->add_option("--out", args->out, "Run directory (default runs/<timestamp>-<name>)");
  cmd->add_option("--resume", args->resume, "Continue the interrupted run in this directory (its config is used)");
  cmd->add_flag("--quiet", args->quiet, "Print only the final summary (and any findings)");
  cmd->add_flag("--no-preflight", args->no_preflight,
                "Skip the checks run before training (`nnrecipe check`); an error among them stops the run");
  cmd->footer(
      "\nExample:\n  nnrecipe train --set data.train=credit_data.csv --set data.target=Status --set train.epochs=30");
  return [args] {
    Config config;
    std::string dir;
    if (!args->resume.empty()) {
      dir = args->resume;
      config = load_config(dir + "/config.yaml");
      for (const std::string& s : args->sets) apply_override(config, s);  // e.g. more epochs
    } else {
      if (!args->config.empty()) config = load_config(args->config);
      for (const std::string& s : args->sets) apply_override(config, s);
      dir = args->out.empty() ? default_run_dir(config, args->config) : args->out;
    }
    if (config.train.threads > 0) configure_threads(static_cast<std::size_t>(config.train.threads));
    const PreparedData data = prepare_data(config);

    TrainerOptions options;
    options.run_dir = dir;
    options.resume = !args->resume.empty();
    ProgressLine progress("train", !args->quiet && ProgressLine::default_enabled());
    TrainingEta eta(config.train.epochs, config.train.batch_size);
    options.on_step = [&](int64_t epoch, int64_t step, int64_t steps, double loss) {
      progress.show(eta.status(epoch, step, steps, loss));
    };
    options.on_epoch = [&](const EpochLog& e, int64_t epochs) {
      if (args->quiet) return;
      progress.clear();
      fmt::print("epoch {:>3}/{}  train_loss {:.4f}  val_loss {:.4f}  {}  ({:.1f}s)\n", e.epoch, epochs, e.train_loss,
                 e.val_loss, metric_cells(e.val_metrics), e.seconds);
      std::fflush(stdout);
    };
    // The resolved config goes first: a killed run can then be resumed.
    make_directories(dir);
    if (!options.resume) write_file_atomic(dir + "/config.yaml", to_yaml(config));
    // Lint first (an error stops here), then the trainer's own preflight and
    // monitors; every finding ends in findings.json.
    FindingSet findings;
    if (!args->no_preflight) {
      findings = run_lint(config, data);
      write_json_atomic(dir + "/findings.json", to_json(findings));
      if (!findings.findings.empty() || !findings.ignored.empty()) print_findings(findings);
      if (findings.has_errors()) {
        fmt::print(stderr,
                   "nnrecipe: not training: the checks above found errors (fix them, or silence a check with "
                   "checks.ignore: [id]); findings in {}/findings.json\n",
                   dir);
        return kExitFindings;
      }
      options.checks = true;
      options.on_finding = [&](const Finding& f) {
        progress.clear();
        FindingSet one;
        one.add({f}, {});
        std::cout << render_findings(one);
        std::cout.flush();
      };
    }
    // Ctrl-C / SIGTERM from here on ends training within a step; the model,
    // summary and findings of the epochs done are written as usual.
    install_interrupt_handlers();
    const TrainOutcome out = train_network(config, data, options);
    if (!args->no_preflight) {
      merge(findings, out.findings);
      write_json_atomic(dir + "/findings.json", to_json(findings));
    }
    if (out.stopped_by_check) {
      fmt::print(stderr,
                 "nnrecipe: stopped after {} epoch(s): a check above found an error (silence one with "
                 "checks.ignore: [id]); the last good epoch's checkpoint is kept; findings in {}/findings.json\n",
                 out.history.size(), dir);
      return kExitFindings;
    }

    using A = TextTable::Align;
    TextTable table({"split", "metrics"}, {A::Left, A::Left});
    table.add_row({"val", metric_cells(out.val)});
    table.add_row({"test", metric_cells(out.test)});
    fmt::print("\n{} task, {} parameters, best epoch {} of {} by {}{}, {:.1f}s\n", to_string(data.task), out.params,
               out.best_epoch, out.history.size(), out.selection_metric, out.stopped_early ? " (stopped early)" : "",
               out.seconds);
    std::cout << table.render(200);
    fmt::print("run directory: {}\n", dir);
    if (out.interrupted) {
      fmt::print(stderr,
                 "nnrecipe: interrupted ({}) after {} complete epoch(s): the model holds the best weights so far; "
                 "continue with: nnrecipe train --resume {}\n",
                 interrupt_name(), out.history.size(), dir);
      return kExitInterrupted;
    }
    return kExitOk;
  };
}

CommandRunner add_predict_command(CLI::App& app) {
  struct Args {
    std::string model, data, out;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("predict", "Score a CSV with a trained model and write a predictions CSV.");
  cmd->add_option("MODEL_DIR", args->model, "A run's model directory (RUN_DIR/model; an ensemble that `run` saved too)")
      ->required();
  cmd->add_option("DATA", args->data, "CSV with the training feature columns (the target may be absent)")->required();
  cmd->add_option("--out", args->out, "Predictions CSV (default: predictions.csv)");
  return [args] {
    const std::string out = args->out.empty() ? "predictions.csv" : args->out;
    const std::size_t n = predict_model_csv(args->model, args->data, out);
    fmt::print("{} predictions written to {}\n", n, out);
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
