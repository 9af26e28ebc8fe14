// `nnrecipe checks` (the catalogue) and `nnrecipe check CONFIG` (the checks
// that run before training, on the config and its data).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/check_catalogue.h"
#include "nnrecipe/config.h"
#include "nnrecipe/config_lint.h"
#include "nnrecipe/error.h"
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

namespace {

// Lint, then preflight on the real model and a batch. Preflight needs a
// model the config can build and a loss it accepts: after a lint error
// (e.g. bce on a regression target) it may not be.
FindingSet run_checks(const Config& config, const PreparedData& data) {
  FindingSet set = run_lint(config, data);
  if (!set.has_errors()) merge(set, preflight_network(config, data));
  return set;
}

// credit_mlp.yaml -> credit_mlp.fixed.yaml, next to it.
std::string fixed_config_path(const std::string& config) {
  if (config.empty()) return "nnrecipe.fixed.yaml";
  std::filesystem::path p(config);
  return (p.parent_path() / (p.stem().string() + ".fixed.yaml")).string();
}

// Applies each finding's fix_set (errors first; a key in `keys`, already
// set by an earlier fix, is not changed again) and returns
// "key: old -> new (id)" lines.
std::vector<std::string> apply_fixes(Config& config, const FindingSet& set, std::vector<std::string>& keys) {
  std::vector<std::string> changes;
  for (const Finding& f : set.findings) {
    for (const auto& [key, value] : f.fix_set.items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      keys.push_back(key);
      const std::string before = option_value_text(config, key);
      apply_override(config, key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
      changes.push_back(fmt::format("{}: {} -> {}  ({})", key, before, option_value_text(config, key), f.id));
    }
  }
  return changes;
}

}  // namespace

void print_findings(const FindingSet& set) {
  if (set.findings.empty()) {
    fmt::print("checks: no findings{}\n", set.ignored.empty() ? "" : " (some silenced, below)");
  }
  std::cout << render_findings(set);
  std::cout.flush();
}

CommandRunner add_checks_command(CLI::App& app) {
  auto markdown = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("checks", "The check catalogue: every check's id, severity and when it fires");
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
    std::string config, json, fix;
    bool fix_given = false;
    DataOptions data;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("check", "The checks before training, in seconds: config lint and preflight");
  cmd->add_option("INPUT", args->config,
                  "A YAML config (see `nnrecipe config --reference`), or a CSV file (then give --target); optional "
                  "with --set data.train=...");
  add_data_options(cmd, args->data);
  cmd->add_option("--json", args->json, "Also write the findings as JSON to this file");
  cmd->add_option("--fix", args->fix,
                  "Write a corrected config with every mechanical fix applied (each change is printed; the input "
                  "config is never modified), to FILE or, without one, to CONFIG's name with .fixed.yaml; then "
                  "check the corrected config")
      ->expected(0, 1)
      ->type_name("[FILE]");
  cmd->footer(
      "\nThe config lint (loss vs task, learning-rate range, normalization, batch size, ...), then the preflight on "
      "the real model and a real batch (loss at init, gradient and optimizer coverage, batch independence, eval "
      "determinism, output range, overfitting one small batch). Prints findings, errors first; exit 1 if any is an "
      "error. `nnrecipe train` runs the same checks first, and the training monitors while it trains.\n\n"
      "Examples:\n  nnrecipe check examples/configs/credit_mlp.yaml --set train.loss=mse\n"
      "  nnrecipe check examples/configs/credit_mlp.yaml --set train.lr=5 --fix   # writes credit_mlp.fixed.yaml");
  return [args, cmd] {
    args->fix_given = cmd->count("--fix") > 0;
    const std::string out = args->fix.empty() ? fixed_config_path(args->config) : args->fix;
    if (args->fix_given && !args->config.empty() &&
        std::filesystem::weakly_canonical(out) == std::filesystem::weakly_canonical(args->config)) {
      throw InputError(out, "--fix never overwrites the config it checks; name another file");
    }
    Config config;
    if (!args->config.empty()) config = load_input(args->config);
    apply_data_options(config, args->data);
    apply_threads(config);
    const PreparedData data = prepare_data(config);
    FindingSet set = run_checks(config, data);
    print_findings(set);
    if (!args->json.empty()) write_json_atomic(args->json, to_json(set));
    if (!args->fix_given) return set.has_errors() ? kExitFindings : kExitOk;

    // A lint error keeps preflight from running, so fixing it can reveal
    // more: fix, check again, up to three rounds (a key is changed once).
    std::vector<std::string> changes, keys;
    FindingSet after = set;
    for (int round = 0; round < 3; ++round) {
      const auto more = apply_fixes(config, after, keys);
      if (more.empty()) break;
      changes.insert(changes.end(), more.begin(), more.end());
      after = run_checks(config, prepare_data(config));
    }
    if (changes.empty()) {
      fmt::print("\n--fix: no finding has a mechanical fix; nothing written\n");
      return set.has_errors() ? kExitFindings : kExitOk;
    }
    for (std::string* p : {&config.data.train, &config.data.val, &config.data.test}) {
      if (!p->empty()) *p = std::filesystem::absolute(*p).lexically_normal().string();  // valid from anywhere
    }
    write_file_atomic(out, "# Written by `nnrecipe check --fix`" +
                               (args->config.empty() ? std::string() : " from " + args->config) + "\n" +
                               to_yaml(config));
    fmt::print("\n--fix wrote {} with {} change{}:\n", out, changes.size(), changes.size() == 1 ? "" : "s");
    for (const std::string& line : changes) fmt::print("  {}\n", line);
    fmt::print("\nthe corrected config, checked again:\n");
    print_findings(after);
    return after.has_errors() ? kExitFindings : kExitOk;
  };
}

}  // namespace nnrecipe::cli
