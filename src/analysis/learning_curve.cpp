// The learning curve's verdict (docs/recipe.md, stage 4): would more
// training data pay? The validation metric against log2(training rows) is
// close to a straight line over the last doublings, so its slope there is
// what one more doubling of the data would buy.
#include "nnrecipe/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A train-validation gap this many times the gain worth a doubling is large
// enough that the model's overfitting is the thing to fix first.
constexpr double kLargeGapFactor = 10.0;

// "3,200"
std::string rows_text(std::size_t rows) {
  std::string digits = std::to_string(rows);
  for (std::size_t i = digits.size(); i > 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

// Four significant digits, without an exponent for large errors (RMSE in
// dollars).
std::string metric_text(double x) { return std::fabs(x) >= 1e4 ? fmt::format("{:.0f}", x) : fmt::format("{:.4g}", x); }

// The last two points with distinct rows of the points sorted by rows.
struct LastDoubling {
  const LearningCurvePoint* prev = nullptr;
  const LearningCurvePoint* last = nullptr;
};

LastDoubling last_doubling(const std::vector<LearningCurvePoint>& sorted) {
  LastDoubling d;
  if (sorted.empty()) return d;
  d.last = &sorted.back();
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
    if (it->rows < d.last->rows) {
      d.prev = &*it;
      break;
    }
  }
  return d;
}

std::string verdict_sentence(const LastDoubling& d, const LearningCurveVerdict& v, bool higher_is_better,
                             double min_gain) {
  const std::string points =
      fmt::format("{} at {} rows -> {} at {}", metric_text(d.prev->val_metric), rows_text(d.prev->rows),
                  metric_text(d.last->val_metric), rows_text(d.last->rows));
  const char* better = higher_is_better ? "rises" : "falls";
  const char* worse = higher_is_better ? "falls" : "rises";
  if (v.more_data_pays) {
    return fmt::format(
        "The validation metric still {} by {:.3g} per doubling of the training rows ({}): more data "
        "would likely pay.",
        better, v.gain_per_doubling, points);
  }
  const std::string trend =
      v.gain_per_doubling >= 0
          ? fmt::format("is flat ({} by {:.3g} per doubling of the training rows", better, v.gain_per_doubling)
          : fmt::format("gets worse ({} by {:.3g} per doubling of the training rows", worse, -v.gain_per_doubling);
  std::string sentence = fmt::format("The validation metric {}: {}): more data is unlikely to pay", trend, points);
  if (v.gap > kLargeGapFactor * min_gain && v.gap > 0) {
    sentence += fmt::format("; the gap between training and validation ({}) says regularization matters more",
                            metric_text(v.gap));
  }
  return sentence + ".";
}

}  // namespace

LearningCurveVerdict learning_curve_verdict(const std::vector<LearningCurvePoint>& points, bool higher_is_better,
                                            double min_gain) {
  for (const LearningCurvePoint& p : points) {
    if (p.rows == 0) throw std::invalid_argument("learning_curve_verdict: a point has 0 training rows");
  }
  std::vector<LearningCurvePoint> sorted = points;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const LearningCurvePoint& a, const LearningCurvePoint& b) { return a.rows < b.rows; });
  const LastDoubling d = last_doubling(sorted);

  LearningCurveVerdict v;
  const double sign = higher_is_better ? 1.0 : -1.0;
  if (d.last) v.gap = (d.last->train_metric - d.last->val_metric) * sign;
  if (!d.prev) {
    v.gain_per_doubling = kNaN;
    v.sentence = fmt::format(
        "No verdict on more data: the learning curve needs at least 2 points with different "
        "training rows, got {}.",
        points.size());
    return v;
  }
  if (!std::isfinite(d.prev->val_metric) || !std::isfinite(d.last->val_metric)) {
    v.gain_per_doubling = kNaN;
    v.sentence = fmt::format("No verdict on more data: the validation metric is not finite ({} at {} rows, {} at {}).",
                             d.prev->val_metric, rows_text(d.prev->rows), d.last->val_metric, rows_text(d.last->rows));
    return v;
  }
  const double doublings = std::log2(static_cast<double>(d.last->rows) / static_cast<double>(d.prev->rows));
  v.gain_per_doubling = (d.last->val_metric - d.prev->val_metric) * sign / doublings;
  v.more_data_pays = v.gain_per_doubling >= min_gain;  // false for a NaN min_gain
  v.sentence = verdict_sentence(d, v, higher_is_better, min_gain);
  return v;
}

}  // namespace nnrecipe
