// Stage 6, squeeze (../shared/RECIPE.md): train the incumbent longer when
// the budget cut it, train it from other seeds, build an ensemble from the best networks, the linear model and
// xgboost by ensemble selection on validation, then score every candidate
// once on the untouched test split, name the winner honestly, and analyse
// the winner's errors.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "nnrecipe/ensemble_selection.h"
#include "nnrecipe/prediction.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// Networks in the ensemble selection's library (the best by validation,
/// distinct runs, trained on all rows), and its greedy steps
/// (ensemble_selection.h; Caruana et al. 2004 see most of the gain early).
constexpr std::size_t kLibraryNetworks = 8;
constexpr int kSelectionSteps = 20;
/// Copies of the incumbent trained from other seeds for the ensemble:
/// averaging seeds removes the variance of one initialization (Lakshminarayanan
/// et al. 2017 use 5 members).
constexpr std::size_t kSeedReplicas = 4;

/// Candidate predictions kept until the final scoring.
struct Entry {
  Candidate candidate;
  Predictions val, test;
  std::optional<std::size_t> network;  ///< its run, when a single network
  std::vector<std::size_t> members;    ///< the ensemble's networks
  bool with_xgboost = false;           ///< the ensemble includes xgboost, or is it
  std::vector<double> weights;         ///< the ensemble's: members, then xgboost (empty: equal)
};

void train_longer(Context& ctx) {
  NetworkRun& run = ctx.networks[*ctx.incumbent_run];
  if (!run.cut_by_budget) return;
  // Keep a third of the stage for the ensemble and the error analysis.
  if (run.seconds_per_epoch() * 2 > ctx.budget.stage_left() * 2 / 3) {
    ctx.stage().cut.push_back("training the incumbent longer: no budget left for it");
    return;
  }
  TrainRequest request(run.name + " (trained longer)", run.config);
  request.resume_dir = run.run_dir;
  const double old_score = run.val_score(ctx.metric.name);
  const std::size_t old_epochs = run.outcome.history.size();
  const auto index = train_candidate(ctx, request);
  if (!index) return;
  NetworkRun& longer = ctx.networks[*index];
  longer.seconds += ctx.networks[*ctx.incumbent_run].seconds;
  ctx.stage().ablation.push_back({fmt::format("train longer: {} -> {} epochs", old_epochs, longer.outcome.history.size()),
                                  longer.best_train_loss(), longer.val_score(ctx.metric.name),
                                  (ctx.metric.higher_is_better ? 1.0 : -1.0) * (longer.val_score(ctx.metric.name) - old_score),
                                  true, static_cast<int64_t>(longer.outcome.history.size()), longer.seconds,
                                  longer.cut_by_budget ? "cut by the budget again" : ""});
  ctx.incumbent_run = index;
}

void train_seed_replicas(Context& ctx) {
  const Config incumbent = ctx.networks[*ctx.incumbent_run].config;
  for (std::size_t k = 1; k <= kSeedReplicas; ++k) {
    Config c = incumbent;
    c.train.seed = incumbent.train.seed.value_or(0) + static_cast<int64_t>(k);
    // A third of the stage stays for the ensemble and the error analysis.
    if (expected_seconds(ctx, c) > ctx.budget.stage_left() * 2 / 3) {
      ctx.stage().cut.push_back(fmt::format("seed replicas of the incumbent: {} of {} trained (budget)", k - 1,
                                            kSeedReplicas));
      return;
    }
    train_candidate(ctx, {fmt::format("incumbent, seed {}", *c.train.seed), c, false});
  }
}

