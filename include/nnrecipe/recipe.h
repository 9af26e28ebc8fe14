#pragma once
/// @file
/// @brief `nnrecipe run`: the whole recipe of docs/recipe.md, stage by stage, within a time budget.
///
/// Inspect, baseline, overfit, regularize, tune, squeeze, within a time budget,
/// every selection on the validation split, the test split scored once at the
/// end.
///
/// @code
/// nnrecipe::RecipeOptions options;
/// options.config.data.train = "examples/data/credit_data.csv";
/// options.config.data.target = "Status";
/// options.budget_minutes = 10;
/// options.out_dir = "runs/credit";
/// const nnrecipe::RecipeResult result = nnrecipe::run_recipe(options);
/// nnrecipe::write_recipe_artefacts(options, result);  // reports.h: summary.json, report.html, ...
/// std::cout << result.winner_sentence << "\n";
/// @endcode
///
/// The run directory:
/// @code{.unparsed}
///   report.html        self-contained (inline SVG, PNG data URIs, no script)
///   summary.json       {"winner","metric","candidates":[{"name","val","test"}],
///                       "stages":[{"name","verdict","seconds"}], ...}
///   findings.json      every finding of every stage
///   leaderboard.csv    candidate, kind, val and test metrics, seconds
///   model/             the winner, loadable by `nnrecipe predict`: a network,
///                      or for tables an ensemble directory (prediction.h)
///                      when the ensemble or xgboost wins; for images an
///                      ensemble winner leaves the best single network, and
///                      the squeeze stage says so
///   stages/            the run directories of the networks trained (each
///                      with request.yaml: the config it was asked to train)
///   run.json           what the run was started on (config, data sizes):
///                      `run --resume` continues only the same run
/// @endcode
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/analysis.h"
#include "nnrecipe/config.h"
#include "nnrecipe/findings.h"
#include "nnrecipe/inspect.h"

