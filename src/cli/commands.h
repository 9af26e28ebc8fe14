#pragma once
// Each subcommand registers its options on the app and returns the function
// that runs it. Commands return the process exit code:
// 0 ok, 1 an error-level finding, 2 bad input or usage.
#include <CLI/CLI.hpp>

#include <functional>

namespace nnrecipe::cli {

using CommandRunner = std::function<int()>;

enum ExitCode { kExitOk = 0, kExitFindings = 1, kExitBadInput = 2 };

CommandRunner add_inspect_command(CLI::App& app);
CommandRunner add_config_command(CLI::App& app);
CommandRunner add_train_command(CLI::App& app);
CommandRunner add_predict_command(CLI::App& app);
CommandRunner add_baseline_command(CLI::App& app);

}  // namespace nnrecipe::cli
