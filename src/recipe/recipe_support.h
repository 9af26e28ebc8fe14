#pragma once
// What the stages of `nnrecipe run` share (src/recipe/): the budget, the
// data in its three forms (raw tables, encoded, tensors), the incumbent
// configuration and every network trained so far with its predictions.
// Internal to src/recipe.
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnrecipe/baselines.h"
#include "nnrecipe/config.h"
#include "nnrecipe/dataset.h"
#include "nnrecipe/ensemble_selection.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/prediction.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe::recipe_detail {

using Clock = std::chrono::steady_clock;

/// The run's time budget. Each stage gets a deadline at a fixed share of
/// the whole budget, cumulatively, so time a stage leaves unused passes to
/// the next, and an overrun (an epoch cannot be cut) is taken from them.
/// An interrupt (SIGINT/SIGTERM) spends what is left: every stage then
/// decides as it does when time runs out, and the run ends with the best of
/// what it trained.
class Budget {
 public:
  explicit Budget(double seconds) : start_(Clock::now()), total_(seconds) {}
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double total() const { return total_; }
  double left() const { return interrupt_requested() ? 0.0 : total_ - elapsed(); }
  /// True after SIGINT/SIGTERM: no more training of any size, not even the
  /// cheap fits a spent budget still allows.
  bool interrupted() const { return interrupt_requested(); }
  /// Sets the current stage's deadline to `cumulative_share` of the budget.
  void begin_stage(double cumulative_share) {
    stage_start_ = elapsed();
    stage_end_ = cumulative_share * total_;
  }
  double stage_left() const { return interrupt_requested() ? 0.0 : stage_end_ - elapsed(); }
  double stage_budget() const { return std::max(0.0, stage_end_ - stage_start_); }
  bool stage_over() const { return stage_left() <= 0; }

 private:
  Clock::time_point start_;
  double total_;
  double stage_start_ = 0, stage_end_ = 0;
};

/// Training rows scored for a run's training metric: enough for a metric
/// to 0.01 (binomial standard error < 0.005), without an extra epoch's worth
/// of forward passes on a large training split.
constexpr int64_t kTrainMetricRows = 10000;

/// A network trained by some stage, with its best weights' predictions on
/// validation and test (the test ones are only read by the squeeze stage).
struct NetworkRun {
  std::string name;  ///< "baseline network", "hidden [256, 256]", "tune trial 3"
  std::string stage;
  /// false for the learning curve's smaller training sets and the folds of
  /// a cross-fit (their validation rows are another split's)
  bool full_data = true;
  Config config;
  TrainOutcome outcome;
  Evaluation val, test;
  /// Best weights on (a sample of at most kTrainMetricRows of) the rows
  /// trained on: the learning curve's training metric.
  std::map<std::string, double> train_metrics;
  std::string run_dir;  ///< holds model/ (loadable by predict)
  double seconds = 0;
  bool cut_by_budget = false;
  double seconds_per_epoch() const;
  double val_score(const std::string& metric) const;
  /// The lowest training loss of any epoch (the overfit stage's measure).
  double best_train_loss() const;
};

/// A model cross-fitted on the training and validation rows together
/// (cross_fit.cpp): K models, each trained on K-1 folds and stopped early on
/// the fold it holds out.
struct CrossFit {
  std::string name;                             ///< "xgboost, 5-fold cross-fit"
  CandidateKind kind = CandidateKind::Network;  ///< xgboost, network or linear
  /// Validation rows' out-of-fold predictions (each from the fold model
  /// that never trained on the row), and the folds' mean on test.
  Predictions val, test;
  /// Out-of-fold predictions of every training and validation row (training
  /// rows first, as folds_of numbers them): what the cross-fit ensemble is
  /// selected on. Tables only.
  Predictions oof;
  std::vector<EnsembleMember> parts;      ///< the fold models, equal weights
  std::optional<std::size_t> config_run;  ///< a network run with its configuration
  double seconds = 0;
  std::string detail;
};

