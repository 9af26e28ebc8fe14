// Where the model errs (docs/recipe.md, stage 6): confusion matrix,
// per-class precision/recall/F1, per-row losses, and the rows worth looking
// at (top losses, most confident mistakes).
#include "analysis/analysis_support.h"
#include "nnrecipe/analysis.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

using analysis_detail::check_probs;
using analysis_detail::fail;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The clipping of metrics.cpp's log loss (scikit-learn's eps).
constexpr double kLogLossEps = 1e-15;

// The predicted class of row i: the lowest index wins a tie.
std::size_t argmax_row(const std::vector<double>& probs, std::size_t i, std::size_t classes) {
  const double* row = probs.data() + i * classes;
  std::size_t best = 0;
  for (std::size_t c = 1; c < classes; ++c) {
    if (row[c] > row[best]) best = c;
  }
  return best;
}

// `indices` ordered by `key` descending, ties by index, NaN keys last;
// only the first min(k, size) are sorted and kept.
std::vector<std::size_t> largest_first(std::vector<std::size_t> indices, const std::vector<double>& key,
                                       std::size_t k) {
  const auto before = [&key](std::size_t a, std::size_t b) {
    const bool a_nan = std::isnan(key[a]), b_nan = std::isnan(key[b]);
    if (a_nan != b_nan) return b_nan;
    if (!a_nan && key[a] != key[b]) return key[a] > key[b];
    return a < b;
  };
  k = std::min(k, indices.size());
  std::partial_sort(indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(k), indices.end(), before);
  indices.resize(k);
  return indices;
}

double ratio_or_nan(int64_t numerator, int64_t denominator) {
  return denominator == 0 ? kNaN : static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

std::vector<std::vector<int64_t>> confusion_matrix(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                                                   std::size_t classes) {
  check_probs("confusion_matrix", labels, probs, classes);
  std::vector<std::vector<int64_t>> counts(classes, std::vector<int64_t>(classes, 0));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    ++counts[static_cast<std::size_t>(labels[i])][argmax_row(probs, i, classes)];
  }
  return counts;
}

std::vector<ClassMetrics> per_class_metrics(const std::vector<std::vector<int64_t>>& confusion) {
  constexpr const char* fn = "per_class_metrics";
  const std::size_t classes = confusion.size();
  if (classes < 2) fail(fn, "needs at least 2 classes, got " + std::to_string(classes));
  std::vector<int64_t> predicted(classes, 0);
  for (std::size_t t = 0; t < classes; ++t) {
    if (confusion[t].size() != classes) {
      fail(fn, "row " + std::to_string(t) + " has " + std::to_string(confusion[t].size()) + " counts, not " +
                   std::to_string(classes));
    }
    for (std::size_t p = 0; p < classes; ++p) {
      if (confusion[t][p] < 0) fail(fn, "negative count at [" + std::to_string(t) + "][" + std::to_string(p) + "]");
      predicted[p] += confusion[t][p];
    }
  }

  std::vector<ClassMetrics> out(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    ClassMetrics& m = out[c];
    const int64_t tp = confusion[c][c];
    m.cls = c;
    m.support = std::accumulate(confusion[c].begin(), confusion[c].end(), int64_t{0});
    m.precision = ratio_or_nan(tp, predicted[c]);
    m.recall = ratio_or_nan(tp, m.support);
    if (std::isnan(m.precision) || std::isnan(m.recall)) {
      m.f1 = kNaN;
    } else {
      const double sum = m.precision + m.recall;
      m.f1 = sum == 0 ? 0.0 : 2 * m.precision * m.recall / sum;
    }
  }
  return out;
}

std::vector<double> log_losses(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                               std::size_t classes) {
  check_probs("log_losses", labels, probs, classes);
  std::vector<double> out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double p = probs[i * classes + static_cast<std::size_t>(labels[i])];
    out[i] = -std::log(std::max(p, kLogLossEps));
  }
  return out;
}

std::vector<double> squared_errors(const std::vector<double>& truth, const std::vector<double>& predictions) {
  if (truth.size() != predictions.size()) {
    fail("squared_errors",
         std::to_string(truth.size()) + " targets but " + std::to_string(predictions.size()) + " predictions");
  }
  std::vector<double> out(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const double e = truth[i] - predictions[i];
    out[i] = e * e;
  }
  return out;
}

LossConcentration loss_concentration(const std::vector<double>& row_loss) {
  std::vector<double> sorted;
  for (double v : row_loss) {
    if (std::isfinite(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double total = 0;
  for (double v : sorted) total += v;
  LossConcentration c;
  if (!(total > 0)) return c;
  c.rows = sorted.size();
  double held = 0;
  while (c.half_rows < c.rows && held < total / 2) held += sorted[c.half_rows++];
  c.share = held / total;
  const std::size_t rest = c.rows - c.half_rows;
  c.rest_mean = rest > 0 ? (total - held) / static_cast<double>(rest) : 0.0;
  return c;
}

std::vector<std::size_t> top_k(const std::vector<double>& values, std::size_t k) {
  std::vector<std::size_t> indices(values.size());
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  // NaN (a diverged prediction) ranks below every number rather than
  // breaking the sort's ordering.
  return largest_first(std::move(indices), values, k);
}

std::vector<std::size_t> confident_mistakes(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                                            std::size_t classes, std::size_t k) {
  check_probs("confident_mistakes", labels, probs, classes);
  std::vector<std::size_t> mistakes;
  std::vector<double> confidence(labels.size(), kNaN);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::size_t predicted = argmax_row(probs, i, classes);
    if (static_cast<int64_t>(predicted) == labels[i]) continue;
    mistakes.push_back(i);
    confidence[i] = probs[i * classes + predicted];
  }
  return largest_first(std::move(mistakes), confidence, k);
}

}  // namespace nnrecipe
