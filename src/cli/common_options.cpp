#include "cli/common_options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "nnrecipe/runtime.h"

namespace nnrecipe::cli {

void add_data_options(CLI::App* cmd, DataOptions& o, unsigned which) {
  const std::string group = "Data and config (each is also a config key)";
  auto add = [&](const char* name, std::string& field, const char* help) {
    cmd->add_option(name, field, help)->group(group);
  };
  auto add_list = [&](const char* name, std::vector<std::string>& field, const char* help) {
    cmd->add_option(name, field, help)->group(group);
  };
  if (which & kTarget) add("--target", o.target, "Target column (data.target)");
  if (which & kTest) {
    add("--test", o.test,
        "Test CSV, read with the training file's column types (data.test; default: a held-out split)");
  }
  if (which & kTask) add("--task", o.task, "binary | multiclass | regression (data.task; default: inferred)");
  if (which & kDelimiter) {
    add("--delimiter", o.delimiter, "CSV field delimiter: one character or 'tab' (data.delimiter; default: detected)");
  }
  if (which & kTypes) {
    add_list("--type", o.types, "Force a column's type: COLUMN=numeric|categorical|boolean (data.types; repeatable)");
  }
  if (which & kSeed) {
    cmd->add_option("--seed", o.seed, "Seed of the splits, initialization and sampling (train.seed)")
        ->type_name("INT")
        ->group(group);
  }
  if (which & kIgnore)
    add_list("--ignore", o.ignore, "Silence a check id, e.g. data.skewed (checks.ignore; repeatable)");
  if (which & kSet) add_list("--set", o.sets, "Override any config key: KEY=VALUE, value in YAML (repeatable)");
}

std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

void apply_data_options(Config& config, const DataOptions& o) {
  auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) apply_override(config, std::string(key) + "=" + yaml_quoted(value));
  };
  // The options add to the list the config already has.
  auto add_to_list = [&](const char* key, std::vector<std::string> list, const std::vector<std::string>& more) {
    if (more.empty()) return;
    list.insert(list.end(), more.begin(), more.end());
    std::vector<std::string> quoted;
    for (const std::string& v : list) quoted.push_back(yaml_quoted(v));
    apply_override(config, fmt::format("{}=[{}]", key, fmt::join(quoted, ", ")));
  };
  set("data.target", o.target);
  set("data.test", o.test);
  set("data.task", o.task);
  set("data.delimiter", o.delimiter);
  add_to_list("data.types", config.data.types, o.types);
  if (!o.seed.empty()) apply_override(config, "train.seed=" + o.seed);  // a number: the parser checks it
  add_to_list("checks.ignore", config.checks.ignore, o.ignore);
  for (const std::string& s : o.sets) apply_override(config, s);
}

Config load_input(const std::string& input) {
  if (is_yaml_path(input)) return load_config(input);
  Config config;
  config.data.train = input;
  return config;
}

GlobalOptions& global_options() {
  static GlobalOptions options;
  return options;
}

void apply_threads(Config& config) {
  if (global_options().threads > 0) config.train.threads = static_cast<int64_t>(global_options().threads);
  if (config.train.threads > 0) configure_threads(static_cast<std::size_t>(config.train.threads));
}

}  // namespace nnrecipe::cli
