// Stage 6, squeeze (docs/recipe.md): cross-fit xgboost, the linear
// model and the baseline network on the training and validation rows
// (cross_fit.cpp), train the incumbent longer (on, when the budget cut it;
// again, under a cosine decay), cross-fit it, train it from other seeds,
// build an ensemble from the best networks, the linear model, xgboost and
// the cross-fits by ensemble selection on validation, and one from the
// cross-fits on their out-of-fold predictions of every labelled row; pick
// the winner on validation (the cross-fit ensemble unless the leader beats
// it beyond one standard error), then score every candidate once on the
// untouched test split, name the winner honestly, and analyse its errors.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "nnrecipe/ensemble_selection.h"
#include "nnrecipe/file_io.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// Networks in the ensemble selection's library (the best by validation,
/// distinct runs, trained on all rows).
constexpr std::size_t kLibraryNetworks = 8;
/// Copies of the incumbent trained from other seeds for the ensemble:
/// averaging seeds removes the variance of one initialization (Lakshminarayanan
/// et al. 2017 use 5 members).
constexpr std::size_t kSeedReplicas = 4;
/// The shortest annealed run worth training: a cosine decay over fewer
/// epochs is mostly its tail.
constexpr int64_t kMinAnnealedEpochs = 5;

/// A model the squeeze stage scores: a candidate of the leaderboard, a
/// model of the ensemble selection's library, or both.
struct Entry {
  Candidate candidate;
  Predictions val, test;
  /// What model/ holds if it wins (network model directories and xgboost
  /// files with weights); empty when it cannot be saved (the prior).
  std::vector<EnsembleMember> parts;
  std::optional<std::size_t> config_run;  ///< a network run whose configuration it is
};

/// Continue the incumbent when the budget cut it. When the annealed run
/// from scratch (train_annealed) cannot fit after it, as when an epoch costs
/// minutes (a CNN on CPU), the continued run is annealed itself: a cosine
/// decay over the epochs that fit, so the model ends at a small learning
/// rate instead of mid-plateau at the constant one (annealing to a small
/// rate is what SGDR and the one-cycle policy gain their last points from:
/// Loshchilov & Hutter 2017, Smith 2018).
void train_longer(Context& ctx) {
  NetworkRun& run = ctx.networks[*ctx.incumbent_run];
  if (!run.cut_by_budget) return;
  const double per_epoch = std::max(run.seconds_per_epoch(), 1e-3);
  // Keep a third of the stage for the ensemble and the error analysis.
  if (per_epoch * 2 > ctx.budget.stage_left() * 2 / 3) {
    ctx.stage().cut.push_back("training the incumbent longer: no budget left for it");
    return;
  }
  TrainRequest request(run.name + " (trained longer)", run.config);
  request.resume_dir = run.run_dir;
  const std::size_t old_epochs = run.outcome.history.size();
  // The fewest epochs train_annealed would run from scratch.
  const int64_t scratch_epochs = std::max<int64_t>(run.outcome.best_epoch, kMinAnnealedEpochs);
  // The fewest the continuation runs at the constant rate: early stopping
  // waits `patience` epochs past the best one, so counting fewer would let
  // a slow continuation take the time the annealed run needs.
  const int64_t continued_epochs =
      fewest_resumed_epochs(run.config.train, static_cast<int64_t>(old_epochs), run.outcome.best_epoch);
  if (run.config.train.schedule != "cosine" &&
      per_epoch * static_cast<double>(continued_epochs + scratch_epochs) > ctx.budget.stage_left() * 2 / 3) {
    // Nearly all of the stage: the other models it would train do not fit
    // either; the ensemble and the error analysis take seconds.
    const auto more = static_cast<int64_t>(ctx.budget.stage_left() * 0.9 / per_epoch);
    request.name = fmt::format("{} (trained {} epochs longer, cosine decay)", run.name, more);
    request.config.train.schedule = "cosine";
    request.config.train.epochs = static_cast<int64_t>(old_epochs) + more;
    request.config.train.early_stopping.patience = 0;
  }
  const bool annealed = request.config.train.schedule != run.config.train.schedule;
  const double old_score = run.val_score(ctx.metric.name);
  // `run` dangles after this: train_candidate appends to ctx.networks.
  const auto index = train_candidate(ctx, request);
  if (!index) return;
  NetworkRun& longer = ctx.networks[*index];
  longer.seconds += ctx.networks[*ctx.incumbent_run].seconds;
  ctx.stage().ablation.push_back(
      {fmt::format("train longer: {} -> {} epochs{}", old_epochs, longer.outcome.history.size(),
                   annealed ? ", cosine decay" : ""),
       longer.best_train_loss(), longer.val_score(ctx.metric.name),
       (ctx.metric.higher_is_better ? 1.0 : -1.0) * (longer.val_score(ctx.metric.name) - old_score), true,
       static_cast<int64_t>(longer.outcome.history.size()), longer.seconds,
       longer.cut_by_budget ? "cut by the budget again" : ""});
  ctx.incumbent_run = index;
}

