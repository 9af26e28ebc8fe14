// `nnrecipe tune CONFIG --space SPACE.yaml`: a hyperparameter study
// (src/tune/), and the hidden `tune-trial` command its workers run.
#include <fmt/format.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/reports.h"
#include "nnrecipe/tune.h"

namespace nnrecipe::cli {
namespace {

struct TuneArgs {
  std::string config;
  DataOptions data;
  std::string space;
  std::size_t trials = 20;
  double budget = 0;
  std::size_t parallel = 1;
  std::string scheduler = "asha";
  std::string sampler = "sobol";
  std::size_t grid_points = 3;
  int64_t grace = 1;
  double eta = 3;
  uint64_t sampler_seed = 0;
  std::string out;
};

std::string self_executable() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw InputError("cannot find the nnrecipe executable (/proc/self/exe) to start trial workers");
  return std::string(path, static_cast<std::size_t>(n));
}

// Data paths made absolute: trial workers read their config from the study
// directory, and a resumed study may be run from another folder.
void absolute_data_paths(Config& c) {
  for (std::string* p : {&c.data.train, &c.data.test, &c.data.val}) {
    if (!p->empty()) *p = std::filesystem::absolute(*p).lexically_normal().string();
  }
}

int run(const TuneArgs& args) {
  TuneOptions o;
  if (!args.config.empty()) o.base = load_input(args.config);
  apply_data_options(o.base, args.data);
  apply_threads(o.base);
  if (o.base.data.train.empty()) throw InputError("no data: give a CONFIG with data.train, or --set data.train=FILE");
  absolute_data_paths(o.base);
  o.config_source = args.config.empty() ? "--set options" : args.config;
  o.space = load_search_space(args.space);
  o.space_source = args.space;
  o.sampler = args.sampler;
  o.trials = args.trials;
  o.grid_points = args.grid_points;
  o.scheduler = args.scheduler;
  o.asha.grace = args.grace;
  o.asha.eta = args.eta;
  o.asha.max_epochs = o.base.train.epochs;
  o.budget_minutes = args.budget;
  o.parallel = args.parallel;
  o.seed = args.sampler_seed;
  o.threads = num_threads();
  o.out_dir =
      args.out.empty() ? "runs/tune-" + file_stem(args.config.empty() ? o.base.data.train : args.config) : args.out;
  o.worker_binary = self_executable();
  if (o.scheduler == "asha" && asha_rungs(o.asha).empty()) {
    throw InputError(
        fmt::format("--scheduler asha: train.epochs {} leaves no rung after --grace {}; raise "
                    "train.epochs or lower --grace",
                    o.base.train.epochs, o.asha.grace));
  }
  ProgressLine progress("tune");
  o.on_progress = [&](const std::string& line) {
    if (global_options().quiet) return;
    progress.clear();
    fmt::print("{}\n", line);
    std::fflush(stdout);
  };
  install_interrupt_handlers();
  const StudyResult s = run_study(o);
  write_file_atomic(o.out_dir + "/report.html", render_tune_html(o, s));
  progress.clear();
  fmt::print("\n{} trials, {} epochs in all, {:.1f} s; metric: validation {}\n", s.trials.size(), s.total_epochs,
             s.seconds, s.metric);
  if (s.best >= 0) {
    const TrialResult& b = s.trials[static_cast<std::size_t>(s.best)];
    fmt::print("best: trial {} with {} {:.4f} ({} epochs): {}\n", b.index, s.metric, b.score, b.epochs,
               to_string(b.params));
  } else {
    fmt::print("no trial finished with a score\n");
  }
  for (const std::string& w : s.warnings) fmt::print("warn: {}\n", w);
  fmt::print("wrote {0}/{1}trials.csv, {0}/report.html\n", o.out_dir,
             s.best >= 0 ? fmt::format("best.yaml, {}/", o.out_dir) : "");
  if (!s.interrupted.empty()) {
    fmt::print(stderr,
               "nnrecipe: interrupted ({}): {} trial(s) stopped mid-run, {} not started; the files above hold the "
               "finished trials; rerun the same command to resume the study\n",
               s.interrupted, s.abandoned, s.not_started);
    return kExitInterrupted;
  }
  return s.best >= 0 ? kExitOk : kExitFindings;
}

}  // namespace

