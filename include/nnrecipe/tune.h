#pragma once
/// @file
/// @brief `nnrecipe tune`: a hyperparameter study (stage 5 of the recipe, "search, don't guess").
///
/// Points from a sampler (random, Sobol', grid) become trial configs; each
/// trial is a normal training run in its own worker process (`--parallel P` at
/// once, the threads divided among them), optionally cut short by ASHA.
/// Selection uses the validation split only.
///
/// @code
/// nnrecipe::TuneOptions options;
/// options.base = nnrecipe::load_config("examples/configs/credit_mlp.yaml");
/// options.space = nnrecipe::load_search_space("space.yaml");  // search_space.h
/// options.trials = 27;
/// options.asha.max_epochs = options.base.train.epochs;
/// options.out_dir = "runs/tune-credit";
/// options.worker_binary = "/usr/bin/nnrecipe";  // runs `nnrecipe tune-trial` per trial
/// const nnrecipe::StudyResult study = nnrecipe::run_study(options);
/// if (study.best >= 0) std::cout << nnrecipe::to_string(study.trials[study.best].params) << "\n";
/// @endcode
///
/// The study directory (OUT):
/// @code{.unparsed}
///   study.json            what was asked (config, space, sampler, seed, ...):
///                         a rerun with the same OUT resumes, a different
///                         study there is refused
///   trials/NNNN/          config.yaml, params.json, run/ (a normal run
///                         directory), log.txt (the worker's output),
///                         result.json (written last: a trial with it is done)
///   asha.jsonl            every ASHA decision: a promotion (with the trial's
///                         rank among those recorded at its rung) or, when the
///                         study ends, a stop
///   trials.csv, best.yaml (the best trial's full config, ready to train),
///   summary.json, report.html
/// @endcode
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/asha.h"
#include "nnrecipe/config.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/search_space.h"

namespace nnrecipe {

struct TuneOptions {
  Config base;                ///< the config every trial starts from
  std::string config_source;  ///< where it came from (for the report)
  SearchSpace space;
  std::string space_source;
  std::string sampler = "sobol";   ///< random | sobol | grid
  std::size_t trials = 20;         ///< ignored by grid (its size is the grid's)
  std::size_t grid_points = 3;     ///< values per numeric axis of a grid
  std::string scheduler = "asha";  ///< none | asha
  AshaOptions asha;                ///< max_epochs is base.train.epochs
  double budget_minutes = 0;       ///< 0 = no limit: no trial starts (or is promoted) after it; the first always starts
  std::size_t parallel = 1;        ///< worker processes at once
  std::size_t threads = 0;         ///< threads in all (0 = all cores), divided among workers
  uint64_t seed = 0;               ///< sampler seed
  std::string out_dir;
  std::string worker_binary;  ///< the nnrecipe executable (runs `tune-trial`)
  /// Called as trials start and finish (progress display).
  std::function<void(const std::string& line)> on_progress;
};

struct TrialResult {
  std::size_t index = 0;
  Assignment params;
  std::string metric;
  double score = 0;    ///< best validation value of the metric (NaN if none)
  int64_t epochs = 0;  ///< epochs trained
  int64_t best_epoch = 0;
  /// "completed", "early_stopping", "check" (an error finding), "asha" (not
  /// promoted past a rung), "failed", or "paused" (at a rung, while the study runs)
  std::string stopped;
  double seconds = 0;
  std::vector<double> curve;  ///< validation metric after each epoch
  std::string error;          ///< "failed": the worker's last message
};

struct StudyResult {
  std::vector<TrialResult> trials;  ///< by index (finished ones)
  std::string metric;
  bool higher_is_better = true;
  std::ptrdiff_t best = -1;     ///< index into trials
  std::size_t resumed = 0;      ///< trials found finished in OUT
  std::size_t not_started = 0;  ///< trials the budget left out
  int64_t total_epochs = 0;
  double seconds = 0;
  std::vector<std::string> warnings;  ///< e.g. the best value at the edge of the space
  /// "SIGINT" / "SIGTERM" when an interrupt (interrupt.h) ended the study:
  /// running trials were stopped and left to rerun, paused ones stay paused,
  /// so the same command resumes it. "" otherwise.
  std::string interrupted;
  std::size_t abandoned = 0;  ///< trials stopped mid-run by the interrupt
};

/// Runs (or resumes) a study; writes everything into options.out_dir.
StudyResult run_study(const TuneOptions& options);

/// The worker: runs trial `index` of the study in `study_dir` up to `until`
/// epochs (0 = the config's train.epochs), continuing its run's checkpoint
/// when `resume` (an ASHA promotion), and writes its result.json (a training
/// failure is recorded as "failed", not thrown).
void run_trial(const std::string& study_dir, std::size_t index, int64_t until = 0, bool resume = false);

nlohmann::json to_json(const TrialResult& trial);
TrialResult trial_from_json(const nlohmann::json& j);
nlohmann::json to_json(const StudyResult& study);

/// The best of a validation curve's first `epochs` values (NaN when none):
/// a trial's score at an ASHA rung.
double best_of_first(const std::vector<double>& curve, int64_t epochs, const SelectionMetric& metric);

}  // namespace nnrecipe