/// Train longer with the learning rate annealed: the incumbent's
/// configuration from scratch under a cosine decay to zero (the Tuning
/// Playbook's default schedule; the earlier stages kept it constant, as the
/// recipe's baseline says), for twice the epochs the incumbent took to its
/// best, or what fits in two thirds of the stage. Its length is chosen up
/// front, so early stopping's patience is off; the best epoch is kept.
void train_annealed(Context& ctx) {
  const NetworkRun& incumbent = ctx.networks[*ctx.incumbent_run];
  if (incumbent.config.train.schedule == "cosine") return;
  const double per_epoch = std::max(incumbent.seconds_per_epoch(), 1e-3);
  const int64_t fit = static_cast<int64_t>(ctx.budget.stage_left() * 2 / 3 / per_epoch);
  const int64_t wanted = std::max<int64_t>(2 * incumbent.outcome.best_epoch, kMinAnnealedEpochs);
  const int64_t epochs = std::min(fit, wanted);
  // At least as many epochs as the incumbent needed to its best.
  if (epochs < std::max<int64_t>(incumbent.outcome.best_epoch, kMinAnnealedEpochs)) {
    ctx.stage().cut.push_back(fmt::format("annealed training: {} epochs would not fit (about {} did)", wanted, fit));
    return;
  }
  Config c = incumbent.config;
  c.train.schedule = "cosine";
  c.train.epochs = epochs;
  c.train.early_stopping.patience = 0;
  const std::string what = fmt::format("cosine learning-rate decay over {} epochs", epochs);
  const double before = incumbent.val_score(ctx.metric.name);
  const auto index = train_candidate(ctx, {"incumbent, " + what, c, false});
  if (!index) return;
  AblationRow row = ablation_row(ctx, what, ctx.networks[*index], before);
  row.kept = is_better(ctx.metric, row.val_metric, before);
  ctx.stage().ablation.push_back(row);
  if (row.kept) ctx.incumbent_run = index;
}

void train_seed_replicas(Context& ctx) {
  const Config incumbent = ctx.networks[*ctx.incumbent_run].config;
  for (std::size_t k = 1; k <= kSeedReplicas; ++k) {
    Config c = incumbent;
    c.train.seed = incumbent.train.seed.value_or(0) + static_cast<int64_t>(k);
    // A third of the stage stays for the ensemble and the error analysis.
    if (expected_seconds(ctx, c) > ctx.budget.stage_left() * 2 / 3) {
      ctx.stage().cut.push_back(
          fmt::format("seed replicas of the incumbent: {} of {} trained (budget)", k - 1, kSeedReplicas));
      return;
    }
    train_candidate(ctx, {fmt::format("incumbent, seed {}", *c.train.seed), c, false});
  }
}

Entry network_entry(const Context& ctx, std::size_t index, const std::string& name, CandidateKind kind) {
  const NetworkRun& run = ctx.networks[index];
  return {{name,
           kind,
           {},
           {},
           run.seconds,
           fmt::format("{}{} {}{}, lr {}, best epoch {} of {}", run.config.model.type,
                       run.config.model.type == "tabm" ? fmt::format(" k={}", run.config.model.ensemble_size) : "",
                       hidden_text(run.config.model.hidden),
                       run.config.model.numeric_embedding == "none"
                           ? std::string()
                           : fmt::format(", {} embeddings", run.config.model.numeric_embedding),
                       number_text(run.config.train.lr), run.outcome.best_epoch, run.outcome.history.size())},
          predictions_of(ctx, run.val),
          predictions_of(ctx, run.test),
          {{run.run_dir + "/model"}},
          index};
}

Entry cross_fit_entry(const CrossFit& fit) {
  return {{fit.name, fit.kind, {}, {}, fit.seconds, fit.detail}, fit.val, fit.test, fit.parts, fit.config_run};
}

