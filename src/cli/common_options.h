#pragma once
// The options that mean the same in every command: one registration, one
// meaning, and each data option is also a config key (docs/cli.md).
//
//   INPUT                a YAML config, or the data (CSV / image directory)
//   --target --test --task --delimiter --type --seed --ignore
//                        data.target, data.test, data.task, data.delimiter,
//                        data.types, train.seed, checks.ignore
//   --set KEY=VALUE      any config key
//   --quiet, --threads   global: accepted before or after the command
//
// Precedence, lowest first: the defaults, the config file, these options,
// --set (applied in order), and --threads over train.threads.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "nnrecipe/config.h"

namespace nnrecipe::cli {

/// The options shared by the commands that read data.
struct DataOptions {
  std::string target, test, task, delimiter, seed;
  std::vector<std::string> types, ignore, sets;
};

/// Which of the shared options a command takes (a model's --target, a
/// --test split, ... make no sense to `predict`).
enum DataOptionSet : unsigned {
  kTarget = 1u << 0,
  kTest = 1u << 1,
  kTask = 1u << 2,
  kDelimiter = 1u << 3,
  kTypes = 1u << 4,
  kSeed = 1u << 5,
  kIgnore = 1u << 6,
  kSet = 1u << 7,
  kAllDataOptions = 0xff,
};

/// Registers the chosen shared options on `cmd` (group "Data and config").
void add_data_options(CLI::App* cmd, DataOptions& options, unsigned which = kAllDataOptions);

/// Applies the options to `config` through the config parser (so a bad value
/// is reported as the key's error), --set last.
void apply_data_options(Config& config, const DataOptions& options);

/// INPUT as a command reads it: a .yaml/.yml file is a config, anything else
/// the training data (data.train).
Config load_input(const std::string& input);

/// The global options (main.cpp registers them).
struct GlobalOptions {
  bool quiet = false;       ///< print only the final summary, findings and errors
  std::size_t threads = 0;  ///< --threads; 0 = not given
};
GlobalOptions& global_options();

/// --threads wins over train.threads (the command line over the file), and
/// the resolved count is recorded in the config; then the runtime uses it.
void apply_threads(Config& config);

/// A string as a YAML scalar that reads back as the same string.
std::string yaml_quoted(const std::string& text);

}  // namespace nnrecipe::cli
