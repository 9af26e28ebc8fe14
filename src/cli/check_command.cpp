// `nnrecipe checks` (the catalogue) and `nnrecipe check CONFIG` (the checks
// that run before training, on the config and its data).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "nnrecipe/check_catalogue.h"
#include "nnrecipe/config.h"
#include "nnrecipe/config_lint.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/text_table.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe::cli {

FindingSet run_lint(const Config& config, const PreparedData& data) {
  FindingSet set;
  set.add(lint_config(config, data_facts(data)), config.checks.ignore);
  return set;
}

void merge(FindingSet& into, const FindingSet& from) {
  for (const std::string& id : from.ignored) {
    if (std::find(into.ignored.begin(), into.ignored.end(), id) == into.ignored.end()) into.ignored.push_back(id);
  }
  into.add(from.findings, {});
}

void print_findings(const FindingSet& set) {
  if (set.findings.empty()) {
    fmt::print("checks: no findings{}\n", set.ignored.empty() ? "" : " (some silenced, below)");
  }
  std::cout << render_findings(set);
  std::cout.flush();
}

CommandRunner add_checks_command(CLI::App& app) {
  auto markdown = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "checks", "List the check catalogue: every check's id, severity, when it fires and why it matters.");
  cmd->add_flag("--markdown", *markdown, "Print docs/checks.md instead of a table");
  return [markdown] {
    if (*markdown) {
      std::cout << checks_reference_markdown();
      return kExitOk;
    }
    using A = TextTable::Align;
    TextTable table({"id", "severity", "group", "fires when"}, {A::Left, A::Left, A::Left, A::Left});
    for (const CheckInfo& c : check_catalogue()) table.add_row({c.id, c.severity, c.group, c.detects});
    std::cout << table.render(160);
    fmt::print("\n{} checks; `nnrecipe checks --markdown` adds why each matters (docs/checks.md).\n",
               check_catalogue().size());
    return kExitOk;
  };
}

CommandRunner add_check_command(CLI::App& app) {
  struct Args {
    std::string config, json;
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Run the checks that come before training on a config and its data, in seconds: the config lint (loss vs "
      "task, learning-rate range, normalization, batch size, ...), then the preflight on the real model and a real "
      "batch (loss at init, gradient and optimizer coverage, batch independence, eval determinism, output range, "
      "overfitting one small batch). Prints findings, errors first; exit 1 if any is an error. `nnrecipe train` runs "
      "the same checks first, and the training monitors while it trains.");
  cmd->add_option("CONFIG", args->config, "YAML config (see `nnrecipe config --reference`); optional with --set");
  cmd->add_option("--set", args->sets, "Override an option: KEY=VALUE, value in YAML (repeatable)");
  cmd->add_option("--json", args->json, "Also write the findings as JSON to this file");
  cmd->footer("\nExample:\n  nnrecipe check examples/configs/credit_mlp.yaml --set train.loss=mse");
  return [args] {
    Config config = args->config.empty() ? Config{} : load_config(args->config);
    for (const std::string& s : args->sets) apply_override(config, s);
    const PreparedData data = prepare_data(config);
    FindingSet set = run_lint(config, data);
    // Preflight needs a model the config can build and a loss it accepts:
    // after a lint error (e.g. bce on a regression target) it may not be.
    if (!set.has_errors()) merge(set, preflight_network(config, data));
    print_findings(set);
    if (!args->json.empty()) write_json_atomic(args->json, to_json(set));
    return set.has_errors() ? kExitFindings : kExitOk;
  };
}

}  // namespace nnrecipe::cli
