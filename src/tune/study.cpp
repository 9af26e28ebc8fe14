// run_study: samples the trials, runs them in worker processes (at most
// `parallel` at once), resumes from what a study directory already holds,
// and writes the trials table, the best config and the report.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/samplers.h"
#include "nnrecipe/tune.h"
#include "tune/tune_support.h"

extern char** environ;

namespace nnrecipe {

using namespace tune_detail;

namespace {

// Edge warning: the best value within this share of either end of its range
// (Tuning Playbook: "the best trials are near the boundary of the space").
constexpr double kEdge = 0.1;

nlohmann::json space_json(const SearchSpace& space) {
  nlohmann::json out = nlohmann::json::array();
  for (const SearchParam& p : space.params) {
    out.push_back({{"key", p.key},
                   {"kind", to_string(p.kind)},
                   {"lo", p.lo},
                   {"hi", p.hi},
                   {"choices", p.choices},
                   {"when_key", p.when_key},
                   {"when_values", p.when_values}});
  }
  return out;
}

nlohmann::json study_spec(const TuneOptions& o, std::size_t trials) {
  return {{"version", 1},
          {"config", to_yaml(o.base)},
          {"space", space_json(o.space)},
          {"sampler", o.sampler},
          {"trials", trials},
          {"grid_points", o.grid_points},
          {"seed", o.seed},
          {"scheduler", o.scheduler},
          {"asha", {{"grace", o.asha.grace}, {"eta", o.asha.eta}, {"max_epochs", o.base.train.epochs}}}};
}

// The study directory holds this study (resume) or nothing yet; anything
// else is refused rather than mixed.
void claim_directory(const TuneOptions& o, const nlohmann::json& spec) {
  const std::string path = o.out_dir + "/study.json";
  if (path_exists(path)) {
    const nlohmann::json old = read_json_file(path);
    if (old != spec) {
      std::string differs;
      for (const auto& [k, v] : spec.items()) {
        if (!old.contains(k) || old.at(k) != v) differs += (differs.empty() ? "" : ", ") + k;
      }
      throw InputError(path, fmt::format("this directory holds a different study (it differs in: {}); use another "
                                         "--out, or the same config, space and options to resume it",
                                         differs));
    }
    return;
  }
  make_directories(o.out_dir + "/trials");
  write_json_atomic(path, spec);
}

// One worker's assignment: train trial `index` up to `until` epochs (0 =
// train.epochs), from its checkpoint when `resume` (an ASHA promotion).
struct Job {
  std::size_t index = 0;
  int64_t until = 0;
  bool resume = false;
};

struct Worker {
  pid_t pid = -1;
  Job job;
  std::chrono::steady_clock::time_point start;
};

pid_t spawn_worker(const TuneOptions& o, const Job& job, std::size_t threads) {
  const std::string dir = trial_dir(o.out_dir, job.index);
  const std::string log = dir + "/log.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // A promoted trial's log continues the one it paused with.
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | (job.resume ? O_APPEND : O_TRUNC),
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {
      o.worker_binary,           "--threads", std::to_string(threads),  "tune-trial", o.out_dir,
      std::to_string(job.index), "--until",   std::to_string(job.until)};
  if (job.resume) args.push_back("--resume");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Each worker leads its own process group: Ctrl-C at a terminal reaches
  // only the study, which then stops the workers itself (and records what
  // they leave), instead of every worker dying at once beside it. SIGTERM
  // keeps its default action in the worker, so that forwarding it works even
  // when the study was started with it ignored.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, o.worker_binary.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) throw SystemError(o.worker_binary, fmt::format("cannot start a trial worker: {}", std::strerror(rc)));
  return pid;
}

std::string last_line(const std::string& path) {
  const std::string text = read_file_or_empty(path);
  const std::size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return "";
  const std::size_t newline = text.rfind('\n', end);
  const std::size_t start = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(start, end - start + 1);
}

double unit_position(const SearchParam& p, double v) {
  const bool log = p.kind == SearchParam::Kind::LogUniform || p.kind == SearchParam::Kind::LogInt;
  const double lo = log ? std::log(p.lo) : p.lo, hi = log ? std::log(p.hi) : p.hi;
  const double x = log ? std::log(v) : v;
  return hi > lo ? (x - lo) / (hi - lo) : 0.5;
}

std::vector<std::string> edge_warnings(const SearchSpace& space, const TrialResult& best) {
  std::vector<std::string> out;
  for (const SearchParam& p : space.params) {
    if (p.kind == SearchParam::Kind::Choice || p.hi <= p.lo) continue;
    for (const auto& [k, v] : best.params) {
      if (k != p.key) continue;
      const double u = unit_position(p, std::stod(v));
      if (u > kEdge && u < 1 - kEdge) continue;
      out.push_back(
          fmt::format("the best trial's {} = {} lies at the {} edge of its range [{}, {}]: the best value "
                      "may lie outside it; widen the range that way and tune again",
                      p.key, v, u <= kEdge ? "lower" : "upper", p.lo, p.hi));
    }
  }
  return out;
}

std::string trials_csv(const StudyResult& study, const SearchSpace& space) {
  std::string out = "trial";
  for (const SearchParam& p : space.params) out += "," + csv_field(p.key);
  out += "," + study.metric + ",epochs,best_epoch,stopped,seconds\n";
  for (const TrialResult& t : study.trials) {
    out += std::to_string(t.index);
    for (const SearchParam& p : space.params) {
      std::string value;
      for (const auto& [k, v] : t.params) {
        if (k == p.key) value = v;
      }
      out += "," + csv_field(value);
    }
    out += fmt::format(",{},{},{},{},{:.2f}\n", t.score, t.epochs, t.best_epoch, t.stopped, t.seconds);
  }
  return out;
}

/// A trial's result.json; a damaged one (edited by hand, a disk error) is an
/// error naming it, with the way out.
TrialResult read_trial(const std::string& path) {
  try {
    return trial_from_json(read_json_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("damaged trial result (") + e.what() +
                               "); delete it and rerun the same command to run the trial again");
  }
}

bool waiting_at_rung(const std::string& stopped) { return stopped == "paused" || stopped == "asha"; }

SelectionMetric trial_metric(const std::string& name) {
  return name == "val_loss" ? SelectionMetric{"val_loss", false} : selection_metric(name);
}

std::vector<TrialResult> finished_results(const std::string& study, std::size_t trials) {
  std::vector<TrialResult> out;
  for (std::size_t i = 0; i < trials; ++i) {
    const std::string path = trial_dir(study, i) + "/result.json";
    if (path_exists(path)) out.push_back(read_trial(path));
  }
  return out;
}

void append_decision(const std::string& study, const nlohmann::json& record) {
  const std::string path = study + "/asha.jsonl";
  const std::string text = record.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    if (fd >= 0) ::close(fd);
    throw InputError(path, "cannot append the ASHA decision");
  }
  ::close(fd);
}

struct Promotion {
  Job job;
  int64_t rung = 0;  ///< epochs
  double score = NAN;
  std::size_t rank = 0, of = 0;
  bool reopened = false;  ///< the trial had been recorded as stopped by "asha" (a resumed study)
};

// ASHA's next promotion, the highest rung first (Li et al. 2020, Algorithm
// 1), from the trials' result files: a trial is recorded at every rung its
// curve reaches and is a candidate at the rung where it paused. Trials in
// `busy` are running (a promoted one's result is the one it paused with).
std::optional<Promotion> next_promotion(const TuneOptions& o, const std::vector<int64_t>& rungs, std::size_t trials,
                                        const std::set<std::size_t>& busy) {
  const std::vector<TrialResult> results = finished_results(o.out_dir, trials);
  std::string metric;
  for (const TrialResult& r : results) {
    if (metric.empty()) metric = r.metric;
  }
  if (metric.empty()) return std::nullopt;
  const SelectionMetric m = trial_metric(metric);
  for (std::size_t s = rungs.size(); s-- > 0;) {
    std::vector<AshaRecord> rung;
    for (const TrialResult& r : results) {
      const auto reached = static_cast<int64_t>(r.curve.size());
      if (reached < rungs[s]) continue;
      const bool candidate = waiting_at_rung(r.stopped) && reached == rungs[s] && busy.count(r.index) == 0;
      rung.push_back({r.index, best_of_first(r.curve, rungs[s], m), !candidate});
    }
    const std::optional<std::size_t> pick = asha_promotion(rung, o.asha.eta, m.higher_is_better);
    if (!pick) continue;
    Promotion p;
    p.job = {rung[*pick].trial, s + 1 < rungs.size() ? rungs[s + 1] : 0, true};
    p.rung = rungs[s];
    p.score = rung[*pick].score;
    p.of = rung.size();
    p.rank = 1;
    for (const AshaRecord& r : rung) p.rank += !std::isnan(r.score) && is_better(m, r.score, p.score) ? 1 : 0;
    for (const TrialResult& r : results) p.reopened = p.reopened || (r.index == p.job.index && r.stopped == "asha");
    return p;
  }
  return std::nullopt;
}

// When the study ends, a trial still paused at a rung was not promoted:
// recorded as stopped by ASHA, with the decision logged.
void stop_paused_trials(const TuneOptions& o, std::size_t trials, const std::string& reason) {
  for (TrialResult r : finished_results(o.out_dir, trials)) {
    if (r.stopped != "paused") continue;
    r.stopped = "asha";
    write_json_atomic(trial_dir(o.out_dir, r.index) + "/result.json", to_json(r));
    const double score = best_of_first(r.curve, r.epochs, trial_metric(r.metric));
    append_decision(o.out_dir, {{"trial", r.index},
                                {"rung", r.epochs},
                                {"score", std::isfinite(score) ? nlohmann::json(score) : nlohmann::json(nullptr)},
                                {"decision", "stop"},
                                {"reason", reason}});
  }
}

}  // namespace