std::vector<Entry> collect_candidates(Context& ctx) {
  std::vector<Entry> out;
  const bool regression = ctx.data.task == Task::Regression;
  if (ctx.prior_val) {
    out.push_back({{regression ? "mean" : "majority", "dumb", {}, {}, 0, "predicts the training prior"},
                   *ctx.prior_val, *ctx.prior_test, std::nullopt, {}, false, {}});
  } else if (!regression) {
    // Image data: the majority class from the training counts.
    Predictions val, test;
    const auto shares = [&] {
      std::vector<double> s;
      double total = 0;
      for (int64_t n : ctx.data.class_counts) total += static_cast<double>(n);
      for (int64_t n : ctx.data.class_counts) s.push_back(static_cast<double>(n) / total);
      return s;
    }();
    for (auto [p, rows] : {std::pair{&val, ctx.data.val.size()}, std::pair{&test, ctx.data.test.size()}}) {
      p->task = ctx.data.task;
      p->classes = shares.size();
      p->rows = static_cast<std::size_t>(rows);
      for (int64_t i = 0; i < rows; ++i) p->probs.insert(p->probs.end(), shares.begin(), shares.end());
    }
    out.push_back({{"majority", "dumb", {}, {}, 0, "predicts the training class shares"}, val, test, std::nullopt, {}, false, {}});
  }
  if (ctx.linear_val) {
    out.push_back({{"linear", "linear", {}, {}, ctx.linear_seconds, ctx.linear_detail}, *ctx.linear_val,
                   *ctx.linear_test, std::nullopt, {}, false, {}});
  }
  if (ctx.xgb_val) {
    out.push_back({{"xgboost", "xgboost", {}, {}, ctx.xgb_seconds, ctx.xgb_detail}, *ctx.xgb_val, *ctx.xgb_test,
                   std::nullopt, {}, true, {}});
  }
  const auto add_network = [&](std::size_t index, const std::string& name, const std::string& kind) {
    const NetworkRun& run = ctx.networks[index];
    out.push_back({{name, kind, {}, {}, run.seconds,
                    fmt::format("{} {}, lr {}, best epoch {} of {}", run.config.model.type,
                                hidden_text(run.config.model.hidden), number_text(run.config.train.lr),
                                run.outcome.best_epoch, run.outcome.history.size())},
                   predictions_of(ctx, run.val), predictions_of(ctx, run.test), index, {}, false, {}});
  };
  if (ctx.baseline_run) add_network(*ctx.baseline_run, "network", "network");
  if (ctx.incumbent_run && ctx.incumbent_run != ctx.baseline_run && ctx.incumbent_run != ctx.tuned_run) {
    add_network(*ctx.incumbent_run, "recipe network", "network");
  }
  if (ctx.tuned_run) add_network(*ctx.tuned_run, "tuned", "tuned");
  return out;
}

/// The best networks (full training data, not the linear baseline), best
/// first by validation.
std::vector<std::size_t> ranked_networks(const Context& ctx) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < ctx.networks.size(); ++i) {
    const NetworkRun& r = ctx.networks[i];
    if (r.full_data && r.config.model.type != "linear" && !std::isnan(r.val_score(ctx.metric.name))) idx.push_back(i);
  }
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return is_better(ctx.metric, ctx.networks[a].val_score(ctx.metric.name), ctx.networks[b].val_score(ctx.metric.name));
  });
  return idx;
}

/// One model of the ensemble selection's library.
struct LibraryModel {
  std::string name;
  Predictions val, test;
  std::optional<std::size_t> network;  ///< its run; none for xgboost
};

/// The library ensemble selection draws from: the best networks (distinct
/// runs, trained on all rows), the linear model and xgboost.
std::vector<LibraryModel> ensemble_library(const Context& ctx) {
  std::vector<LibraryModel> library;
  std::set<std::string> seen_dirs;
  for (std::size_t i : ranked_networks(ctx)) {
    if (library.size() == kLibraryNetworks) break;
    // A run trained longer shares its directory with the run it continued.
    if (!seen_dirs.insert(ctx.networks[i].run_dir).second) continue;
    library.push_back({ctx.networks[i].name, predictions_of(ctx, ctx.networks[i].val),
                       predictions_of(ctx, ctx.networks[i].test), i});
  }
  if (ctx.linear_val && ctx.linear_run) library.push_back({"linear", *ctx.linear_val, *ctx.linear_test, ctx.linear_run});
  if (ctx.xgb_val) library.push_back({"xgboost", *ctx.xgb_val, *ctx.xgb_test, std::nullopt});
  return library;
}

void add_ensemble(Context& ctx, std::vector<Entry>& entries) {
  const std::vector<LibraryModel> library = ensemble_library(ctx);
  if (library.size() < 2) {
    ctx.stage().cut.push_back("ensemble: fewer than two models to choose from");
    return;
  }
  std::vector<const Predictions*> val_parts, test_parts;
  for (const LibraryModel& m : library) {
    val_parts.push_back(&m.val);
    test_parts.push_back(&m.test);
  }
  const std::vector<int> counts =
      select_ensemble(val_parts, ctx.metric, [&](const Predictions& p) { return score(ctx, p, false).at(ctx.metric.name); },
                      kSelectionSteps);
  int total = 0;
  for (int c : counts) total += c;
  std::vector<std::string> parts;
  std::vector<std::size_t> member_runs;
  std::vector<double> weights;
  bool with_xgboost = false;
  double xgboost_weight = 0;
  for (std::size_t m = 0; m < library.size(); ++m) {
    if (counts[m] == 0) continue;
    parts.push_back(fmt::format("{} x{}", library[m].name, counts[m]));
    if (library[m].network) {
      member_runs.push_back(*library[m].network);
      weights.push_back(counts[m]);
    } else {
      with_xgboost = true;
      xgboost_weight = counts[m];
    }
  }
  if (with_xgboost) weights.push_back(xgboost_weight);
  const std::string detail = fmt::format("ensemble selection from {} models, {} picks: {}", library.size(), total,
                                         fmt::join(parts, "; "));
  entries.push_back({{"ensemble", "ensemble", {}, {}, 0, detail}, weighted_mean(val_parts, counts),
                     weighted_mean(test_parts, counts), std::nullopt, member_runs, with_xgboost, weights});
}