/// A leaderboard row also reports its out-of-fold scores (the ensemble
/// library's copy needs none: scoring them there would be done twice).
Entry scored_cross_fit_entry(const Context& ctx, const CrossFit& fit) {
  Entry entry = cross_fit_entry(fit);
  entry.candidate.oof = oof_metrics(ctx, fit.oof);
  return entry;
}

std::vector<Entry> collect_candidates(Context& ctx) {
  std::vector<Entry> out;
  const bool regression = ctx.data.task == Task::Regression;
  if (ctx.prior_val) {
    out.push_back({{regression ? "mean" : "majority", CandidateKind::Dumb, {}, {}, 0, "predicts the training prior"},
                   *ctx.prior_val,
                   *ctx.prior_test,
                   {},
                   std::nullopt});
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
    out.push_back({{"majority", CandidateKind::Dumb, {}, {}, 0, "predicts the training class shares"},
                   val,
                   test,
                   {},
                   std::nullopt});
  }
  if (ctx.linear_val && ctx.linear_run) {
    Entry linear = network_entry(ctx, *ctx.linear_run, "linear", CandidateKind::Linear);
    linear.candidate.seconds = ctx.linear_seconds;
    linear.candidate.detail = ctx.linear_detail;
    out.push_back(std::move(linear));
  }
  if (ctx.xgb_val) {
    out.push_back({{"xgboost", CandidateKind::Xgboost, {}, {}, ctx.xgb_seconds, ctx.xgb_detail},
                   *ctx.xgb_val,
                   *ctx.xgb_test,
                   {{ctx.xgb_model_path, true}},
                   std::nullopt});
  }
  if (ctx.fm_run) {
    out.push_back(network_entry(ctx, *ctx.fm_run, "factorization machine", CandidateKind::Network));
  }
  if (ctx.baseline_run) out.push_back(network_entry(ctx, *ctx.baseline_run, "network", CandidateKind::Network));
  if (ctx.incumbent_run && ctx.incumbent_run != ctx.baseline_run && ctx.incumbent_run != ctx.tuned_run) {
    out.push_back(network_entry(ctx, *ctx.incumbent_run, "recipe network", CandidateKind::Network));
  }
  if (ctx.tuned_run) out.push_back(network_entry(ctx, *ctx.tuned_run, "tuned", CandidateKind::Tuned));
  for (const CrossFit& fit : ctx.cross_fits) out.push_back(scored_cross_fit_entry(ctx, fit));
  if (const auto ensemble = cross_fit_ensemble(ctx)) out.push_back(scored_cross_fit_entry(ctx, *ensemble));
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
    return is_better(ctx.metric, ctx.networks[a].val_score(ctx.metric.name),
                     ctx.networks[b].val_score(ctx.metric.name));
  });
  return idx;
}

/// The library ensemble selection draws from: the best networks (distinct
/// runs, trained on all rows), the linear model, xgboost and the
/// cross-fits.
std::vector<Entry> ensemble_library(const Context& ctx) {
  std::vector<Entry> library;
  std::set<std::string> seen_dirs;
  for (std::size_t i : ranked_networks(ctx)) {
    if (library.size() == kLibraryNetworks) break;
    // A run trained longer shares its directory with the run it continued.
    if (!seen_dirs.insert(ctx.networks[i].run_dir).second) continue;
    library.push_back(network_entry(ctx, i, ctx.networks[i].name, CandidateKind::Network));
  }
  if (ctx.linear_val && ctx.linear_run)
    library.push_back(network_entry(ctx, *ctx.linear_run, "linear", CandidateKind::Linear));
  if (ctx.xgb_val) {
    library.push_back({{"xgboost", CandidateKind::Xgboost, {}, {}, 0, ""},
                       *ctx.xgb_val,
                       *ctx.xgb_test,
                       {{ctx.xgb_model_path, true}},
                       std::nullopt});
  }
  for (const CrossFit& fit : ctx.cross_fits) library.push_back(cross_fit_entry(fit));
  return library;
}

/// Scores predictions of some validation rows (ensemble_selection.h).
RowsScore rows_score(const Context& ctx) {
  return [&ctx](const Predictions& p, const std::vector<std::size_t>& rows) { return val_score_on_rows(ctx, p, rows); };
}

