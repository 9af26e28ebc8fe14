// The YAML config reader and `--set KEY=VALUE` overrides on arbitrary text.
// The input is split at NUL bytes: the first part is the config file, each
// further part one --set. A config that loads must also survive its own
// serialization: to_yaml of it parses back to the same YAML (what a run
// directory's config.yaml and a model's saved config rely on).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "nnrecipe/config.h"
#include "nnrecipe/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t nul = text.find('\0'); nul != std::string::npos; nul = text.find('\0', start)) {
    parts.push_back(text.substr(start, nul - start));
    start = nul + 1;
  }
  parts.push_back(text.substr(start));
  nnrecipe::Config config;
  try {
    config = nnrecipe::parse_config(parts[0], "fuzz.yaml");
  } catch (const nnrecipe::InputError&) {
    return 0;
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    try {
      nnrecipe::apply_override(config, parts[i]);
    } catch (const nnrecipe::InputError&) {
    }
  }
  const std::string yaml = nnrecipe::to_yaml(config);
  nnrecipe::Config again;
  try {
    again = nnrecipe::parse_config(yaml, "to_yaml");
  } catch (const nnrecipe::InputError&) {
    std::fprintf(stderr, "to_yaml wrote YAML that does not load:\n%s\n", yaml.c_str());
    nnrecipe::fuzz::require(false);
  }
  if (nnrecipe::to_yaml(again) != yaml) {
    std::fprintf(stderr, "to_yaml round trip differs:\n--- first\n%s\n--- again\n%s\n", yaml.c_str(),
                 nnrecipe::to_yaml(again).c_str());
    nnrecipe::fuzz::require(false);
  }
  for (const nnrecipe::OptionInfo& option : nnrecipe::config_options()) {
    nnrecipe::fuzz::require(nnrecipe::option_value_text(config, option.key) ==
                            nnrecipe::option_value_text(again, option.key));
  }
  return 0;
}