namespace nnrecipe {

struct RecipeOptions {
  Config config;               ///< data.train/test/target and the starting network
  std::string config_source;   ///< "credit.csv --target Status" or the config file
  double budget_minutes = 10;  ///< the whole run
  std::string out_dir;
  bool strict = false;  ///< an error finding in inspect (leakage) stops the run
  /// Continue the interrupted run in out_dir (`run --resume`): it must have
  /// been started on this config and data; networks whose run directory
  /// holds a checkpoint for the same config continue from it (a finished
  /// one is not trained again). Without it, out_dir must be new or empty.
  bool resume = false;
  /// The progress display: stage, trial and time left (one line, redrawn).
  std::function<void(const std::string& status)> on_progress;
  /// One line per finished step ("baseline: xgboost val auc 0.8312 (4.1s)").
  std::function<void(const std::string& line)> on_log;
};

/// A loss curve of one network trained in a stage.
struct TrainCurve {
  std::string label;                                     ///< "baseline network", "width x2", ...
  std::vector<double> train_loss, val_loss, val_metric;  ///< per epoch
  int64_t best_epoch = 0;
};

/// One row of an ablation table: one change to the incumbent configuration.
struct AblationRow {
  std::string change;                                            ///< "hidden [128,128] -> [256,256]"
  double train_loss = std::numeric_limits<double>::quiet_NaN();  ///< at the best epoch
  double val_metric = std::numeric_limits<double>::quiet_NaN();  ///< the selection metric
  double delta = 0;  ///< against the incumbent, higher-is-better sign (loss decrease for overfit)
  bool kept = false;
  int64_t epochs = 0;
  double seconds = 0;
  std::string note;  ///< "cut by the budget", "diverged", ...
};

/// A network of the recipe's own that a check stopped, and what the recipe
/// did about it: the finding's fix applied to its config and one retry.
struct Repair {
  std::string network;                ///< "baseline network"
  std::vector<std::string> findings;  ///< the ids that stopped it
  std::vector<std::string> changes;   ///< "train.lr: 0.0003 -> 3e-05"
  std::string outcome;                ///< "retried: trained, val auc 0.8231" or why not
};

/// A stage's outcome: passed, passed with something to look at, failed,
/// or not run.
enum class Verdict { Pass, Warn, Fail, Skipped };
/// "pass", "warn", "fail", "skipped" (summary.json, the report's badges).
const char* to_string(Verdict verdict);

/// What a leaderboard candidate (or a cross-fit) is.
enum class CandidateKind { Dumb, Linear, Xgboost, Network, Tuned, Ensemble };
/// "dumb", "linear", "xgboost", "network", "tuned", "ensemble".
const char* to_string(CandidateKind kind);
/// A network of the recipe's own (network, tuned or an ensemble of them).
bool is_network_kind(CandidateKind kind);

struct StageReport {
  std::string name;  ///< inspect | baseline | overfit | regularize | tune | squeeze
  Verdict verdict = Verdict::Pass;
  std::string summary;  ///< one sentence with the numbers
  double seconds = 0;
  double budget_seconds = 0;     ///< its share of the budget
  std::vector<std::string> cut;  ///< what the budget left out, in words
  std::vector<TrainCurve> curves;
  std::vector<AblationRow> ablation;
  std::vector<Repair> repairs = {};
};

/// A model on the final leaderboard.
struct Candidate {
  std::string name;  ///< "majority", "linear", "xgboost", "network", "tuned", "ensemble", ...
  CandidateKind kind = CandidateKind::Network;
  std::map<std::string, double> val, test;
  double seconds = 0;
  std::string detail;
  /// Cross-fits: on the out-of-fold predictions of every training and
  /// validation row; empty for the others.
  std::map<std::string, double> oof = {};
};

/// A row worth looking at, from the test split.
struct ShownRow {
  std::size_t row = 0;                                     ///< 0-based within the test split
  std::string given, predicted;                            ///< class names, or numbers for regression
  double loss = 0;                                         ///< log loss / squared error
  double confidence = 0;                                   ///< probability of the predicted class (classification)
  std::vector<std::pair<std::string, std::string>> cells;  ///< tabular: the raw feature values
  std::string image_png;                                   ///< images: a PNG data URI
};

/// How much the winner leans on one feature column: the test metric it
/// loses when the column's cells are shuffled across the rows (permutation
/// importance, Breiman 2001, as scikit-learn's permutation_importance
/// measures it), in the metric's better-is-positive direction.
struct FeatureImportance {
  std::string column;
  double drop = 0;    ///< mean over the repeats
  double spread = 0;  ///< standard deviation over the repeats
};

struct ErrorAnalysis {
  std::string split = "test";
  std::vector<std::string> class_names;         ///< classification
  std::vector<std::vector<int64_t>> confusion;  ///< [true][predicted]
  std::vector<ClassMetrics> per_class;
  Calibration calibration;  ///< classification
  std::vector<ShownRow> top_losses;
  LossConcentration concentration;           ///< of the per-row losses behind top_losses
  std::vector<ShownRow> confident_mistakes;  ///< classification
  std::vector<Slice> worst_slices;           ///< tabular
  /// From out-of-fold predictions on the training split: rows shown are
  /// training rows (0-based within it).
  std::vector<ShownRow> label_issues;
  std::size_t label_issue_count = 0;  ///< confident-learning candidates
  std::size_t label_issue_rows = 0;   ///< rows the out-of-fold predictions covered
  /// Candidates whose suggested class has an out-of-fold probability of at
  /// least 0.9: the model disputes the label at 9 to 1 or more.
  std::size_t confident_disputes = 0;
  /// Of the saved model (model/), largest first; tabular data.
  std::vector<FeatureImportance> importance;
  std::size_t importance_rows = 0;     ///< test rows the importance was measured on
  std::size_t importance_repeats = 0;  ///< shuffles per column
  std::string importance_note;         ///< what was left out, e.g. "12 of 40 columns (time cap)"
};

struct RecipeResult {
  std::string task;    ///< binary | multiclass | regression
  std::string metric;  ///< the selection metric (trainer's names)
  bool higher_is_better = true;
  std::string winner;                 ///< a candidate name
  std::string winner_sentence;        ///< e.g. "xgboost wins: test auc 0.8412, 0.0061 above the best network"
  std::vector<Candidate> candidates;  ///< ranked by validation, best first
  std::vector<StageReport> stages;
  FindingSet findings;
  Inspection inspection;  ///< tabular data
  bool image_data = false;
  ImageInspection image_inspection;  ///< image data
  std::size_t train_rows = 0, val_rows = 0, test_rows = 0;
  std::vector<std::string> dropped_columns;  ///< by the inspect stage, with why in the findings
  LrRangeResult lr_range;
  std::vector<LearningCurvePoint> learning_curve;
  LearningCurveVerdict learning_curve_verdict;
  ErrorAnalysis analysis;
  std::string final_config_yaml;  ///< the winning network's config
  double budget_seconds = 0;
  double seconds = 0;
  bool stopped = false;     ///< --strict stopped it after inspect
  std::string stop_reason;  ///< why, in words, when stopped
  /// "SIGINT during the overfit stage" when an interrupt ended the run
  /// early (its winner is the best of what was trained); "" otherwise.
  std::string interrupted;
  /// Why the winner's model/ could not be written (no space for the copy):
  /// write_recipe_artefacts (reports.h) rethrows it after writing the rest,
  /// so that the report of a finished run is not lost to its model's copy.
  std::exception_ptr model_error;
};

/// Runs the recipe: the stages' run directories and the winner's model/;
/// the run's summary, leaderboard and report are written from the result
/// by write_recipe_artefacts (reports.h). Throws InputError on bad
/// input (file, target), like the other commands.
RecipeResult run_recipe(const RecipeOptions& options);
/// The config an interrupted run in `dir` was started with (its run.json),
/// for `run --resume DIR` without an input. InputError naming the file.
Config resumable_run_config(const std::string& dir);

/// The evaluation checks on a leaderboard ranked by validation and the
/// winner's error analysis: eval.no_better_than_dumb (the best network vs
/// the dumb baseline), eval.behind_gbdt (vs xgboost), eval.calibration (the
/// winner's ECE), analyze.label_issues. Candidates are found by kind.
std::vector<Finding> evaluation_findings(const std::vector<Candidate>& ranked, const std::string& metric,
                                         bool higher_is_better, bool classification, const ErrorAnalysis& analysis);

}  // namespace nnrecipe