/// Appends the ensemble selected on validation; returns its validation score
/// with its own selection held out (tables): its plain one is the maximum
/// the selection searched for.
std::optional<double> add_ensemble(Context& ctx, std::vector<Entry>& entries) {
  const std::vector<Entry> library = ensemble_library(ctx);
  if (library.size() < 2) {
    ctx.stage().cut.push_back("ensemble: fewer than two models to choose from");
    return std::nullopt;
  }
  std::vector<const Predictions*> val_parts, test_parts;
  for (const Entry& m : library) {
    val_parts.push_back(&m.val);
    test_parts.push_back(&m.test);
  }
  const std::vector<int> counts = select_ensemble(
      val_parts, ctx.metric, [&](const Predictions& p) { return score(ctx, p, false).at(ctx.metric.name); },
      kSelectionSteps);
  int total = 0;
  for (int c : counts) total += c;
  Entry ensemble{{"ensemble", CandidateKind::Ensemble, {}, {}, 0, ""},
                 weighted_mean(val_parts, counts),
                 weighted_mean(test_parts, counts),
                 {},
                 std::nullopt};
  std::vector<std::string> picks;
  for (std::size_t m = 0; m < library.size(); ++m) {
    if (counts[m] == 0) continue;
    picks.push_back(add_picked_members(library[m].candidate.name, library[m].parts, counts[m], total, ensemble.parts));
    if (!ensemble.config_run) ensemble.config_run = library[m].config_run;
  }
  ensemble.candidate.detail =
      fmt::format("ensemble selection from {} models, {} picks: {}", library.size(), total, fmt::join(picks, "; "));
  std::optional<double> held_out;
  if (ctx.encoded) {
    held_out = held_out_selection_score(val_parts, ctx.metric, rows_score(ctx), kSelectionSteps,
                                        static_cast<uint64_t>(ctx.base.train.seed.value_or(0)) + 23);
    ensemble.candidate.detail +=
        fmt::format("; validation {} with the selection held out (two halves): {:.4f}", ctx.metric.name, *held_out);
  }
  entries.push_back(std::move(ensemble));
  return held_out;
}

/// The cross-fits that measure a directly trained leader's handicap: those
/// of its own kind of model (a validation ensemble or a tuned network:
/// networks). None for a cross-fit leader: it has none.
std::optional<CandidateKind> handicap_kind(const Candidate& leader) {
  if (leader.name.find("cross-fit") != std::string::npos) return std::nullopt;
  if (is_network_kind(leader.kind)) return CandidateKind::Network;
  if (leader.kind == CandidateKind::Xgboost || leader.kind == CandidateKind::Linear) return leader.kind;
  return std::nullopt;
}

/// " (-368 net of the 2423 ...: baseline network 18054 -> 20477)", or "".
std::string handicap_clause(const std::vector<NamedProtocolPair>& pairs, double lead, double handicap) {
  if (pairs.empty()) return "";
  std::vector<std::string> shown;
  for (const NamedProtocolPair& p : pairs) {
    shown.push_back(fmt::format("{} {:.4f} -> {:.4f}", p.name, p.scores.direct, p.scores.cross_fit));
  }
  return fmt::format(
      " ({:+.4f} net of the {:.4f} by which the same configurations score {} on validation trained "
      "directly than cross-fit: {})",
      lead - handicap, std::abs(handicap), handicap >= 0 ? "better" : "worse", fmt::join(shown, "; "));
}

