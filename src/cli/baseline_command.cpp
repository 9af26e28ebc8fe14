// `nnrecipe baseline CONFIG|DATA [--target COL]`: the leaderboard of the dumb
// baseline, a linear model, xgboost and the configured network.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/leaderboard.h"
#include "nnrecipe/reports.h"
#include "nnrecipe/runtime.h"

namespace nnrecipe::cli {

CommandRunner add_baseline_command(CLI::App& app) {
  struct Args {
    std::string input, out;
    DataOptions data;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("baseline", "Majority/mean, linear, xgboost and the network, side by side");
  cmd->footer(
      "\nMajority class / mean, a linear model, xgboost (defaults, seeded, early stopping on validation) and the "
      "configured network on the same splits and transforms, ranked on validation; the test split scored once. "
      "Writes leaderboard.csv and summary.json (as `nnrecipe run` does) and the network's run.\n\n"
      "Example:\n  nnrecipe baseline credit_data.csv --target Status");
  cmd->add_option("INPUT", args->input, "A YAML config, or a CSV file (then give --target)")->required();
  add_data_options(cmd, args->data);
  cmd->add_option("--out", args->out,
                  "Directory for leaderboard.csv, summary.json and the network's run (default: runs/baseline-<name>)");
  return [args] {
    Config config = load_input(args->input);
    apply_data_options(config, args->data);
    apply_threads(config);
    const std::string dir = args->out.empty() ? "runs/baseline-" + file_stem(args->input) : args->out;
    make_directories(dir);

    const EncodedSplits splits = encode_splits(config);
    const Leaderboard board = run_baselines(config, splits, dir);
    nlohmann::json j = to_json(board);
    j["rows"] = {{"train", splits.train.rows}, {"val", splits.val.rows}, {"test", splits.test.rows}};
    write_json_atomic(dir + "/summary.json", j);
    write_file_atomic(dir + "/leaderboard.csv", leaderboard_csv(board));
    fmt::print("{} task, selection metric {} (validation); {} / {} / {} rows train / val / test\n\n",
               to_string(board.task), board.selection_metric, splits.train.rows, splits.val.rows, splits.test.rows);
    std::cout << render(board);
    fmt::print("leaderboard: {0}/leaderboard.csv, {0}/summary.json\n", dir);
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
