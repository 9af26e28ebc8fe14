// `nnrecipe train CONFIG` and `nnrecipe predict MODEL_DIR DATA`.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
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
    std::string input, out, resume;
    DataOptions data;
    bool no_preflight = false;
    bool no_checks = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("train", "Train one configured network, with the Doctor's checks");
  cmd->footer(
      "\nData split and transforms fitted on train only, validation every epoch, early stopping that restores the "
      "best weights, one evaluation on the test split. Writes a run directory: config.yaml, metrics.jsonl, "
      "summary.json, findings.json, checkpoint.pt, model/.\n\nExamples:\n"
      "  nnrecipe train examples/configs/credit_mlp.yaml\n"
      "  nnrecipe train credit_data.csv --target Status --set train.epochs=30");
  cmd->add_option("INPUT", args->input,
                  "A YAML config (see `nnrecipe config --reference`), or a CSV file (then give --target); optional "
                  "with --set data.train=...");
  add_data_options(cmd, args->data);
  cmd->add_option("--out", args->out, "Run directory (default runs/<timestamp>-<name>)");
  cmd->add_option("--resume", args->resume, "Continue the interrupted run in this directory (its config is used)");
  cmd->add_flag("--no-preflight", args->no_preflight,
                "Skip the preflight on the real model and a batch (the config lint and the monitors still run)");
  cmd->add_flag("--no-checks", args->no_checks, "Run no check at all: no lint, no preflight, no monitors");
  return [args] {
    Config config;
    std::string dir;
    if (!args->resume.empty()) {
      if (!args->input.empty()) throw InputError("train: --resume DIR uses DIR's config; give no INPUT with it");
      dir = args->resume;
      config = load_config(dir + "/config.yaml");
      for (const std::string& s : args->data.sets) apply_override(config, s);  // e.g. more epochs
    } else {
      if (!args->input.empty()) config = load_input(args->input);
      apply_data_options(config, args->data);
      dir = args->out.empty() ? default_run_dir(config, is_yaml_path(args->input) ? args->input : "") : args->out;
    }
    apply_threads(config);
    const bool quiet = global_options().quiet;
    const PreparedData data = prepare_data(config);

    TrainerOptions options;
    options.run_dir = dir;
    options.resume = !args->resume.empty();
    ProgressLine progress("train");
    TrainingEta eta(config.train.epochs, config.train.batch_size);
    options.on_step = [&](int64_t epoch, int64_t step, int64_t steps, double loss) {
      progress.show(eta.status(epoch, step, steps, loss));
    };
    options.on_epoch = [&](const EpochLog& e, int64_t epochs) {
      if (quiet) return;
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
    if (!args->no_checks) {
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
      options.preflight = !args->no_preflight;
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
    if (!args->no_checks) {
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
    std::string model, data, out = ".";
    DataOptions csv;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("predict", "Score a CSV with a trained model: DIR/predictions.csv");
  cmd->footer(
      "\nThe columns are read with the types the model was trained on; the target column may be absent. One row "
      "per input row: the predicted label (or value) and, for classification, one probability per class.\n\n"
      "Example:\n  nnrecipe predict runs/credit/model new_applicants.csv --out scored");
  cmd->add_option("MODEL_DIR", args->model, "A run's model directory (RUN_DIR/model; an ensemble that `run` saved too)")
      ->required();
  cmd->add_option("DATA", args->data, "CSV with the training feature columns (the target may be absent)")->required();
  add_data_options(cmd, args->csv, kDelimiter);
  cmd->add_option("--out", args->out, "Directory for predictions.csv (created if needed)")->capture_default_str();
  return [args] {
    Config config;
    apply_data_options(config, args->csv);
    make_directories(args->out);
    const std::string out = args->out + "/predictions.csv";
    const std::size_t n = predict_model_csv(args->model, args->data, out, csv_options(config.data));
    fmt::print("{} predictions written to {}\n", n, out);
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
