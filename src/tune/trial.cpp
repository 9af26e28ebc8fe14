// run_trial: one trial of a study, in its own worker process. Trains the
// trial's config like `nnrecipe train` (its run directory under the trial)
// up to `until` epochs (ASHA's next rung; 0 = train.epochs), resuming from the
// run's checkpoint when the study promotes a paused trial, and writes the
// trial's result.json with the validation curve of every epoch so far.
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/trainer.h"
#include "nnrecipe/tune.h"
#include "tune/tune_support.h"

namespace nnrecipe {

using namespace tune_detail;

void run_trial(const std::string& study, std::size_t index, int64_t until, bool resume) {
  const auto start = std::chrono::steady_clock::now();
  const std::string dir = trial_dir(study, index);
  TrialResult r;
  r.index = index;
  r.score = NAN;
  // A promoted trial's time so far counts too.
  const double earlier_seconds =
      resume && path_exists(dir + "/result.json") ? read_json_file(dir + "/result.json").value("seconds", 0.0) : 0.0;
  const nlohmann::json params = read_json_file(dir + "/params.json");
  for (const auto& [k, v] : params.items()) r.params.emplace_back(k, v.get<std::string>());
  try {
    const Config c = parse_config(read_file_or_empty(dir + "/config.yaml"), dir + "/config.yaml");
    const PreparedData data = prepare_data(c);
    const std::string name = c.train.early_stopping.metric;
    const SelectionMetric watched = name == "auto"       ? default_selection_metric(data.task, data.class_counts)
                                    : name == "val_loss" ? SelectionMetric{"val_loss", false}
                                                         : selection_metric(name);
    r.metric = watched.name;
    TrainerOptions options;
    options.run_dir = dir + "/run";
    options.resume = resume;
    options.stop_after_epoch = [&](const EpochLog& log) { return until > 0 && log.epoch >= until; };
    const TrainOutcome out = train_network(c, data, options);
    double best = NAN;  // best validation score so far
    for (const EpochLog& log : out.history) {
      const auto it = log.val_metrics.find(watched.name);
      const double score = watched.name == "val_loss" ? log.val_loss : it == log.val_metrics.end() ? NAN : it->second;
      r.curve.push_back(score);
      if (std::isnan(best) || is_better(watched, score, best)) best = score;
    }
    r.epochs = static_cast<int64_t>(out.history.size());
    r.best_epoch = out.best_epoch;
    r.score = watched.name == "val_loss" ? best : out.val.count(watched.name) ? out.val.at(watched.name) : NAN;
    // "paused": at an ASHA rung, waiting for the study's promotion (a study
    // that ends with it still waiting records it as stopped by "asha").
    r.stopped = out.stopped_by_check                                    ? "check"
                : out.stopped_early                                     ? "early_stopping"
                : out.stopped_by_scheduler && r.epochs < c.train.epochs ? "paused"
                                                                        : "completed";
  } catch (const std::exception& e) {
    r.stopped = "failed";
    r.error = e.what();
  }
  r.seconds = earlier_seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_json_atomic(dir + "/result.json", to_json(r));
}

}  // namespace nnrecipe
