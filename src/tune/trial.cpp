// run_trial: one trial of a study, in its own worker process. Trains the
// trial's config like `nnrecipe train` (its run directory under the trial),
// records the validation curve and, under ASHA, takes a decision at each
// rung against what earlier trials recorded there (asha.jsonl, under an
// exclusive lock so that parallel workers see each other's records).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
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

namespace {

// Holds an exclusive flock on a file for its lifetime.
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) throw InputError(path, "cannot lock the study's ASHA records");
  }
  ~FileLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// The rung decision for this trial: reads the rung's earlier records,
// decides, appends the record with the decision (the log of decisions).
bool asha_stop(const std::string& study, std::size_t trial, int64_t rung, double score, double eta,
               bool higher_is_better) {
  FileLock lock(study + "/asha.lock");
  const std::string path = study + "/asha.jsonl";
  std::vector<double> earlier;
  std::istringstream lines(read_file_or_empty(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const nlohmann::json r = nlohmann::json::parse(line);
    // A trial rerun after a kill must not compete with its own old record.
    if (r.at("rung") == rung && r.at("trial") != trial && r.at("score").is_number()) {
      earlier.push_back(r.at("score").get<double>());
    }
  }
  const AshaDecision d = asha_decide(earlier, score, eta, higher_is_better);
  nlohmann::json record = {{"trial", trial},
                           {"rung", rung},
                           {"score", std::isfinite(score) ? nlohmann::json(score) : nlohmann::json(nullptr)},
                           {"earlier", d.earlier},
                           {"cutoff", std::isfinite(d.cutoff) ? nlohmann::json(d.cutoff) : nlohmann::json(nullptr)},
                           {"decision", d.stop ? "stop" : "continue"}};
  const std::string text = record.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    if (fd >= 0) ::close(fd);
    throw InputError(path, "cannot append the ASHA record");
  }
  ::close(fd);
  return d.stop;
}

}  // namespace

void run_trial(const std::string& study, std::size_t index) {
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json spec = read_json_file(study + "/study.json");
  const std::string dir = trial_dir(study, index);
  TrialResult r;
  r.index = index;
  r.score = NAN;
  const nlohmann::json params = read_json_file(dir + "/params.json");
  for (const auto& [k, v] : params.items()) r.params.emplace_back(k, v.get<std::string>());
  try {
    const Config c = parse_config(read_file_or_empty(dir + "/config.yaml"), dir + "/config.yaml");
    const PreparedData data = prepare_data(c);
    const std::string name = c.train.early_stopping.metric;
    const SelectionMetric watched = name == "auto"       ? default_selection_metric(data.task)
                                    : name == "val_loss" ? SelectionMetric{"val_loss", false}
                                                         : selection_metric(name);
    r.metric = watched.name;
    const bool asha = spec.at("scheduler") == "asha";
    AshaOptions a;
    a.grace = spec.at("asha").at("grace").get<int64_t>();
    a.eta = spec.at("asha").at("eta").get<double>();
    a.max_epochs = c.train.epochs;
    const std::vector<int64_t> rungs = asha ? asha_rungs(a) : std::vector<int64_t>{};
    double best = NAN;  // best validation score so far: what ASHA compares

    TrainerOptions options;
    options.run_dir = dir + "/run";
    options.on_epoch = [&](const EpochLog& log, int64_t) {
      const auto it = log.val_metrics.find(watched.name);
      const double score = watched.name == "val_loss" ? log.val_loss : it == log.val_metrics.end() ? NAN : it->second;
      r.curve.push_back(score);
      if (std::isnan(best) || is_better(watched, score, best)) best = score;
    };
    options.stop_after_epoch = [&](const EpochLog& log) {
      if (std::find(rungs.begin(), rungs.end(), log.epoch) == rungs.end()) return false;
      return asha_stop(study, index, log.epoch, best, a.eta, watched.higher_is_better);
    };
    const TrainOutcome out = train_network(c, data, options);
    r.epochs = static_cast<int64_t>(out.history.size());
    r.best_epoch = out.best_epoch;
    r.score = watched.name == "val_loss" ? best : out.val.count(watched.name) ? out.val.at(watched.name) : NAN;
    r.stopped = out.stopped_by_scheduler ? "asha"
                : out.stopped_by_check   ? "check"
                : out.stopped_early      ? "early_stopping"
                                         : "completed";
  } catch (const std::exception& e) {
    r.stopped = "failed";
    r.error = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_json_atomic(dir + "/result.json", to_json(r));
}

}  // namespace nnrecipe
