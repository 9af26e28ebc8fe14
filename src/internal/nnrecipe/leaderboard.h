#pragma once
// `nnrecipe baseline`: the dumb baseline (majority class / mean), a linear
// model, xgboost and the configured network, all on the same splits and the
// same fitted transforms, ranked by the task's selection metric on
// validation. The test split is scored once per model and only reported.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/baselines.h"
#include "nnrecipe/config.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe {

struct LeaderboardEntry {
  std::string name;  ///< "majority" | "mean", "linear", "xgboost", "network"
  std::map<std::string, double> val, test;
  double seconds = 0;
  std::string detail;  ///< e.g. "best round 37", "best epoch 12"
};

struct Leaderboard {
  Task task = Task::Regression;
  std::string selection_metric;
  bool higher_is_better = true;
  std::vector<LeaderboardEntry> entries;  ///< best first (by validation)
};

/// Metrics of predictions against an encoded split's target (regression in
/// original units).
std::map<std::string, double> score_predictions(const Predictions& p, const EncodedData& split,
                                                const FittedTransform& ft);

/// Trains and scores every baseline and the configured network. With
/// run_dir, the network's run directory is run_dir/network.
Leaderboard run_baselines(const Config& config, const EncodedSplits& splits, const std::string& run_dir = "");

nlohmann::json to_json(const Leaderboard& board);
/// Terminal table: model, val and test selection metric, other metrics, time.
std::string render(const Leaderboard& board);

}  // namespace nnrecipe
