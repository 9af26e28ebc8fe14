#pragma once
/// @file
/// @brief Evaluation metrics on plain vectors, as scikit-learn defines them, and model selection by metric.
///
/// Torch-free (plain vectors) so that the network trainer and the xgboost
/// baseline report the same numbers. Definitions follow scikit-learn; where a
/// metric is undefined on the given data (one class absent, constant target) it
/// is NaN, never a made-up finite value. JSON names: accuracy,
/// balanced_accuracy, log_loss, auc, pr_auc, macro_f1, rmse, mae, r2.
///
/// @code
/// const std::vector<int64_t> y = {0, 1, 1, 0};
/// const std::vector<double> probs = {0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.9, 0.1};  // 4 rows x 2 classes
/// std::map<std::string, double> m = nnrecipe::classification_metrics(y, probs, 2);  // m["auc"], m["log_loss"], ...
/// const nnrecipe::SelectionMetric auc = nnrecipe::selection_metric("auc");
/// if (nnrecipe::is_better(auc, m["auc"], best_auc)) best_auc = m["auc"];
/// @endcode
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nnrecipe/transforms.h"  // Task

namespace nnrecipe {

/// A model's predictions on one split.
///  - Binary / Multiclass: `probs`, row-major rows x classes (binary: 2
///    columns, P(class 0), P(class 1)); class k is the transform's class k.
///  - Regression: `values`, one per row, in the target's ORIGINAL units
///    (FittedTransform::inverse_target applied).
struct Predictions {
  Task task = Task::Regression;
  std::size_t rows = 0;
  std::size_t classes = 0;  ///< 0 for regression
  std::vector<double> probs;
  std::vector<double> values;

  /// The task's outputs: `probs` for classification, `values` for regression
  /// (for code that averages or slices predictions whatever the task).
  std::vector<double>& outputs() { return task == Task::Regression ? values : probs; }
  const std::vector<double>& outputs() const { return task == Task::Regression ? values : probs; }
};

/// Classification metrics. `y_true` holds a class index in [0, classes) per
/// row; `probs` is row-major rows x classes, each value a probability in
/// [0, 1] (classes >= 2; for binary, classes == 2 and column 1 is the
/// positive class). Returns accuracy, balanced_accuracy, log_loss, macro_f1,
/// and for binary also auc (scored by column 1) and pr_auc (of the rarer
/// class among these rows: column 0 when class 0 is rarer).
///  - the predicted class is the argmax, the lowest index on a tie (so a
///    binary p1 == 0.5 predicts class 0);
///  - balanced_accuracy: mean recall over the classes present in y_true;
///  - log_loss: mean of -log(clip(p_true, 1e-15, 1 - 1e-15)), rows not
///    renormalized;
///  - macro_f1: unweighted mean F1 over the classes present in y_true or
///    predicted (F1 = 0 for a class with no true positive).
/// Throws std::invalid_argument for no rows, classes < 2, a probs size other
/// than rows * classes, a label outside [0, classes), or a probability that
/// is NaN or outside [0, 1].
std::map<std::string, double> classification_metrics(const std::vector<int64_t>& y_true,
                                                     const std::vector<double>& probs, std::size_t classes);

/// Regression metrics rmse, mae, r2, computed in the target's original units
/// (inverse-transform a standardized target first). r2 = 1 - SS_res / SS_tot;
/// it is NaN when y_true is constant (SS_tot == 0: scikit-learn would report
/// 1 or 0 there, which hides that the score means nothing). Throws
/// std::invalid_argument for no rows, different sizes, or a non-finite value.
std::map<std::string, double> regression_metrics(const std::vector<double>& y_true, const std::vector<double>& y_pred);

/// Area under the ROC curve for 0/1 labels, O(n log n): the Mann-Whitney
/// statistic, a tied (positive, negative) pair counting one half. NaN when
/// either class is absent. Throws std::invalid_argument for different sizes,
/// a label other than 0/1, or a NaN score.
double roc_auc(const std::vector<int64_t>& y_true01, const std::vector<double>& score);

/// Average precision as scikit-learn defines it: sum over distinct score
/// thresholds, highest first, of (R_k - R_{k-1}) * P_k, rows with equal
/// scores entering together (so the result does not depend on row order).
/// NaN when there is no positive. Throws like roc_auc.
double pr_auc(const std::vector<int64_t>& y_true01, const std::vector<double>& score);

/// The metric that selects models (best epoch, best trial) and its direction.
struct SelectionMetric {
  std::string name;
  bool higher_is_better = true;
};

/// What selects models when the config says "auto": "rmse" for regression;
/// for classification, given the training rows per class (empty: unknown),
/// "auc" for binary, or "pr_auc" when the minority is under 10% of the rows
/// (ROC-AUC stays high while precision on the rare class is poor: Saito &
/// Rehmsmeier 2015); "accuracy" for multiclass, or "balanced_accuracy" when
/// the rarest class has under kImbalancedClassRatio of the commonest's rows
/// (config.metric_imbalance's threshold: the defaults never trip it).
SelectionMetric default_selection_metric(Task task, const std::vector<int64_t>& class_counts = {});

/// Rarest / commonest class count below which accuracy misleads as a
/// selection metric (config.metric_imbalance).
constexpr double kImbalancedClassRatio = 0.2;

/// A metric by its JSON name, with its direction (rmse, mae and log_loss are
/// lower-is-better, the others higher). Throws std::invalid_argument for an
/// unknown name.
SelectionMetric selection_metric(const std::string& name);

/// Whether `candidate` strictly beats `incumbent` (a tie keeps the
/// incumbent). NaN never beats anything, and any number beats NaN, so an
/// undefined first score does not block later ones.
bool is_better(const SelectionMetric& metric, double candidate, double incumbent);

}  // namespace nnrecipe