struct Context {
  const RecipeOptions& options;
  RecipeResult& result;
  Budget budget;
  Config base;  ///< the user's config after the inspect stage's drops
  bool images = false;
  std::optional<DatasetSplits> raw;      ///< tabular
  std::optional<EncodedSplits> encoded;  ///< tabular
  PreparedData data;
  SelectionMetric metric;
  Config incumbent;                          ///< the configuration the next stage starts from
  std::optional<std::size_t> incumbent_run;  ///< index into networks
  std::vector<NetworkRun> networks;
  /// Why model/ could not be written; rethrown once the run directory's
  /// other artefacts are (recipe.cpp).
  std::exception_ptr model_error;
  std::optional<std::size_t> baseline_run, tuned_run, linear_run;  ///< into networks
  std::optional<std::size_t> fm_run;  ///< the factorization machine (tables with id columns)
  /// Baselines' predictions (tabular).
  std::optional<Predictions> prior_val, prior_test, linear_val, linear_test, xgb_val, xgb_test;
  double xgb_seconds = 0, linear_seconds = 0;
  std::string xgb_detail, linear_detail;
  std::string xgb_model_path;
  std::vector<CrossFit> cross_fits;
  std::size_t run_counter = 0;

  Context(const RecipeOptions& o, RecipeResult& r, double budget_seconds)
      : options(o), result(r), budget(budget_seconds) {}
  void log(const std::string& line) const;
  void progress(const std::string& stage, const std::string& what) const;
  StageReport& stage() { return result.stages.back(); }
  /// Starts a stage: its report, and its deadline at `cumulative_share` of
  /// the budget.
  StageReport& begin_stage(const std::string& name, double cumulative_share);
};

/// How a stage trains one network: the config, a label, whether to run the
/// doctor, and the rows to train on (all when empty).
struct TrainRequest {
  TrainRequest(std::string name_, Config config_, bool checks_ = false)
      : name(std::move(name_)), config(std::move(config_)), checks(checks_) {}
  std::string name;
  Config config;
  bool checks = false;
  std::optional<TensorData> train_subset;
  /// Validate (early stopping, the run's val predictions) on these rows
  /// instead: cross-fitting's held-out fold.
  std::optional<TensorData> val_subset;
  /// Train on these instead of the run's data: another feature set (the
  /// feature-group ablation). Such a run is not a candidate of the squeeze.
  std::shared_ptr<const PreparedData> data;
  /// Continue the run in this directory from its checkpoint ("train longer").
  std::string resume_dir;
  /// When a check stops the run (checks on), apply the findings' fixes and
  /// retry once (the retry itself is not repaired again).
  bool may_repair = true;
  /// Cut at the stage's deadline (the default), or only when the whole
  /// run's budget is spent: a baseline that trains to its own early
  /// stopping, as xgboost does.
  bool stage_deadline = true;
};

/// Trains one network in its own run directory under OUT/stages/, cut at the
/// stage's deadline (after an epoch: the best weights so far are kept), and
/// records its loss curve in the current stage. Returns the run (also
/// appended to ctx.networks) or nullopt when training threw (the error is
/// logged and noted in the stage). The recipe owns its configurations: a
/// run a check stopped is repaired (the error findings' fixes applied,
/// retried once; StageReport::repairs says what happened) and the run
/// returned is the retry's, which may have been stopped again.
std::optional<std::size_t> train_candidate(Context& ctx, const TrainRequest& request);

/// Repairs a configuration of the recipe's own: every error finding's fix
/// (fix_set) applied; a loss that blew up (train.nan, train.diverging)
/// without one gets a tenth of the learning rate and gradients clipped at
/// norm 1. Appends the error ids to `ids`; returns the changes in words
/// ("train.lr: 5 -> 0.5 (train.diverging)"), empty when no error had a fix.
std::vector<std::string> apply_repairs(Config& config, const FindingSet& found, std::vector<std::string>& ids);

/// The ablation row of a trained change: its losses, validation metric,
/// delta against `before_val` (higher-is-better sign), epochs, seconds and a
/// note when the budget cut it; `kept` is the caller's decision.
AblationRow ablation_row(const Context& ctx, const std::string& change, const NetworkRun& run, double before_val);

/// Seconds a training of `config` is expected to take, from the runs so far
/// (seconds per epoch of the most similar run times the epochs it ran).
double expected_seconds(const Context& ctx, const Config& config);

/// The given rows of `data`, in that order.
TensorData take_tensor_rows(const TensorData& data, const std::vector<std::size_t>& rows);
/// `rows` rows of `data` drawn without replacement (a permutation seeded
/// by `seed`); all of them, shuffled, when `rows` >= its size.
TensorData subset_rows(const TensorData& data, int64_t rows, uint64_t seed);