CommandRunner add_tune_command(CLI::App& app) {
  auto args = std::make_shared<TuneArgs>();
  CLI::App* cmd = app.add_subcommand("tune", "Search hyperparameters: Sobol' trials, ASHA early stopping");
  cmd->add_option("INPUT", args->config,
                  "Base YAML config every trial starts from, or a CSV file (then give --target); optional with --set "
                  "data.train=...");
  add_data_options(cmd, args->data);
  cmd->add_option("--space", args->space,
                  "Search space YAML: KEY: {log_uniform|uniform|int|log_int: [LO, HI]} or "
                  "{choice: [...]}, optionally when: {KEY: [VALUES]}")
      ->required();
  cmd->add_option("--trials", args->trials, "Trials to run (random, sobol)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--budget", args->budget,
                  "Minutes; no trial starts or is promoted after them, the first always starts")
      ->default_str("no limit")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--parallel", args->parallel, "Trials at once, each a process; the threads are divided among them")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option(
         "--scheduler", args->scheduler,
         "none | asha (asynchronous successive halving: trials pause at each rung; the top 1/eta are promoted)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "asha"}));
  cmd->add_option("--sampler", args->sampler, "sobol | random | grid")
      ->capture_default_str()
      ->check(CLI::IsMember({"sobol", "random", "grid"}));
  cmd->add_option("--grid-points", args->grid_points, "grid: values per numeric parameter")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--grace", args->grace, "asha: epochs before a trial's first rung")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--eta", args->eta, "asha: reduction factor (1/eta of the trials at a rung are promoted)")
      ->capture_default_str()
      ->check(CLI::Range(1.5, 100.0));
  cmd->add_option("--sampler-seed", args->sampler_seed, "Seed of the trial sampler (--seed is the trials' train.seed)")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Study directory (default runs/tune-<config name>); resumed when it exists");
  cmd->footer(
      "\nStage 5 of the recipe: search, don't guess. Samples trial configs from a search space (Sobol' by default, "
      "or random; grid only to compare), trains each as its own run in worker processes, stops unpromising ones "
      "early with ASHA, and writes the best config, a trials table and a report. Selection uses the validation "
      "split only. Rerun the same command to resume a killed study.\n\n"
      "Each trial's maximum is the config's train.epochs; ASHA pauses trials at grace, grace*eta, ... epochs\n"
      "and promotes the top 1/eta of each rung (a paused trial continues from its checkpoint).\n"
      "Example space (space.yaml):\n"
      "  train.lr: {log_uniform: [1.0e-4, 1.0e-2]}\n"
      "  model.hidden: {choice: [[64], [128, 128], [256, 256]]}\n"
      "  model.dropout: {uniform: [0.0, 0.4]}\n\n"
      "Example:\n"
      "  nnrecipe tune examples/configs/credit_mlp.yaml --space space.yaml --trials 27 --parallel 2\n"
      "  nnrecipe train runs/tune-credit_mlp/best.yaml");
  return [args] { return run(*args); };
}

CommandRunner add_tune_trial_command(CLI::App& app) {
  auto study = std::make_shared<std::string>();
  auto index = std::make_shared<std::size_t>(0);
  auto until = std::make_shared<int64_t>(0);
  auto resume = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("tune-trial", "Runs one trial of a tune study (started by `nnrecipe tune`)");
  cmd->group("");  // internal: not listed in --help
  cmd->group("");  // internal: not listed in --help
  cmd->add_option("STUDY", *study, "Study directory")->required();
  cmd->add_option("INDEX", *index, "Trial index")->required();
  cmd->add_option("--until", *until, "Stop after this many epochs (an ASHA rung; 0 = train.epochs)");
  cmd->add_flag("--resume", *resume, "Continue the trial's run from its checkpoint (an ASHA promotion)");
  return [study, index, until, resume] {
    // A worker outlives no study: if the study process dies (even by
    // SIGKILL), the kernel sends the worker SIGTERM.
    const pid_t study_pid = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != study_pid) return kExitInterrupted;  // the study died before prctl
    run_trial(*study, *index, *until, *resume);
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