/// The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani &
/// Friedman, ESL 7.10) between the validation leader and the cross-fit
/// ensemble: the leader was picked on the validation split, among many
/// candidates (a search's trials, an ensemble fitted to it), so its lead
/// there is partly luck; the cross-fit ensemble's weights rest on every
/// labelled row. It wins unless the leader's lead, with a validation
/// ensemble's own selection held out and net of the handicap
/// (cross_fit_handicap: what the same configurations gain on validation
/// from being trained directly rather than cross-fit), exceeds one
/// bootstrap standard error of the validation split: a validation
/// ensemble's lead smaller than the handicap is the advantage of models
/// trained on the rows they are scored on, not skill.
/// `ensemble_held_out`: add_ensemble's. Returns the sentence that says
/// so, or "".
std::string prefer_cross_fit_ensemble(const Context& ctx, std::vector<Entry>& entries,
                                      std::optional<double> ensemble_held_out) {
  const auto cross = std::find_if(entries.begin(), entries.end(),
                                  [](const Entry& e) { return e.candidate.name == "cross-fit ensemble"; });
  if (cross == entries.end() || cross == entries.begin() || !ctx.encoded) return "";
  const Entry& leader = entries.front();
  const std::string& m = ctx.metric.name;
  const std::optional<double> held_out = leader.candidate.name == "ensemble" ? ensemble_held_out : std::nullopt;
  Lead lead = validation_lead(leader.val, held_out, cross->val, ctx.metric, rows_score(ctx),
                              static_cast<uint64_t>(ctx.base.train.seed.value_or(0)) + 29);
  const std::optional<CandidateKind> kind = handicap_kind(leader.candidate);
  const std::vector<NamedProtocolPair> pairs = kind ? protocol_pairs(ctx, *kind) : std::vector<NamedProtocolPair>{};
  std::vector<ProtocolPair> scores;
  for (const NamedProtocolPair& p : pairs) scores.push_back(p.scores);
  lead.handicap = cross_fit_handicap(scores, ctx.metric).value_or(0.0);
  if (lead.beyond_one_standard_error()) return "";
  const std::string sentence = fmt::format(
      " It is chosen over {} (validation {} {:.4f}{}) by the one-standard-error rule: that lead, {:+.4f}{}, is not "
      "beyond one bootstrap standard error ({:.4f}) of the validation split, and the cross-fit ensemble's weights rest "
      "on all {} labelled rows.",
      leader.candidate.name, m, leader.candidate.val.at(m),
      held_out ? fmt::format(", {:.4f} with its selection held out", *held_out) : "", lead.lead,
      handicap_clause(pairs, lead.lead, lead.handicap), lead.standard_error,
      ctx.encoded->train.rows + ctx.encoded->val.rows);
  std::rotate(entries.begin(), cross, cross + 1);
  return sentence;
}

/// `rule`: prefer_cross_fit_ensemble's sentence, when it chose the winner.
std::string winner_sentence(const Context& ctx, const std::vector<Candidate>& ranked, const std::string& rule) {
  const Candidate& w = ranked.front();
  const std::string& m = ctx.metric.name;
  std::string s = fmt::format("{} wins {}validation {} ({:.4f}); its test {} is {:.4f}.{}", w.name,
                              rule.empty() ? "on " : "with ", m, w.val.at(m), m, w.test.at(m), rule);
  const auto best_of = [&](auto pred) -> const Candidate* {
    for (const Candidate& c : ranked) {
      if (pred(c)) return &c;
    }
    return nullptr;
  };
  const Candidate* net = best_of([](const Candidate& c) { return is_network_kind(c.kind); });
  const Candidate* xgb = best_of([](const Candidate& c) { return c.kind == CandidateKind::Xgboost; });
  if (w.kind == CandidateKind::Xgboost && net) {
    s += fmt::format(
        " Gradient-boosted trees beat the best network ({}) by {:.4f} on validation and {:.4f} on test: on "
        "this table, use the trees or the ensemble.",
        net->name, std::abs(w.val.at(m) - net->val.at(m)),
        (ctx.metric.higher_is_better ? 1 : -1) * (w.test.at(m) - net->test.at(m)));
  } else if (xgb && w.kind != CandidateKind::Xgboost) {
    s += fmt::format(" xgboost: validation {:.4f}, test {:.4f}.", xgb->val.at(m), xgb->test.at(m));
  }
  return s;
}

/// The sentence that says a regression winner's test RMSE rests on a few
/// rows, or "". With normal errors the worst 12% of rows hold half of
/// the squared error (|z| > 1.53); at 1% or fewer the error is heavy-tailed
/// enough that a handful of rows, not the model's typical error, decide
/// the leaderboard.
std::string concentration_sentence(const Context& ctx, const LossConcentration& c) {
  if (ctx.data.task != Task::Regression || c.rows == 0 || c.half_rows * 100 > c.rows) return "";
  return fmt::format(
      " Half of its test squared error ({:.0f}%) sits in {} of {} rows (the top losses); its test rmse "
      "without them is {:.4f}.",
      100 * c.share, c.half_rows, c.rows, std::sqrt(c.rest_mean));
}