StudyResult run_study(const TuneOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.space.dims() == 0) throw InputError("--space: the search space has no parameter");
  const std::vector<UnitPoint> points = sample_points(o.sampler, o.space, o.trials, o.seed, o.grid_points);
  claim_directory(o, study_spec(o, points.size()));

  // Trial configs, written once (identical on resume: the sampler is seeded).
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string dir = trial_dir(o.out_dir, i);
    if (path_exists(dir + "/config.yaml")) continue;
    const Assignment params = assign(o.space, points[i], o.base);
    make_directories(dir);
    nlohmann::json pj = nlohmann::json::object();
    for (const auto& [k, v] : params) pj[k] = v;
    write_json_atomic(dir + "/params.json", pj);
    write_file_atomic(dir + "/config.yaml", to_yaml(apply_assignment(o.base, params)));
  }

  StudyResult study;
  std::vector<std::size_t> pending;  // trials never run
  std::size_t paused = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string path = trial_dir(o.out_dir, i) + "/result.json";
    if (!path_exists(path)) {
      pending.push_back(i);
    } else if (read_json_file(path).value("stopped", "") == "paused") {
      ++paused;
    } else {
      ++study.resumed;
    }
  }
  const bool asha = o.scheduler == "asha";
  const std::vector<int64_t> rungs = asha ? asha_rungs(o.asha) : std::vector<int64_t>{};
  if (asha && rungs.empty()) {
    throw InputError(fmt::format("--scheduler asha: train.epochs {} leaves no rung after --grace {}",
                                 o.base.train.epochs, o.asha.grace));
  }
  const std::size_t parallel =
      std::max<std::size_t>(1, std::min(o.parallel, std::max<std::size_t>(pending.size() + paused, 1)));
  const std::size_t threads = std::max<std::size_t>(1, (o.threads ? o.threads : available_cores()) / parallel);
  const auto say = [&](const std::string& line) {
    if (o.on_progress) o.on_progress(line);
  };
  if (study.resumed || paused) {
    say(fmt::format("{} of {} trials already finished in {}{}: not rerun", study.resumed, points.size(), o.out_dir,
                    paused ? fmt::format(" ({} paused at an ASHA rung)", paused) : ""));
  }

  std::vector<Worker> running;
  std::set<std::size_t> busy;
  std::size_t next = 0, finished = study.resumed;
  bool budget_spent = false;
  const auto elapsed_minutes = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60;
  };
  // Free workers take a promotion if ASHA has one, else a new trial.
  const auto next_job = [&]() -> std::optional<Job> {
    if (asha) {
      if (const std::optional<Promotion> p = next_promotion(o, rungs, points.size(), busy)) {
        append_decision(o.out_dir, {{"trial", p->job.index},
                                    {"rung", p->rung},
                                    {"score", p->score},
                                    {"rank", p->rank},
                                    {"of", p->of},
                                    {"decision", "promote"},
                                    {"to", p->job.until ? p->job.until : o.base.train.epochs}});
        say(fmt::format("trial {} promoted at {} epochs (rank {} of {}): continues to {} epochs", p->job.index, p->rung,
                        p->rank, p->of, p->job.until ? p->job.until : o.base.train.epochs));
        if (p->reopened) --finished;  // counted as finished when the study resumed
        return p->job;
      }
    }
    if (next < pending.size()) return Job{pending[next++], asha ? rungs.front() : 0, false};
    return std::nullopt;
  };
  for (;;) {
    while (running.size() < parallel && !budget_spent && !interrupt_requested()) {
      // The first trial always starts: a budget spent on sampling and
      // writing the trial configs alone would leave the study empty.
      const bool started_any = next > 0 || study.resumed > 0 || paused > 0;
      if (o.budget_minutes > 0 && started_any && elapsed_minutes() >= o.budget_minutes) {
        budget_spent = true;
        study.not_started = pending.size() - next;
        say(fmt::format("budget of {} min spent: {} trials not started{}", o.budget_minutes, study.not_started,
                        asha ? ", none promoted further" : ""));
        break;
      }
      const std::optional<Job> job = next_job();
      if (!job) break;
      running.push_back({spawn_worker(o, *job, threads), *job, std::chrono::steady_clock::now()});
      busy.insert(job->index);
      if (!job->resume) {
        say(fmt::format("trial {} started ({} running, {} of {} done)", job->index, running.size(), finished,
                        points.size()));
      }
    }
    if (running.empty()) break;
    if (interrupt_requested() && study.interrupted.empty()) {
      // Stop the running trials now (their last whole epoch stays in their
      // checkpoints) and start nothing more; what finished is kept.
      study.interrupted = interrupt_name();
      study.not_started = pending.size() - next;
      say(fmt::format("interrupted ({}): stopping {} running trial(s); rerun the same command to resume",
                      study.interrupted, running.size()));
      for (const Worker& w : running) ::kill(w.pid, SIGTERM);
    }
    int status = 0;
    // Polled rather than blocking, so that an interrupt arriving just
    // before the wait is seen within a tenth of a second, not when some
    // trial happens to end.
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw SystemError(fmt::format("waiting for trial workers: {}", std::strerror(errno)));
    }
    if (pid == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const auto it = std::find_if(running.begin(), running.end(), [&](const Worker& w) { return w.pid == pid; });
    if (it == running.end()) continue;
    const Worker w = *it;
    running.erase(it);
    busy.erase(w.job.index);
    const std::string dir = trial_dir(o.out_dir, w.job.index);
    const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!study.interrupted.empty() && !exited_ok) {
      // Stopped by the interrupt: nothing recorded, so a rerun starts it
      // again (a promoted trial resumes from its paused result).
      ++study.abandoned;
      continue;
    }
    if (WIFSIGNALED(status)) {
      // Killed (Ctrl-C, OOM...): no new result, so a rerun runs it again
      // (a promoted trial from its last checkpoint).
      throw SystemError(fmt::format("trial {} was killed by signal {}; rerun the same command to resume the study",
                                    w.job.index, WTERMSIG(status)));
    }
    if (!exited_ok || !path_exists(dir + "/result.json")) {
      // The worker records training failures itself and exits 0; this is a
      // crash or a bad config: recorded as failed, with the worker's last
      // words (a promoted trial keeps the curve it paused with, and is not
      // promoted again).
      TrialResult failed;
      if (path_exists(dir + "/result.json")) failed = read_trial(dir + "/result.json");
      failed.index = w.job.index;
      failed.stopped = "failed";
      failed.score = NAN;
      failed.error = last_line(dir + "/log.txt");
      failed.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - w.start).count();
      write_json_atomic(dir + "/result.json", to_json(failed));
    }
    const TrialResult r = read_trial(dir + "/result.json");
    if (r.stopped == "paused") {
      say(fmt::format("trial {} paused at {} epochs: {} {}", w.job.index, r.epochs, r.metric, r.score));
    } else {
      ++finished;
      say(fmt::format("trial {} {}: {} {} after {} epochs ({}/{} done)", w.job.index, r.stopped, r.metric, r.score,
                      r.epochs, finished, points.size()));
    }
  }
  // An interrupted study leaves its paused trials paused: resuming it
  // continues ASHA where it was.
  if (asha && study.interrupted.empty()) {
    stop_paused_trials(
        o, points.size(),
        budget_spent ? "the budget was spent"
                     : fmt::format("not in the top 1/{} of its rung when no trial was left to start", o.asha.eta));
  }

  // Collect every finished trial, in index order.
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string path = trial_dir(o.out_dir, i) + "/result.json";
    if (!path_exists(path)) continue;
    TrialResult t = read_trial(path);
    t.params.clear();
    const nlohmann::json pj = read_json_file(trial_dir(o.out_dir, i) + "/params.json");
    for (const SearchParam& p : o.space.params) {
      if (pj.contains(p.key)) t.params.emplace_back(p.key, pj.at(p.key).get<std::string>());
    }
    study.trials.push_back(std::move(t));
  }
  for (const TrialResult& t : study.trials) {
    if (study.metric.empty() && !t.metric.empty()) study.metric = t.metric;
    study.total_epochs += t.epochs;
  }
  if (!study.metric.empty()) study.higher_is_better = selection_metric(study.metric).higher_is_better;
  const SelectionMetric metric{study.metric, study.higher_is_better};
  for (std::size_t k = 0; k < study.trials.size(); ++k) {
    const TrialResult& t = study.trials[k];
    if (t.stopped == "failed" || std::isnan(t.score)) continue;
    if (study.best < 0 || is_better(metric, t.score, study.trials[static_cast<std::size_t>(study.best)].score)) {
      study.best = static_cast<std::ptrdiff_t>(k);
    }
  }
  if (study.best >= 0) {
    const TrialResult& best = study.trials[static_cast<std::size_t>(study.best)];
    study.warnings = edge_warnings(o.space, best);
    write_file_atomic(o.out_dir + "/best.yaml", "# nnrecipe tune: the best trial (" + std::to_string(best.index) +
                                                    ", validation " + study.metric + " " +
                                                    fmt::format("{}", best.score) + ")\n# " + to_string(best.params) +
                                                    "\n" + to_yaml(apply_assignment(o.base, best.params)));
  }
  study.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_file_atomic(o.out_dir + "/trials.csv", trials_csv(study, o.space));
  write_json_atomic(o.out_dir + "/summary.json", to_json(study));
  return study;
}

