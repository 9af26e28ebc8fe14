// Label-issue candidates by confident learning: Northcutt, Jiang and Chuang
// 2021, "Confident Learning: Estimating Uncertainty in Dataset Labels"
// (section 2.1, the confident joint). Per-class thresholds make the rule
// fair to classes the model is less sure of: a row counts as confidently
// class j when p_ij reaches the model's average confidence in j on the rows
// labelled j, not a fixed 0.5.
#include "analysis/analysis_support.h"
#include "nnrecipe/analysis.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

using analysis_detail::check_probs;
using analysis_detail::fail;

// t_j: the mean probability of class j over the rows labelled j; +inf for a
// class no row has, so that no row is ever confidently in it.
std::vector<double> class_thresholds(const std::vector<int64_t>& labels, const std::vector<double>& probs,
                                     std::size_t classes) {
  std::vector<long double> sum(classes, 0.0L);
  std::vector<std::size_t> count(classes, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto j = static_cast<std::size_t>(labels[i]);
    sum[j] += probs[i * classes + j];
    ++count[j];
  }
  std::vector<double> t(classes, std::numeric_limits<double>::infinity());
  for (std::size_t j = 0; j < classes; ++j) {
    if (count[j] > 0) t[j] = static_cast<double>(sum[j] / count[j]);
  }
  return t;
}

// The most probable class among those at or above their threshold (lowest
// index on a tie); nullopt when the row is confidently in no class.
std::optional<std::size_t> confident_class(const double* row, const std::vector<double>& thresholds) {
  std::optional<std::size_t> best;
  for (std::size_t j = 0; j < thresholds.size(); ++j) {
    if (row[j] >= thresholds[j] && (!best || row[j] > row[*best])) best = j;
  }
  return best;
}

}  // namespace

std::vector<LabelIssue> find_label_issues(const std::vector<int64_t>& labels, const std::vector<double>& oof_probs,
                                          std::size_t classes) {
  check_probs("find_label_issues", labels, oof_probs, classes);
  const std::vector<double> thresholds = class_thresholds(labels, oof_probs, classes);
  std::vector<LabelIssue> issues;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double* row = oof_probs.data() + i * classes;
    const std::optional<std::size_t> confident = confident_class(row, thresholds);
    const auto given = static_cast<std::size_t>(labels[i]);
    if (!confident || *confident == given) continue;
    issues.push_back({i, labels[i], static_cast<int64_t>(*confident), row[given], row[*confident]});
  }
  std::sort(issues.begin(), issues.end(), [](const LabelIssue& a, const LabelIssue& b) {
    return a.given_prob != b.given_prob ? a.given_prob < b.given_prob : a.row < b.row;
  });
  return issues;
}

}  // namespace nnrecipe
