#pragma once
// Each subcommand registers its options on the app and returns the function
// that runs it. Commands return the process exit code:
// 0 ok, 1 an error-level finding, 2 bad input or usage.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "nnrecipe/findings.h"

namespace nnrecipe {
struct Config;
struct PreparedData;
}  // namespace nnrecipe

namespace nnrecipe::cli {

using CommandRunner = std::function<int()>;

/// "dir/credit_data.csv" -> "credit_data": names run directories.
inline std::string file_stem(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  return name.substr(0, name.find('.'));
}

/// Whether a command's input names a YAML config (.yaml / .yml) rather
/// than a data file.
inline bool is_yaml_path(const std::string& path) {
  for (const std::string e : {".yaml", ".yml"}) {
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

/// What the exit code says, one thing each (documented in `nnrecipe --help`).
enum ExitCode {
  kExitOk = 0,
  kExitFindings = 1,  ///< an error-level finding, or a --strict stop
  kExitBadInput = 2,  ///< bad input or usage: the message names file/line/column or option
  kExitFailure = 3,   ///< an internal error or a failure of the system (no space, a killed worker)
  /// SIGINT/SIGTERM ended the command gracefully: 128 + SIGINT, as shells
  /// report a process that Ctrl-C ended.
  kExitInterrupted = 130,
};

/// The exit codes in words (`nnrecipe --help`, docs/cli.md).
inline constexpr const char* kExitCodesHelp =
    "0 ok; 1 an error-level finding (or a --strict stop); 2 bad input or usage (the message names the file, "
    "line, column or option); 3 a failure that is not the input's: the system's (no space left, a killed worker) "
    "or an internal error; 130 interrupted (Ctrl-C or SIGTERM: train, run, tune and prune stop within a step and "
    "write what they have done; a second signal stops at once).";

CommandRunner add_inspect_command(CLI::App& app);
CommandRunner add_config_command(CLI::App& app);
CommandRunner add_train_command(CLI::App& app);
CommandRunner add_predict_command(CLI::App& app);
CommandRunner add_baseline_command(CLI::App& app);
CommandRunner add_checks_command(CLI::App& app);
CommandRunner add_check_command(CLI::App& app);
CommandRunner add_tune_command(CLI::App& app);
CommandRunner add_tune_trial_command(CLI::App& app);
CommandRunner add_prune_command(CLI::App& app);
CommandRunner add_run_command(CLI::App& app);

// Shared by `check` and `train` (check_command.cpp).
/// Config lint on the config and its prepared data, checks.ignore applied.
FindingSet run_lint(const Config& config, const PreparedData& data);
/// Adds `from`'s findings and silenced ids to `into`.
void merge(FindingSet& into, const FindingSet& from);
/// Findings to stdout, errors first, with the silenced ids.
void print_findings(const FindingSet& set);

}  // namespace nnrecipe::cli