/// The validation/test predictions of a network run as baselines.h's type.
Predictions predictions_of(const Context& ctx, const Evaluation& e);
/// Scores predictions on the validation or test split (tabular or images).
std::map<std::string, double> score(const Context& ctx, const Predictions& p, bool test);

/// Adds `from`'s findings and silenced ids to `into` (each id silenced once).
void add_findings(FindingSet& into, const FindingSet& from);

/// "[128, 128]"
std::string hidden_text(const std::vector<int64_t>& hidden);
/// "0.0003"
std::string number_text(double value);

// The stages, in order. Each appends its StageReport, fills its verdict and
// may update ctx.incumbent.
/// Refuses an output directory that is not empty (another run's artefacts
/// would mix with this one's), pointing at --resume when it holds an
/// interrupted run of the same config and data; with options.resume,
/// requires exactly that. InputError naming the directory.
void claim_run_directory(const RecipeOptions& options);
/// Writes out_dir/run.json: what the run was started on (claim_run_directory
/// compares it on --resume).
void record_run(const RecipeOptions& options);

void run_inspect_stage(Context& ctx);
void run_baseline_stage(Context& ctx);
void run_overfit_stage(Context& ctx);
void run_regularize_stage(Context& ctx);
void run_tune_stage(Context& ctx);
void run_squeeze_stage(Context& ctx);

/// Baseline stage, tabular regression with data.log_target unset: a
/// positive target with |skewness| > 1 is tried as log(y) with xgboost and
/// kept when validation RMSE improves (ctx.encoded and ctx.data re-encoded,
/// an ablation row in the stage); sets data.log_target either way
/// (target_choice.cpp).
void choose_log_target(Context& ctx);

/// Cross-fits xgboost, or a network of `config` (the incumbent, `run`), on
/// the training and validation rows (cross_fit.cpp). Appends to
/// ctx.cross_fits; nothing when the stage's budget would not cover it (the
/// stage says so).
void cross_fit_xgboost(Context& ctx);
/// `label` names it ("network, 5-fold cross-fit"); it may take up to
/// `stage_share` of what is left of the stage; a run already cross-fitted
/// is not cross-fitted again.
void cross_fit_network(Context& ctx, std::size_t run, const std::string& label, double stage_share = 2.0 / 3);

/// Greedy steps of ensemble selection (ensemble_selection.h; Caruana et al.
/// 2004 see most of the gain early).
constexpr int kSelectionSteps = 20;

/// A model ensemble selection picked `count` of `total` times: appends its
/// members, weighted by that share, to `parts`; returns "NAME xCOUNT".
std::string add_picked_members(const std::string& name, const std::vector<EnsembleMember>& members, int count,
                               int total, std::vector<EnsembleMember>& parts);

/// Ensemble selection over the cross-fits on their out-of-fold predictions
/// of all training and validation rows (cross_fit.cpp): its weights rest on
/// ten times the rows the validation split holds. Nothing with fewer than
/// two cross-fits.
std::optional<CrossFit> cross_fit_ensemble(const Context& ctx);

/// Every metric of out-of-fold predictions of the training and validation
/// rows (CrossFit::oof); empty without them.
std::map<std::string, double> oof_metrics(const Context& ctx, const Predictions& oof);

/// A cross-fit and the directly trained model of the same configuration,
/// scored on the validation rows (the handicap's evidence).
struct NamedProtocolPair {
  std::string name;  ///< the directly trained model's: "baseline network"
  ProtocolPair scores;
};
/// The cross-fits of `kind` ("network", "linear" or "xgboost") whose
/// configuration was also trained directly, with both validation scores
/// (cross_fit.cpp).
std::vector<NamedProtocolPair> protocol_pairs(const Context& ctx, CandidateKind kind);

/// The selection metric of predictions of some validation rows (tables):
/// `p` holds one row per entry of `rows`, positions into the validation
/// split, in that order (a position may repeat: bootstrap samples).
double val_score_on_rows(const Context& ctx, const Predictions& p, const std::vector<std::size_t>& rows);

/// Error analysis of the winner's test predictions (and label issues from
/// out-of-fold predictions on the training split).
ErrorAnalysis analyse_errors(Context& ctx, const Predictions& test_predictions);

/// Permutation importance of the saved model (OUT/model) on the test rows,
/// into ctx.result.analysis (importance.cpp); tables only.
void measure_importance(Context& ctx);

}  // namespace nnrecipe::recipe_detail
