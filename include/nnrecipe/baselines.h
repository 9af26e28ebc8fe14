#pragma once
/// @file
/// @brief The baselines every network is compared with: the prior and xgboost.
///
/// Baselines are fitted on the same splits and the same fitted transform as the
/// network: the prior (majority class / training mean) and xgboost (library
/// defaults, seeded, early stopping on the validation split). Baselines return
/// predictions, not metrics, so that the caller scores every model, network
/// included, with the same code.
///
/// @code
/// const nnrecipe::EncodedSplits splits = nnrecipe::encode_splits(config);  // prepared_data.h
/// const auto prior = nnrecipe::PriorBaseline::fit(splits.train, splits.transform);
/// const auto xgb = nnrecipe::XgboostBaseline::fit(splits.train, splits.val, splits.transform);
/// const nnrecipe::Predictions p = xgb.predict(splits.test);
/// const auto metrics = nnrecipe::classification_metrics(splits.test.labels, p.probs, p.classes);  // metrics.h
/// xgb.save("xgboost.json");  // XgboostBaseline::load(path, splits.transform) reads it back
/// @endcode
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nnrecipe/metrics.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// The prior: for classification, the training class shares as the
/// probabilities of every row (so the majority class is the prediction,
/// accuracy is the majority share, AUC is 0.5); for regression, the training
/// mean in original units.
class PriorBaseline {
 public:
  /// Throws std::invalid_argument when `train` is empty or `ft` has no target.
  static PriorBaseline fit(const EncodedData& train, const FittedTransform& ft);
  /// Uses only data.rows: the prior ignores the features.
  Predictions predict(const EncodedData& data) const;

  Task task() const { return task_; }
  const std::vector<double>& class_shares() const { return shares_; }  ///< classification
  double mean() const { return mean_; }                                ///< regression, original units

 private:
  Task task_ = Task::Regression;
  std::vector<double> shares_;
  double mean_ = 0.0;
};

struct XgboostOptions {
  uint64_t seed = 0;
  /// Upper bound on boosting rounds; early stopping usually ends sooner.
  int max_rounds = 1000;
  /// Stop when the validation metric has not improved for this many rounds;
  /// <= 0 (or an empty validation split) trains all max_rounds.
  int early_stopping_rounds = 50;
  /// 0 = nnrecipe::num_threads(). Same seed and threads -> same model.
  int threads = 0;
  /// "hist" is xgboost's default since 2.0; 1.7's "auto" means "exact" on
  /// in-memory data, an order of magnitude slower for the same accuracy.
  std::string tree_method = "hist";
  // Everything else is xgboost's default (eta 0.3, max_depth 6, ...).
};

/// Gradient-boosted trees through xgboost's C API. Features are the
/// transform's dense columns followed by the embedding ids as plain numeric
/// columns. Objectives: binary:logistic / multi:softprob / reg:squarederror
/// on the standardized target; validation metric logloss / mlogloss / rmse
/// (rmse in standardized units). Move-only; xgboost's console output is
/// silenced. C API failures throw std::runtime_error with xgboost's message.
/// Do not keep one in static storage: xgboost 1.7 frees a booster through
/// per-thread state that is already destroyed when static destructors run
/// (free() aborts at exit).
class XgboostBaseline {
 public:
  /// Boosts on `train`, evaluating on `val` after every round; the model
  /// keeps the rounds trained, predictions use those up to the best one.
  /// Throws std::invalid_argument on an empty train split, mismatched
  /// widths or a transform without target.
  static XgboostBaseline fit(const EncodedData& train, const EncodedData& val, const FittedTransform& ft,
                             const XgboostOptions& options = {});

  /// Predictions with the trees up to best_iteration(). Throws
  /// std::invalid_argument when the data's width differs from training.
  Predictions predict(const EncodedData& data) const;

  /// Writes the model as xgboost JSON (atomically), with the best iteration
  /// and nnrecipe's task as model attributes.
  void save(const std::string& path) const;
  /// Reads a model written by save(). `ft` must be the transform it was
  /// trained with (checked: task, classes, feature count; InputError if not).
  /// `threads`: 0 = nnrecipe::num_threads().
  static XgboostBaseline load(const std::string& path, const FittedTransform& ft, int threads = 0);

  int best_iteration() const { return best_iteration_; }  ///< 0-based round
  int rounds() const { return rounds_; }                  ///< rounds trained
  /// The validation metric after each round (empty without validation).
  const std::vector<double>& val_scores() const { return val_scores_; }
  const std::string& eval_metric() const { return eval_metric_; }

  XgboostBaseline(XgboostBaseline&&) noexcept;
  XgboostBaseline& operator=(XgboostBaseline&&) noexcept;
  ~XgboostBaseline();

 private:
  XgboostBaseline();
  struct BoosterFree {
    void operator()(void* booster) const;
  };
  std::unique_ptr<void, BoosterFree> booster_;  // xgboost BoosterHandle
  Task task_ = Task::Regression;
  std::size_t classes_ = 0;
  std::size_t features_ = 0;
  FittedTransform transform_;  // for inverse_target (regression)
  int best_iteration_ = 0;
  int rounds_ = 0;
  std::vector<double> val_scores_;
  std::string eval_metric_;
};

}  // namespace nnrecipe