std::string winner_sentence(const Context& ctx, const std::vector<Candidate>& ranked) {
  const Candidate& w = ranked.front();
  const std::string& m = ctx.metric.name;
  std::string s = fmt::format("{} wins on validation {} ({:.4f}); its test {} is {:.4f}.", w.name, m, w.val.at(m), m,
                              w.test.at(m));
  const auto best_of = [&](auto pred) -> const Candidate* {
    for (const Candidate& c : ranked) {
      if (pred(c)) return &c;
    }
    return nullptr;
  };
  const Candidate* net = best_of([](const Candidate& c) { return c.kind == "network" || c.kind == "tuned" || c.kind == "ensemble"; });
  const Candidate* xgb = best_of([](const Candidate& c) { return c.kind == "xgboost"; });
  if (w.kind == "xgboost" && net) {
    s += fmt::format(" Gradient-boosted trees beat the best network ({}) by {:.4f} on validation and {:.4f} on test: on "
                     "this table, use the trees or the ensemble.",
                     net->name, std::abs(w.val.at(m) - net->val.at(m)), (ctx.metric.higher_is_better ? 1 : -1) * (w.test.at(m) - net->test.at(m)));
  } else if (xgb && w.kind != "xgboost") {
    s += fmt::format(" xgboost: validation {:.4f}, test {:.4f}.", xgb->val.at(m), xgb->test.at(m));
  }
  return s;
}

/// model/: the winner itself where `predict` can load it — a network, or
/// (tables) an ensemble directory of its networks and xgboost; otherwise
/// the best single network, and the stage says so.
void save_winner(Context& ctx, const std::vector<Entry>& entries, const std::string& winner) {
  namespace fs = std::filesystem;
  const std::string to = ctx.options.out_dir + "/model";
  const Entry* w = nullptr;
  for (const Entry& e : entries) {
    if (e.candidate.name == winner) w = &e;
  }
  std::optional<std::size_t> net = w ? w->network : std::nullopt;
  if (w && !net && ctx.encoded && (!w->members.empty() || w->with_xgboost)) {
    std::vector<std::string> dirs;
    for (std::size_t i : w->members) dirs.push_back(ctx.networks[i].run_dir + "/model");
    save_ensemble(to, dirs, w->with_xgboost ? ctx.xgb_model_path : "", ctx.encoded->transform, ctx.data.task,
                  ctx.data.class_names, w->weights);
    if (!w->members.empty()) ctx.result.final_config_yaml = to_yaml(ctx.networks[w->members.front()].config);
    return;
  }
  if (!net) {
    const std::vector<std::size_t> ranked = ranked_networks(ctx);
    if (ranked.empty()) return;
    net = ranked.front();
    ctx.stage().cut.push_back(fmt::format("model/ holds the best single network ({}): the winner ({}) cannot be saved "
                                          "as one model here",
                                          ctx.networks[*net].name, winner));
  }
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::copy(fs::path(ctx.networks[*net].run_dir) / "model", to, fs::copy_options::recursive);
  ctx.result.final_config_yaml = to_yaml(ctx.networks[*net].config);
}

}  // namespace

void run_squeeze_stage(Context& ctx) {
  StageReport& stage = ctx.begin_stage("squeeze", 1.0);
  const auto start = Clock::now();
  if (ctx.incumbent_run) {
    train_longer(ctx);
    train_seed_replicas(ctx);
  }

  std::vector<Entry> entries = collect_candidates(ctx);
  add_ensemble(ctx, entries);
  // Selection on validation only; the test split is scored here, once per
  // candidate, after every choice is made.
  for (Entry& e : entries) e.candidate.val = score(ctx, e.val, false);
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    return is_better(ctx.metric, a.candidate.val.at(ctx.metric.name), b.candidate.val.at(ctx.metric.name));
  });
  for (Entry& e : entries) e.candidate.test = score(ctx, e.test, true);
  std::vector<Candidate> ranked;
  for (const Entry& e : entries) ranked.push_back(e.candidate);
  ctx.result.candidates = ranked;
  ctx.result.winner = ranked.front().name;
  ctx.result.winner_sentence = winner_sentence(ctx, ranked);

  ctx.progress("squeeze", "error analysis");
  ctx.result.analysis = analyse_errors(ctx, entries.front().test);
  FindingSet checks;
  checks.add(evaluation_findings(ranked, ctx.metric.name, ctx.metric.higher_is_better, ctx.data.task != Task::Regression,
                                 ctx.result.analysis),
             ctx.base.checks.ignore);
  add_findings(ctx.result.findings, checks);
  save_winner(ctx, entries, ctx.result.winner);

  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stage.verdict = "pass";
  for (const Finding& f : ctx.result.findings.findings) {
    if (f.stage == "eval" && f.severity == Severity::Error) stage.verdict = "fail";
  }
  stage.summary = ctx.result.winner_sentence;
  ctx.log("squeeze: " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail
