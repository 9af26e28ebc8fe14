// `nnrecipe baseline CONFIG|DATA [--target COL]`: the leaderboard of the dumb
// baseline, a linear model, xgboost and the configured network.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/leaderboard.h"
#include "nnrecipe/runtime.h"

namespace nnrecipe::cli {

CommandRunner add_baseline_command(CLI::App& app) {
  struct Args {
    std::string input, target, out;
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "baseline",
      "Majority class / mean, a linear model, xgboost (defaults, seeded, early stopping on validation) and the "
      "configured network on the same splits and transforms, ranked on validation; test scored once. Writes "
      "leaderboard.json.");
  cmd->add_option("INPUT", args->input, "A YAML config, or a CSV file (then give --target)")->required();
  cmd->add_option("--target", args->target, "Target column (with a CSV input)");
  cmd->add_option("--set", args->sets, "Override an option: KEY=VALUE, value in YAML (repeatable)");
  cmd->add_option("--out", args->out,
                  "Directory for leaderboard.json and the network's run (default: runs/baseline-<name>)");
  return [args] {
    Config config;
    if (is_yaml_path(args->input)) {
      config = load_config(args->input);
    } else {
      config.data.train = args->input;
    }
    if (!args->target.empty()) config.data.target = args->target;
    for (const std::string& s : args->sets) apply_override(config, s);
    if (config.train.threads > 0) configure_threads(static_cast<std::size_t>(config.train.threads));
    const std::string dir = args->out.empty() ? "runs/baseline-" + file_stem(args->input) : args->out;
    make_directories(dir);

    const EncodedSplits splits = encode_splits(config);
    const Leaderboard board = run_baselines(config, splits, dir);
    nlohmann::json j = to_json(board);
    j["rows"] = {{"train", splits.train.rows}, {"val", splits.val.rows}, {"test", splits.test.rows}};
    write_json_atomic(dir + "/leaderboard.json", j);
    fmt::print("{} task, selection metric {} (validation); {} / {} / {} rows train / val / test\n\n",
               to_string(board.task), board.selection_metric, splits.train.rows, splits.val.rows, splits.test.rows);
    std::cout << render(board);
    fmt::print("leaderboard: {}/leaderboard.json\n", dir);
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
