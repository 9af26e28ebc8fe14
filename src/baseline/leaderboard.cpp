#include "nnrecipe/leaderboard.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "nnrecipe/metrics.h"
#include "nnrecipe/text_table.h"

namespace nnrecipe {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

LeaderboardEntry train_network(const std::string& name, Config config, const EncodedSplits& splits,
                               const std::string& run_dir) {
  const auto start = Clock::now();
  TrainerOptions options;
  options.run_dir = run_dir;
  const TrainOutcome out = train_network(config, prepare_data(splits), options);
  return {name, out.val, out.test, seconds_since(start),
          fmt::format("best epoch {} of {}, {} parameters", out.best_epoch, out.history.size(), out.params)};
}

}  // namespace

std::map<std::string, double> score_predictions(const Predictions& p, const EncodedData& split,
                                                const FittedTransform& ft) {
  if (p.task == Task::Regression) {
    std::vector<double> truth;
    truth.reserve(split.target.size());
    for (float z : split.target) truth.push_back(ft.inverse_target(z));
    return regression_metrics(truth, p.values);
  }
  return classification_metrics(split.labels, p.probs, p.classes);
}

Leaderboard run_baselines(const Config& config, const EncodedSplits& splits, const std::string& run_dir) {
  Leaderboard board;
  board.task = splits.task;
  std::vector<int64_t> class_counts;
  for (int64_t label : splits.train.labels) {
    if (label >= static_cast<int64_t>(class_counts.size())) class_counts.resize(static_cast<std::size_t>(label) + 1, 0);
    ++class_counts[static_cast<std::size_t>(label)];
  }
  const SelectionMetric metric = default_selection_metric(splits.task, class_counts);
  board.selection_metric = metric.name;
  board.higher_is_better = metric.higher_is_better;
  const FittedTransform& ft = splits.transform;

  {
    const auto start = Clock::now();
    const PriorBaseline prior = PriorBaseline::fit(splits.train, ft);
    board.entries.push_back({splits.task == Task::Regression ? "mean" : "majority",
                             score_predictions(prior.predict(splits.val), splits.val, ft),
                             score_predictions(prior.predict(splits.test), splits.test, ft), seconds_since(start),
                             "predicts the training prior"});
  }
  {
    // Logistic / softmax / linear regression is convex: solve it (full-batch
    // L-BFGS, L2 at scikit-learn's C = 1, as the recipe's baseline stage
    // does) so it is a fair baseline rather than an under-trained one.
    Config linear = config;
    linear.model.type = "linear";
    linear.model.dropout = 0;
    linear.train.optimizer = "lbfgs";
    linear.train.lr = 1;
    linear.train.weight_decay = 1.0 / static_cast<double>(std::max<std::size_t>(splits.train.rows, 1));
    linear.train.epochs = std::max<int64_t>(config.train.epochs, 100);
    linear.train.early_stopping.patience = 10;
    linear.train.early_stopping.metric = "val_loss";  // the optimum, not the first epoch's lucky AUC
    board.entries.push_back(train_network("linear", linear, splits, ""));
  }
  {
    const auto start = Clock::now();
    XgboostOptions xo;
    xo.seed = static_cast<uint64_t>(config.train.seed.value_or(0));
    const XgboostBaseline xgb = XgboostBaseline::fit(splits.train, splits.val, ft, xo);
    board.entries.push_back({"xgboost", score_predictions(xgb.predict(splits.val), splits.val, ft),
                             score_predictions(xgb.predict(splits.test), splits.test, ft), seconds_since(start),
                             fmt::format("best round {} of {}", xgb.best_iteration() + 1, xgb.rounds())});
  }
  board.entries.push_back(train_network("network", config, splits, run_dir.empty() ? "" : run_dir + "/network"));

  // Rank by validation only; an undefined metric (NaN) goes last.
  std::stable_sort(board.entries.begin(), board.entries.end(),
                   [&](const LeaderboardEntry& a, const LeaderboardEntry& b) {
                     return is_better(metric, a.val.at(metric.name), b.val.at(metric.name));
                   });
  return board;
}

nlohmann::json to_json(const Leaderboard& board) {
  nlohmann::json models = nlohmann::json::array();
  for (const LeaderboardEntry& e : board.entries) {
    models.push_back(
        {{"name", e.name}, {"val", e.val}, {"test", e.test}, {"seconds", e.seconds}, {"detail", e.detail}});
  }
  return {{"task", to_string(board.task)},
          {"selection_metric", board.selection_metric},
          {"higher_is_better", board.higher_is_better},
          {"winner", board.entries.empty() ? "" : board.entries.front().name},
          {"models", models}};
}

std::string render(const Leaderboard& board) {
  using A = TextTable::Align;
  const std::string m = board.selection_metric;
  TextTable table({"model", "val " + m, "test " + m, "seconds", "detail"},
                  {A::Left, A::Right, A::Right, A::Right, A::Left});
  for (const LeaderboardEntry& e : board.entries) {
    table.add_row({e.name, fmt::format("{:.4f}", e.val.at(m)), fmt::format("{:.4f}", e.test.at(m)),
                   fmt::format("{:.1f}", e.seconds), e.detail});
  }
  std::string out = table.render(80);
  if (board.entries.size() >= 2) {
    const LeaderboardEntry& best = board.entries.front();
    const auto network = std::find_if(board.entries.begin(), board.entries.end(),
                                      [](const LeaderboardEntry& e) { return e.name == "network"; });
    if (best.name != "network" && network != board.entries.end()) {
      out += fmt::format("\n{} beats the network on validation {}: {:.4f} vs {:.4f} ({:+.4f}).\n", best.name, m,
                         best.val.at(m), network->val.at(m), network->val.at(m) - best.val.at(m));
    } else if (best.name == "network") {
      out += fmt::format("\nThe network leads on validation {} ({:.4f}).\n", m, best.val.at(m));
    }
  }
  return out;
}

}  // namespace nnrecipe
