#include "nnrecipe/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace nnrecipe {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// scikit-learn's log_loss clipping (its default eps up to 1.2).
constexpr double kLogLossEps = 1e-15;

[[noreturn]] void fail(const char* function, const std::string& message) {
  throw std::invalid_argument(std::string(function) + ": " + message);
}

// (score, is_positive) pairs sorted by score ascending, after checking the
// inputs. Sorting pairs rather than indices keeps the tie scans cache-friendly.
std::vector<std::pair<double, bool>> sorted_scores(const char* function, const std::vector<int64_t>& y_true01,
                                                   const std::vector<double>& score) {
  if (y_true01.size() != score.size()) {
    fail(function, std::to_string(y_true01.size()) + " labels but " + std::to_string(score.size()) + " scores");
  }
  std::vector<std::pair<double, bool>> rows(score.size());
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (y_true01[i] != 0 && y_true01[i] != 1) {
      fail(function, "label " + std::to_string(y_true01[i]) + " at row " + std::to_string(i) + " is not 0 or 1");
    }
    if (std::isnan(score[i])) fail(function, "score at row " + std::to_string(i) + " is NaN");
    rows[i] = {score[i], y_true01[i] == 1};
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Calls visit(positives, negatives) once per group of equal scores, in the
// order of `rows`. -0.0 and 0.0 are one group, as they compare equal.
template <typename Visit>
void for_each_tie_group(const std::vector<std::pair<double, bool>>& rows, Visit visit) {
  std::size_t i = 0;
  while (i < rows.size()) {
    uint64_t pos = 0, neg = 0;
    const double s = rows[i].first;
    for (; i < rows.size() && rows[i].first == s; ++i) (rows[i].second ? pos : neg) += 1;
    visit(pos, neg);
  }
}

}  // namespace

double roc_auc(const std::vector<int64_t>& y_true01, const std::vector<double>& score) {
  const auto rows = sorted_scores("roc_auc", y_true01, score);
  // Twice the Mann-Whitney U, in integers so that it is exact: each positive
  // beats the negatives below its group (2 each) and ties those in it (1 each).
  uint64_t twice_u = 0, neg_below = 0, pos_total = 0;
  for_each_tie_group(rows, [&](uint64_t pos, uint64_t neg) {
    twice_u += pos * (2 * neg_below + neg);
    neg_below += neg;
    pos_total += pos;
  });
  if (pos_total == 0 || neg_below == 0) return kNaN;
  return static_cast<double>(twice_u) / (2.0 * static_cast<double>(pos_total) * static_cast<double>(neg_below));
}

double pr_auc(const std::vector<int64_t>& y_true01, const std::vector<double>& score) {
  auto rows = sorted_scores("pr_auc", y_true01, score);
  std::reverse(rows.begin(), rows.end());  // thresholds from the highest score down
  uint64_t pos_total = 0;
  for (const auto& r : rows) pos_total += r.second ? 1 : 0;
  if (pos_total == 0) return kNaN;
  // Each threshold adds (its positives / P) of recall at precision tp / (tp + fp).
  uint64_t tp = 0, fp = 0;
  long double ap = 0.0L;
  for_each_tie_group(rows, [&](uint64_t pos, uint64_t neg) {
    tp += pos;
    fp += neg;
    if (pos > 0) ap += static_cast<long double>(pos) * tp / (tp + fp);
  });
  return static_cast<double>(ap / pos_total);
}