double best_of_first(const std::vector<double>& curve, int64_t epochs, const SelectionMetric& metric) {
  double best = NAN;
  for (int64_t e = 0; e < epochs && e < static_cast<int64_t>(curve.size()); ++e) {
    const double v = curve[static_cast<std::size_t>(e)];
    if (!std::isnan(v) && (std::isnan(best) || is_better(metric, v, best))) best = v;
  }
  return best;
}

nlohmann::json to_json(const TrialResult& t) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : t.params) params[k] = v;
  const auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  nlohmann::json curve = nlohmann::json::array();
  for (double c : t.curve) curve.push_back(num(c));
  nlohmann::json j = {{"trial", t.index},      {"params", params},     {"metric", t.metric},
                      {"score", num(t.score)}, {"epochs", t.epochs},   {"best_epoch", t.best_epoch},
                      {"stopped", t.stopped},  {"seconds", t.seconds}, {"curve", curve}};
  if (!t.error.empty()) j["error"] = t.error;
  return j;
}

TrialResult trial_from_json(const nlohmann::json& j) {
  TrialResult t;
  t.index = j.at("trial").get<std::size_t>();
  for (const auto& [k, v] : j.at("params").items()) t.params.emplace_back(k, v.get<std::string>());
  t.metric = j.at("metric").get<std::string>();
  t.score = j.at("score").is_number() ? j.at("score").get<double>() : NAN;
  t.epochs = j.at("epochs").get<int64_t>();
  t.best_epoch = j.at("best_epoch").get<int64_t>();
  t.stopped = j.at("stopped").get<std::string>();
  t.seconds = j.at("seconds").get<double>();
  for (const auto& c : j.at("curve")) t.curve.push_back(c.is_number() ? c.get<double>() : NAN);
  if (j.contains("error")) t.error = j.at("error").get<std::string>();
  return t;
}

nlohmann::json to_json(const StudyResult& s) {
  nlohmann::json trials = nlohmann::json::array();
  for (const TrialResult& t : s.trials) trials.push_back(to_json(t));
  nlohmann::json j = {{"metric", s.metric},
                      {"higher_is_better", s.higher_is_better},
                      {"trials", trials},
                      {"resumed", s.resumed},
                      {"not_started", s.not_started},
                      {"total_epochs", s.total_epochs},
                      {"seconds", s.seconds},
                      {"warnings", s.warnings},
                      {"interrupted", s.interrupted.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.interrupted)},
                      {"abandoned", s.abandoned}};
  if (s.best >= 0) {
    const TrialResult& b = s.trials[static_cast<std::size_t>(s.best)];
    j["best"] = {{"trial", b.index}, {"score", b.score}, {"params", to_json(b).at("params")}};
  }
  return j;
}

}  // namespace nnrecipe
