// The evaluation checks of docs/checks.md ("evaluation"),
// run by the squeeze stage on the final leaderboard and the winner's error
// analysis. Torch-free, so the tests plant each fault directly.
#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "nnrecipe/metrics.h"
#include "nnrecipe/recipe.h"

namespace nnrecipe {
namespace {

/// eval.behind_gbdt's "clear margin": a point of AUC/accuracy (about two
/// standard errors on a few thousand validation rows), or 5% of the RMSE.
constexpr double kBehindMargin = 0.01;
constexpr double kBehindRelativeMargin = 0.05;
/// eval.calibration fires above this expected calibration error (docs/checks.md).
constexpr double kMaxEce = 0.1;
/// analyze.label_issues' "many": confident disputes (suggested class at
/// out-of-fold probability >= 0.9) on more than 2% of the training rows, and
/// at least 10 of them. Northcutt et al. (2021, "Pervasive label errors in
/// test sets") estimate 3.4% errors on average across ten common benchmarks;
/// an honestly uncertain target rarely gives 9-to-1 odds against its label,
/// so noise alone stays under 2% (bench/false_alarms measures the rate).
constexpr std::size_t kMinLabelIssues = 10;
constexpr double kMinLabelIssueShare = 0.02;

}  // namespace

std::vector<Finding> evaluation_findings(const std::vector<Candidate>& ranked, const std::string& m,
                                         bool higher_is_better, bool classification, const ErrorAnalysis& a) {
  const SelectionMetric metric{m, higher_is_better};
  const double sign = higher_is_better ? 1.0 : -1.0;
  const Candidate* dumb = nullptr;
  const Candidate* net = nullptr;
  const Candidate* xgb = nullptr;
  for (const Candidate& c : ranked) {
    if (!dumb && c.kind == CandidateKind::Dumb) dumb = &c;
    if (!net && (c.kind == CandidateKind::Network || c.kind == CandidateKind::Tuned)) net = &c;
    if (!xgb && c.kind == CandidateKind::Xgboost) xgb = &c;
  }
  std::vector<Finding> found;
  if (dumb && net && !is_better(metric, net->val.at(m), dumb->val.at(m))) {
    // A warning: a validation score is a statistic, and the run still ends
    // with its winner (the baselines, when the network learned nothing).
    found.push_back(
        {"eval.no_better_than_dumb",
         Severity::Warn,
         "eval",
         fmt::format("The best network ({}) does not beat the {} baseline on validation {}: {:.4f} vs {:.4f}.",
                     net->name, dumb->name, m, net->val.at(m), dumb->val.at(m)),
         {{"network", net->name}, {"network_val", net->val.at(m)}, {"baseline_val", dumb->val.at(m)}, {"metric", m}},
         "The network learned nothing usable: check the inspect findings (leakage, a constant target), the "
         "preflight findings and the loss curves; a linear model or the trees may be all this data supports.",
         nlohmann::json::object(),
         -1});
  }
  if (xgb && net) {
    const double gap = sign * (xgb->val.at(m) - net->val.at(m));
    const double margin = higher_is_better ? kBehindMargin : kBehindRelativeMargin * std::abs(xgb->val.at(m));
    if (gap > margin) {
      found.push_back(
          {"eval.behind_gbdt",
           Severity::Info,
           "eval",
           fmt::format("The best network ({}) trails xgboost on validation {} by {:.4f} ({:.4f} vs {:.4f}).", net->name,
                       m, gap, net->val.at(m), xgb->val.at(m)),
           {{"network_val", net->val.at(m)},
            {"xgboost_val", xgb->val.at(m)},
            {"gap", gap},
            {"margin", margin},
            {"metric", m}},
           "On tabular data gradient-boosted trees often win (Grinsztajn et al. 2022): use them, or the "
           "ensemble; for the network, try embeddings for categoricals and a longer tune.",
           nlohmann::json::object(),
           -1});
    }
  }
  if (classification && a.calibration.ece > kMaxEce) {
    found.push_back(
        {"eval.calibration",
         Severity::Info,
         "eval",
         fmt::format("The winner's probabilities are off: expected calibration error {:.3f} on the test split "
                     "(above {}).",
                     a.calibration.ece, kMaxEce),
         {{"ece", a.calibration.ece}, {"threshold", kMaxEce}, {"bins", a.calibration.bins.size()}},
         "Do not read the probabilities as frequencies without recalibrating (temperature or isotonic "
         "scaling on the validation split); class weights and label smoothing also move them.",
         nlohmann::json::object(),
         -1});
  }
  if (a.label_issue_rows > 0) {
    const double share = static_cast<double>(a.confident_disputes) / static_cast<double>(a.label_issue_rows);
    if (a.confident_disputes >= kMinLabelIssues && share > kMinLabelIssueShare) {
      found.push_back(
          {"analyze.label_issues",
           Severity::Info,
           "analyze",
           fmt::format("{} training rows ({:.1f}%) carry a label their out-of-fold predictions dispute at 9 "
                       "to 1 or more; {} rows in all are confident-learning candidates.",
                       a.confident_disputes, 100 * share, a.label_issue_count),
           {{"confident_disputes", a.confident_disputes},
            {"share", share},
            {"threshold", kMinLabelIssueShare},
            {"candidates", a.label_issue_count},
            {"checked_rows", a.label_issue_rows}},
           "Review the listed rows (the report shows the most disputed first): relabel or drop the wrong "
           "ones; if the labels are right, these are the hard cases to collect more of.",
           nlohmann::json::object(),
           -1});
    }
  }
  return found;
}

}  // namespace nnrecipe