/// model/: the winner itself where `predict` can load it: a network, or
/// (tables) an ensemble directory of its networks and xgboost models;
/// otherwise the best single network, and the stage says so.
void save_winner_model(Context& ctx, const std::vector<Entry>& entries, const std::string& winner) {
  namespace fs = std::filesystem;
  const std::string to = ctx.options.out_dir + "/model";
  const Entry* w = nullptr;
  for (const Entry& e : entries) {
    if (e.candidate.name == winner) w = &e;
  }
  if (w && w->parts.size() == 1 && !w->parts.front().xgboost) {
    copy_directory_atomic(w->parts.front().path, to);
  } else if (w && !w->parts.empty() && ctx.encoded) {
    save_ensemble(to, w->parts, ctx.encoded->transform, ctx.data.task, ctx.data.class_names);
  } else {
    const std::vector<std::size_t> ranked = ranked_networks(ctx);
    if (ranked.empty()) return;
    const std::size_t net = ranked.front();
    ctx.stage().cut.push_back(
        fmt::format("model/ holds the best single network ({}): the winner ({}) cannot be saved "
                    "as one model here",
                    ctx.networks[net].name, winner));
    copy_directory_atomic((fs::path(ctx.networks[net].run_dir) / "model").string(), to);
    ctx.result.final_config_yaml = to_yaml(ctx.networks[net].config);
    return;
  }
  if (w->config_run) ctx.result.final_config_yaml = to_yaml(ctx.networks[*w->config_run].config);
}

/// save_winner_model, but a failure (no space for the copy) is kept for
/// after the run directory's other artefacts are written: the report of a
/// finished run is not lost to its model's copy.
void save_winner(Context& ctx, const std::vector<Entry>& entries, const std::string& winner) {
  try {
    save_winner_model(ctx, entries, winner);
  } catch (const std::exception& e) {
    ctx.stage().cut.push_back(std::string("model/ was not written: ") + e.what());
    ctx.model_error = std::current_exception();
  }
}

}  // namespace

void run_squeeze_stage(Context& ctx) {
  StageReport& stage = ctx.begin_stage("squeeze", 1.0);
  const auto start = Clock::now();
  // The xgboost and linear cross-fits first: they cost seconds where a
  // network costs minutes.
  cross_fit_xgboost(ctx);
  if (ctx.linear_run) cross_fit_network(ctx, *ctx.linear_run, "linear");
  // The baseline network (the default small MLP) costs seconds on a small
  // table, where the incumbent may cost minutes: the cross-fit ensemble has
  // a network either way. A quarter of the stage at most: on a larger table
  // its K fold models would otherwise take the time of the incumbent's seed
  // replicas, which pay more.
  if (ctx.baseline_run) cross_fit_network(ctx, *ctx.baseline_run, "baseline network", 0.25);
  if (ctx.incumbent_run) {
    train_longer(ctx);
    train_annealed(ctx);
    cross_fit_network(ctx, *ctx.incumbent_run, "network");
    train_seed_replicas(ctx);
  }

  std::vector<Entry> entries = collect_candidates(ctx);
  const std::optional<double> ensemble_held_out = add_ensemble(ctx, entries);
  // Selection on validation only; the test split is scored here, once per
  // candidate, after every choice is made.
  for (Entry& e : entries) e.candidate.val = score(ctx, e.val, false);
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    return is_better(ctx.metric, a.candidate.val.at(ctx.metric.name), b.candidate.val.at(ctx.metric.name));
  });
  const std::string rule = prefer_cross_fit_ensemble(ctx, entries, ensemble_held_out);
  for (Entry& e : entries) e.candidate.test = score(ctx, e.test, true);
  std::vector<Candidate> ranked;
  for (const Entry& e : entries) ranked.push_back(e.candidate);
  ctx.result.candidates = ranked;
  ctx.result.winner = ranked.front().name;
  ctx.result.winner_sentence = winner_sentence(ctx, ranked, rule);

  ctx.progress("squeeze", "error analysis");
  ctx.result.analysis = analyse_errors(ctx, entries.front().test);
  ctx.result.winner_sentence += concentration_sentence(ctx, ctx.result.analysis.concentration);
  FindingSet checks;
  checks.add(evaluation_findings(ranked, ctx.metric.name, ctx.metric.higher_is_better,
                                 ctx.data.task != Task::Regression, ctx.result.analysis),
             ctx.base.checks.ignore);
  add_findings(ctx.result.findings, checks);
  save_winner(ctx, entries, ctx.result.winner);
  measure_importance(ctx);

  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stage.verdict = Verdict::Pass;
  for (const Finding& f : ctx.result.findings.findings) {
    if (f.stage == "eval" && f.severity == Severity::Error) stage.verdict = Verdict::Fail;
  }
  stage.summary = ctx.result.winner_sentence;
  ctx.log("squeeze: " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail
