// `nnrecipe config [CONFIG] [--set k=v]...`: validate a config and print it
// resolved (every option with its value), or print the option reference.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "nnrecipe/config.h"

namespace nnrecipe::cli {

CommandRunner add_config_command(CLI::App& app) {
  struct Args {
    std::string path;
    std::vector<std::string> sets;
    bool reference = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("config", "Check a YAML config and print it resolved, defaults filled in");
  cmd->add_option("CONFIG", args->path, "YAML config file (omit to see the defaults)");
  cmd->add_option("--set", args->sets, "Override an option: KEY=VALUE, value in YAML (repeatable)");
  cmd->add_flag("--reference", args->reference, "Print the option reference (docs/config.md) instead");
  return [args] {
    if (args->reference) {
      std::cout << config_reference_markdown();
      return kExitOk;
    }
    Config config;
    if (!args->path.empty()) config = load_config(args->path);
    for (const std::string& s : args->sets) apply_override(config, s);
    std::cout << to_yaml(config);
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
