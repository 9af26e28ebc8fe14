#pragma once
/// @file
/// @brief Analysis of a trained model's predictions: range test, learning curve, calibration, error analysis.
///
/// Stages 3, 4 and 6 of docs/recipe.md, torch-free: plain vectors in, plain
/// structs out, so `nnrecipe run`, the report and the tests share one
/// implementation.
///  - the learning-rate range test's stopping rule and suggestion,
///  - the learning curve's "would more data pay" verdict,
///  - calibration (expected calibration error, reliability bins),
///  - confusion matrix and per-class metrics,
///  - per-row losses, top losses and most-confident mistakes,
///  - worst slices by feature,
///  - label-issue candidates by confident learning on out-of-fold predictions.
///
/// Probabilities are row-major rows x classes (binary: 2 columns), as in
/// metrics.h; labels are class indices.
///
/// @code
/// // labels: one class index per row; probs: rows x 3 probabilities, row-major
/// const nnrecipe::Calibration cal = nnrecipe::calibration(labels, probs, 3);
/// const auto confusion = nnrecipe::confusion_matrix(labels, probs, 3);
/// for (const nnrecipe::ClassMetrics& m : nnrecipe::per_class_metrics(confusion)) std::cout << m.cls << ": " << m.f1;
/// const std::vector<double> losses = nnrecipe::log_losses(labels, probs, 3);
/// for (std::size_t row : nnrecipe::top_k(losses, 10)) std::cout << row << " " << losses[row] << "\n";
/// const auto issues = nnrecipe::find_label_issues(labels, oof_probs, 3);  // out-of-fold probabilities
/// std::cout << "ECE " << cal.ece << ", " << issues.size() << " label issue candidates\n";
/// @endcode
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace nnrecipe {

// ---------------------------------------------------------------------------
// Learning-rate range test (Smith 2017; fastai's lr_find, Lightning's
// lr_finder): the learning rate grows exponentially each step; the sweep
// stops once the smoothed loss exceeds 4x its best. The suggestion is the
// learning rate where the smoothed loss falls fastest (steepest negative
// slope against log(lr)).

struct LrRangeResult {
  std::vector<double> lrs;       ///< as recorded (one per step)
  std::vector<double> losses;    ///< raw training loss per step
  std::vector<double> smoothed;  ///< bias-corrected exponential moving average
  std::size_t stop_index = 0;    ///< first step past the 4x-best rule (== size when it never fired)
  /// The learning rate at the steepest descent; NaN when the curve never
  /// descends (the caller then keeps its learning rate and says so).
  double suggested_lr = std::numeric_limits<double>::quiet_NaN();
  std::size_t suggested_index = 0;
  std::string note;  ///< one sentence: why it stopped / why no suggestion
};

/// The schedule of learning rates for `steps` steps from lo to hi, growing
/// geometrically (lr_i = lo * (hi/lo)^(i/(steps-1))). Throws
/// std::invalid_argument unless 0 < lo < hi and steps >= 2.
std::vector<double> lr_range_schedule(double lo, double hi, std::size_t steps);

/// Incremental smoothing + stop rule for a sweep in progress.
class LrRangeTracker {
 public:
  explicit LrRangeTracker(double beta = 0.98) : beta_(beta) {}
  /// Records one step; returns true when the sweep should stop (the
  /// smoothed loss is above 4x its best, or the loss is not finite).
  bool add(double lr, double loss);
  /// The result so far with the suggestion computed. Steps whose loss was
  /// not finite are recorded but never suggested. The steepest slope is
  /// looked for between the first 10% of steps (skipped: the average has
  /// not settled) and the step with the best smoothed loss.
  LrRangeResult result() const;

 private:
  double beta_;
  double avg_ = 0;
  double best_ = std::numeric_limits<double>::infinity();
  LrRangeResult r_;
};

// ---------------------------------------------------------------------------
// Learning curve: the validation metric at growing training fractions.

struct LearningCurvePoint {
  double fraction = 0;  ///< of the training split
  std::size_t rows = 0;
  double train_metric = 0;  ///< the selection metric on the rows trained on
  double val_metric = 0;    ///< on the full validation split
};

struct LearningCurveVerdict {
  bool more_data_pays = false;
  /// The validation gain (higher-is-better sign) from the last doubling of
  /// data, extrapolated from the slope between the last two points against
  /// log2(rows).
  double gain_per_doubling = 0;
  double gap = 0;  ///< train minus validation at 100%, higher-is-better sign
  std::string sentence;
};

/// more_data_pays when the extrapolated gain per doubling is at least
/// `min_gain` (e.g. 0.005 AUC/accuracy; for RMSE the caller passes 1% of
/// the metric). Needs >= 2 points with distinct rows, else more_data_pays is
/// false and the sentence says why.
LearningCurveVerdict learning_curve_verdict(const std::vector<LearningCurvePoint>& points, bool higher_is_better,
                                            double min_gain);

// ---------------------------------------------------------------------------
// Calibration: top-label expected calibration error (Guo et al. 2017),
// `bins` equal-width bins of the predicted class's probability.

struct ReliabilityBin {
  double lo = 0, hi = 0;
  std::size_t count = 0;
  double mean_confidence = 0;  ///< NaN when empty
  double accuracy = 0;         ///< NaN when empty
};

struct Calibration {
  double ece = 0;  ///< sum over bins of count/rows * |accuracy - confidence|
  std::vector<ReliabilityBin> bins;
};

/// Throws std::invalid_argument like classification_metrics on bad input.
Calibration calibration(const std::vector<int64_t>& labels, const std::vector<double>& probs, std::size_t classes,
                        std::size_t bins = 10);

// ---------------------------------------------------------------------------
// Confusion matrix and per-class metrics.

/// counts[true][predicted], predicted = argmax (lowest index on a tie).
std::vector<std::vector<int64_t>> confusion_matrix(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                                                   std::size_t classes);

struct ClassMetrics {
  std::size_t cls = 0;
  double precision = 0, recall = 0, f1 = 0;  ///< NaN where undefined (no prediction / no support)
  int64_t support = 0;                       ///< rows whose label is this class
};
std::vector<ClassMetrics> per_class_metrics(const std::vector<std::vector<int64_t>>& confusion);

// ---------------------------------------------------------------------------
// Per-row losses and the rows worth looking at.

/// -log(clip(p_label, 1e-15)) per row.
std::vector<double> log_losses(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                               std::size_t classes);
/// (y - prediction)^2 per row.
std::vector<double> squared_errors(const std::vector<double>& truth, const std::vector<double>& predictions);

/// Indices of the `k` largest values, largest first (ties: lower index first).
std::vector<std::size_t> top_k(const std::vector<double>& values, std::size_t k);

/// How much of a summed per-row loss its worst rows hold: a metric averaged
/// over rows (RMSE, log loss) can rest on a handful of them.
struct LossConcentration {
  std::size_t rows = 0;       ///< rows scored (non-finite losses skipped)
  std::size_t half_rows = 0;  ///< the fewest rows holding at least half of the total
  double share = 0;           ///< the share of the total those rows hold
  double rest_mean = 0;       ///< mean loss of the other rows (RMSE without them = sqrt)
};
/// Zero rows for an empty input or a total of zero.
LossConcentration loss_concentration(const std::vector<double>& row_loss);

/// Misclassified rows, most confident (highest predicted-class probability)
/// first, at most `k`.
std::vector<std::size_t> confident_mistakes(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                                            std::size_t classes, std::size_t k);

// ---------------------------------------------------------------------------
// Worst slices: where the model does worst, by one feature at a time.

/// One raw feature column as the slicer sees it: numeric values (NaN =
/// missing) or category codes (-1 = missing) with their names.
struct SliceFeature {
  std::string name;
  bool categorical = false;
  std::vector<double> values;           ///< numeric
  std::vector<int32_t> codes;           ///< categorical
  std::vector<std::string> categories;  ///< categorical
};

struct Slice {
  std::string feature;
  std::string description;  ///< "Income in [12, 45)", "Home = rent", "Income missing"
  std::size_t rows = 0;
  double mean_loss = 0;                                          ///< of the rows in the slice
  double error_rate = std::numeric_limits<double>::quiet_NaN();  ///< classification only
  double excess = 0;                                             ///< mean_loss minus the overall mean loss
};

/// Numeric features are cut at quantiles into up to 5 bins (fewer when
/// values repeat), missing values their own slice; categorical features by
/// category (a category with under `min_rows` rows is not a slice). Slices
/// with at least `min_rows` rows, ranked by excess mean loss, the `k` worst
/// with excess > 0. `correct` may be empty (regression).
std::vector<Slice> worst_slices(const std::vector<SliceFeature>& features, const std::vector<double>& row_loss,
                                const std::vector<uint8_t>& correct, std::size_t min_rows, std::size_t k);

// ---------------------------------------------------------------------------
// Label issues by confident learning (Northcutt et al. 2021, "confident
// joint"): per class j the threshold t_j is the mean out-of-fold probability
// of j over rows labelled j; a row's confident class is the argmax of p_ij
// over the classes with p_ij >= t_j. A row whose confident class exists and
// differs from its label is a candidate.

struct LabelIssue {
  std::size_t row = 0;
  int64_t given = 0;
  int64_t suggested = 0;
  double given_prob = 0;  ///< out-of-fold probability of the given label
  double suggested_prob = 0;
};

/// Candidates sorted by given_prob ascending (the most disputed first).
std::vector<LabelIssue> find_label_issues(const std::vector<int64_t>& labels, const std::vector<double>& oof_probs,
                                          std::size_t classes);

}  // namespace nnrecipe