std::map<std::string, double> classification_metrics(const std::vector<int64_t>& y_true,
                                                     const std::vector<double>& probs, std::size_t classes) {
  constexpr const char* fn = "classification_metrics";
  const std::size_t n = y_true.size();
  if (n == 0) fail(fn, "no rows");
  if (classes < 2) fail(fn, "needs at least 2 classes, got " + std::to_string(classes));
  if (probs.size() % classes != 0 || probs.size() / classes != n) {
    fail(fn, std::to_string(probs.size()) + " probabilities for " + std::to_string(n) + " rows x " +
                 std::to_string(classes) + " classes");
  }

  // Per-class counts are all the metrics need: no K x K confusion matrix.
  std::vector<uint64_t> true_count(classes, 0), pred_count(classes, 0), hits(classes, 0);
  long double nll = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t y = y_true[i];
    if (y < 0 || static_cast<uint64_t>(y) >= classes) {
      fail(fn, "label " + std::to_string(y) + " at row " + std::to_string(i) + " is outside [0, " +
                   std::to_string(classes) + ")");
    }
    const double* row = probs.data() + i * classes;
    std::size_t argmax = 0;
    for (std::size_t c = 0; c < classes; ++c) {
      // The negated test also rejects NaN.
      if (!(row[c] >= 0.0 && row[c] <= 1.0)) {
        fail(fn, "probability " + std::to_string(row[c]) + " at row " + std::to_string(i) + ", class " +
                     std::to_string(c) + " is not in [0, 1]");
      }
      if (row[c] > row[argmax]) argmax = c;  // strict: the lowest index wins a tie
    }
    const auto yc = static_cast<std::size_t>(y);
    ++true_count[yc];
    ++pred_count[argmax];
    if (argmax == yc) ++hits[yc];
    nll -= std::log(std::clamp(row[yc], kLogLossEps, 1.0 - kLogLossEps));
  }

  uint64_t correct = 0;
  long double recall_sum = 0.0L, f1_sum = 0.0L;
  std::size_t present = 0, labelled = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    correct += hits[c];
    if (true_count[c] > 0) {
      recall_sum += static_cast<long double>(hits[c]) / true_count[c];
      ++present;
    }
    // F1 = 2TP / (2TP + FP + FN) = 2TP / (true + predicted); scikit-learn's
    // macro average runs over the classes seen in y_true or in predictions.
    if (true_count[c] + pred_count[c] > 0) {
      f1_sum += 2.0L * hits[c] / (true_count[c] + pred_count[c]);
      ++labelled;
    }
  }

  std::map<std::string, double> m;
  m["accuracy"] = static_cast<double>(correct) / static_cast<double>(n);
  m["balanced_accuracy"] = static_cast<double>(recall_sum / present);
  m["log_loss"] = static_cast<double>(nll / n);
  m["macro_f1"] = static_cast<double>(f1_sum / labelled);
  if (classes == 2) {
    std::vector<double> positive(n);
    for (std::size_t i = 0; i < n; ++i) positive[i] = probs[2 * i + 1];
    m["auc"] = roc_auc(y_true, positive);
    // PR-AUC is a measure of the rarer class (selection uses it when that
    // class is under 10% of the rows): scored for class 0 when class 0 is
    // the rarer one among these rows, else for class 1 (also when class 0
    // is absent: PR-AUC of a class with no rows is undefined).
    if (true_count[0] > 0 && 2 * true_count[0] < n) {
      std::vector<int64_t> is_zero(n);
      std::vector<double> zero(n);
      for (std::size_t i = 0; i < n; ++i) {
        is_zero[i] = y_true[i] == 0 ? 1 : 0;
        zero[i] = probs[2 * i];
      }
      m["pr_auc"] = pr_auc(is_zero, zero);
    } else {
      m["pr_auc"] = pr_auc(y_true, positive);
    }
  }
  return m;
}

std::map<std::string, double> regression_metrics(const std::vector<double>& y_true, const std::vector<double>& y_pred) {
  constexpr const char* fn = "regression_metrics";
  const std::size_t n = y_true.size();
  if (n == 0) fail(fn, "no rows");
  if (y_pred.size() != n) {
    fail(fn, std::to_string(n) + " targets but " + std::to_string(y_pred.size()) + " predictions");
  }
  long double sum = 0.0L;
  bool constant = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(y_true[i]) || !std::isfinite(y_pred[i])) {
      fail(fn, "non-finite target or prediction at row " + std::to_string(i));
    }
    sum += y_true[i];
    constant = constant && y_true[i] == y_true[0];
  }
  // Two passes: deviations from the mean, not sum(y^2) - n*mean^2, which
  // cancels catastrophically for targets far from zero (prices, years).
  const long double mean = sum / n;
  long double ss_tot = 0.0L, ss_res = 0.0L, abs_sum = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    const long double d = y_true[i] - mean;
    const long double e = static_cast<long double>(y_true[i]) - y_pred[i];
    ss_tot += d * d;
    ss_res += e * e;
    abs_sum += std::fabs(e);
  }
  std::map<std::string, double> m;
  m["rmse"] = static_cast<double>(std::sqrt(ss_res / n));
  m["mae"] = static_cast<double>(abs_sum / n);
  // Tested on the values, not ss_tot == 0: a rounded mean can leave a tiny
  // ss_tot and a meaningless huge negative r2.
  m["r2"] = constant ? kNaN : static_cast<double>(1.0L - ss_res / ss_tot);
  return m;
}

SelectionMetric selection_metric(const std::string& name) {
  static const std::map<std::string, bool> kHigherIsBetter = {
      {"accuracy", true}, {"balanced_accuracy", true}, {"log_loss", false}, {"auc", true},
      {"pr_auc", true},   {"macro_f1", true},          {"rmse", false},     {"mae", false},
      {"r2", true}};
  const auto it = kHigherIsBetter.find(name);
  if (it == kHigherIsBetter.end()) fail("selection_metric", "unknown metric '" + name + "'");
  return {name, it->second};
}

SelectionMetric default_selection_metric(Task task, const std::vector<int64_t>& class_counts) {
  double total = 0, lo = 0, hi = 0;
  if (!class_counts.empty()) {
    const auto [min, max] = std::minmax_element(class_counts.begin(), class_counts.end());
    lo = static_cast<double>(*min), hi = static_cast<double>(*max);
    for (int64_t n : class_counts) total += static_cast<double>(n);
  }
  switch (task) {
    case Task::Binary:
      return selection_metric(class_counts.size() == 2 && total > 0 && lo / total < 0.1 ? "pr_auc" : "auc");
    case Task::Multiclass:
      return selection_metric(hi > 0 && lo / hi < kImbalancedClassRatio ? "balanced_accuracy" : "accuracy");
    case Task::Regression: return selection_metric("rmse");
  }
  fail("default_selection_metric", "unknown task");
}

bool is_better(const SelectionMetric& metric, double candidate, double incumbent) {
  if (std::isnan(candidate)) return false;
  if (std::isnan(incumbent)) return true;
  return metric.higher_is_better ? candidate > incumbent : candidate < incumbent;
}

}  // namespace nnrecipe
