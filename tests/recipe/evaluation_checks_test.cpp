// The evaluation checks of docs/checks.md on planted leaderboards and analyses:
// each fires on its fault and stays quiet on a healthy run's numbers.
#include <gtest/gtest.h>

#include <algorithm>

#include "nnrecipe/recipe.h"

namespace nnrecipe {
namespace {

Candidate candidate(const std::string& name, CandidateKind kind, double val) {
  Candidate c;
  c.name = name;
  c.kind = kind;
  c.val = {{"auc", val}, {"rmse", val}};
  c.test = c.val;
  return c;
}

bool has(const std::vector<Finding>& found, const std::string& id) {
  return std::any_of(found.begin(), found.end(), [&](const Finding& f) { return f.id == id; });
}

/// A healthy binary leaderboard: the network beats the prior and is level
/// with xgboost.
std::vector<Candidate> healthy() {
  return {candidate("network", CandidateKind::Network, 0.852), candidate("xgboost", CandidateKind::Xgboost, 0.848),
          candidate("linear", CandidateKind::Linear, 0.84), candidate("majority", CandidateKind::Dumb, 0.5)};
}

ErrorAnalysis calibrated() {
  ErrorAnalysis a;
  a.calibration.ece = 0.03;
  a.label_issue_rows = 3000;
  a.label_issue_count = 400;  // a noisy target (credit scoring) has many candidates...
  a.confident_disputes = 42;  // ...but few at 9-to-1 odds (1.4% of the rows)
  return a;
}

TEST(EvaluationChecks, QuietOnAHealthyRun) {
  const std::vector<Finding> found = evaluation_findings(healthy(), "auc", true, true, calibrated());
  EXPECT_TRUE(found.empty()) << found.front().id;
}

TEST(EvaluationChecks, NoBetterThanDumbFiresWhenTheNetworkTiesThePrior) {
  std::vector<Candidate> board = {candidate("xgboost", CandidateKind::Xgboost, 0.7),
                                  candidate("majority", CandidateKind::Dumb, 0.5),
                                  candidate("network", CandidateKind::Network, 0.5)};
  const std::vector<Finding> found = evaluation_findings(board, "auc", true, true, calibrated());
  ASSERT_TRUE(has(found, "eval.no_better_than_dumb"));
  const Finding& f = found.front();
  EXPECT_EQ(f.severity, Severity::Warn);
  EXPECT_DOUBLE_EQ(f.evidence.at("network_val").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(f.evidence.at("baseline_val").get<double>(), 0.5);
}

TEST(EvaluationChecks, NoBetterThanDumbReadsLowerIsBetterMetrics) {
  // RMSE: the network's 12 is worse than the mean's 10.
  std::vector<Candidate> board = {candidate("mean", CandidateKind::Dumb, 10),
                                  candidate("network", CandidateKind::Network, 12)};
  EXPECT_TRUE(has(evaluation_findings(board, "rmse", false, false, {}), "eval.no_better_than_dumb"));
  board[1] = candidate("network", CandidateKind::Network, 8);
  EXPECT_FALSE(has(evaluation_findings(board, "rmse", false, false, {}), "eval.no_better_than_dumb"));
}

TEST(EvaluationChecks, BehindGbdtFiresOnlyBeyondTheMargin) {
  std::vector<Candidate> board = {candidate("xgboost", CandidateKind::Xgboost, 0.90),
                                  candidate("network", CandidateKind::Network, 0.85),
                                  candidate("majority", CandidateKind::Dumb, 0.5)};
  const std::vector<Finding> found = evaluation_findings(board, "auc", true, true, calibrated());
  ASSERT_TRUE(has(found, "eval.behind_gbdt"));
  EXPECT_NEAR(found.front().evidence.at("gap").get<double>(), 0.05, 1e-12);
  // Within a point of AUC: level, not behind.
  board[1] = candidate("network", CandidateKind::Network, 0.895);
  EXPECT_FALSE(has(evaluation_findings(board, "auc", true, true, calibrated()), "eval.behind_gbdt"));
}

TEST(EvaluationChecks, BehindGbdtUsesARelativeMarginForRmse) {
  std::vector<Candidate> board = {candidate("xgboost", CandidateKind::Xgboost, 4.0),
                                  candidate("network", CandidateKind::Network, 4.5),
                                  candidate("mean", CandidateKind::Dumb, 16)};
  EXPECT_TRUE(has(evaluation_findings(board, "rmse", false, false, {}), "eval.behind_gbdt"));  // 12.5% worse
  board[1] = candidate("network", CandidateKind::Network, 4.1);                                // 2.5% worse
  EXPECT_FALSE(has(evaluation_findings(board, "rmse", false, false, {}), "eval.behind_gbdt"));
}

TEST(EvaluationChecks, CalibrationFiresAboveTenPercentForClassifiersOnly) {
  ErrorAnalysis a = calibrated();
  a.calibration.ece = 0.17;
  EXPECT_TRUE(has(evaluation_findings(healthy(), "auc", true, true, a), "eval.calibration"));
  EXPECT_FALSE(has(evaluation_findings(healthy(), "rmse", false, false, a), "eval.calibration"));
  a.calibration.ece = 0.099;
  EXPECT_FALSE(has(evaluation_findings(healthy(), "auc", true, true, a), "eval.calibration"));
}

TEST(EvaluationChecks, LabelIssuesFireOnManyConfidentDisputes) {
  ErrorAnalysis a = calibrated();
  a.confident_disputes = 90;  // 3% of the rows
  const std::vector<Finding> found = evaluation_findings(healthy(), "auc", true, true, a);
  ASSERT_TRUE(has(found, "analyze.label_issues"));
  EXPECT_EQ(found.front().evidence.at("confident_disputes").get<std::size_t>(), 90u);
}

TEST(EvaluationChecks, LabelIssuesStayQuietOnFewConfidentDisputes) {
  ErrorAnalysis a = calibrated();
  a.confident_disputes = 60;  // 2.0% exactly: not above the share
  EXPECT_FALSE(has(evaluation_findings(healthy(), "auc", true, true, a), "analyze.label_issues"));
  a.confident_disputes = 9;  // 3% of a small table, but under the 10-row floor
  a.label_issue_rows = 300;
  EXPECT_FALSE(has(evaluation_findings(healthy(), "auc", true, true, a), "analyze.label_issues"));
  a.label_issue_rows = 0;  // not analysed (regression, images, no budget)
  a.confident_disputes = 0;
  EXPECT_FALSE(has(evaluation_findings(healthy(), "auc", true, true, a), "analyze.label_issues"));
}

}  // namespace
}  // namespace nnrecipe
