// Search spaces: parsing with errors that name file, line and key, and the
// map from unit-cube points to config overrides.
#include "nnrecipe/search_space.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"

namespace nnrecipe {
namespace {

std::string flow(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

struct Place {
  std::string source;
  std::size_t line = 0, column = 0;
};

Place place(const std::string& source, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return {source};
  return {source, static_cast<std::size_t>(m.line + 1), static_cast<std::size_t>(m.column + 1)};
}

[[noreturn]] void fail(const Place& p, const std::string& key, const std::string& message) {
  throw InputError(p.source, fmt::format("'{}': {}", key, message), p.line, p.column);
}

/// A mapping key as text: a plain scalar (a key that is itself a list or a
/// mapping, "{[a, b]: ...}", is refused where it stands).
std::string key_name(const YAML::Node& n, const std::string& source, const std::string& within) {
  if (!n.IsScalar()) {
    const Place p = place(source, n);
    throw InputError(p.source, "keys must be plain names" + (within.empty() ? "" : " (in '" + within + "')"), p.line,
                     p.column);
  }
  return n.Scalar();
}

// The value must be one the config accepts for `key`: checked by applying it.
void check_value(const Place& p, const std::string& key, const std::string& value) {
  Config probe;
  try {
    apply_override(probe, key + "=" + value);
  } catch (const InputError& e) {
    fail(p, key, fmt::format("value {} is not accepted: {}", value, e.what()));
  }
}

SearchParam parse_param(const std::string& key, const YAML::Node& spec, const std::string& source) {
  const Place p = place(source, spec);
  {
    Config probe;
    try {
      option_value_text(probe, key);
    } catch (const InputError&) {
      fail(p, key, "not a config option (see `nnrecipe config --reference`)");
    }
  }
  if (!spec.IsMap()) fail(p, key, "expected a distribution, e.g. {log_uniform: [1e-4, 1e-2]} or {choice: [a, b]}");
  SearchParam param;
  param.key = key;
  bool have_distribution = false;
  for (const auto& kv : spec) {
    const std::string name = key_name(kv.first, source, key);
    const Place at = place(source, kv.second);
    if (name == "when") {
      if (!kv.second.IsMap() || kv.second.size() != 1) fail(at, key, "when: expects one condition, {KEY: [VALUES]}");
      const auto cond = *kv.second.begin();
      param.when_key = key_name(cond.first, source, key);
      const YAML::Node values = cond.second;
      if (values.IsSequence()) {
        for (const auto& v : values) param.when_values.push_back(flow(v));
      } else {
        param.when_values.push_back(flow(values));
      }
      for (const std::string& v : param.when_values) check_value(at, param.when_key, v);
      continue;
    }
    if (have_distribution) fail(at, key, "one distribution per key");
    have_distribution = true;
    if (name == "choice") {
      if (!kv.second.IsSequence() || kv.second.size() == 0) fail(at, key, "choice: expects a non-empty list");
      for (const auto& v : kv.second) {
        param.choices.push_back(flow(v));
        check_value(at, key, param.choices.back());
      }
      param.kind = SearchParam::Kind::Choice;
      continue;
    }
    if (name == "uniform") {
      param.kind = SearchParam::Kind::Uniform;
    } else if (name == "log_uniform") {
      param.kind = SearchParam::Kind::LogUniform;
    } else if (name == "int") {
      param.kind = SearchParam::Kind::Int;
    } else if (name == "log_int") {
      param.kind = SearchParam::Kind::LogInt;
    } else {
      fail(at, key, fmt::format("unknown distribution '{}'; use uniform, log_uniform, int, log_int or choice", name));
    }
    if (!kv.second.IsSequence() || kv.second.size() != 2) fail(at, key, name + ": expects [LOW, HIGH]");
    try {
      param.lo = kv.second[0].as<double>();
      param.hi = kv.second[1].as<double>();
    } catch (const YAML::Exception&) {
      fail(at, key, name + ": LOW and HIGH must be numbers");
    }
    if (!(param.lo <= param.hi)) fail(at, key, fmt::format("{}: LOW {} is above HIGH {}", name, param.lo, param.hi));
    const bool log = param.kind == SearchParam::Kind::LogUniform || param.kind == SearchParam::Kind::LogInt;
    if (log && param.lo <= 0) fail(at, key, fmt::format("{}: LOW must be > 0 on a log scale", name));
    const bool integer = param.kind == SearchParam::Kind::Int || param.kind == SearchParam::Kind::LogInt;
    if (integer && (param.lo != std::floor(param.lo) || param.hi != std::floor(param.hi))) {
      fail(at, key, name + ": LOW and HIGH must be whole numbers");
    }
    for (double end : {param.lo, param.hi})
      check_value(at, key, integer ? fmt::format("{}", static_cast<int64_t>(end)) : fmt::format("{}", end));
  }
  if (!have_distribution) fail(p, key, "no distribution (uniform, log_uniform, int, log_int or choice)");
  return param;
}

std::string value_at(const SearchParam& p, double u) {
  u = std::clamp(u, 0.0, std::nextafter(1.0, 0.0));
  switch (p.kind) {
    case SearchParam::Kind::Choice:
      return p
          .choices[std::min(p.choices.size() - 1, static_cast<std::size_t>(u * static_cast<double>(p.choices.size())))];
    // Four significant digits: what a person reads and writes in a config.
    case SearchParam::Kind::Uniform: return fmt::format("{:.4g}", p.lo + u * (p.hi - p.lo));
    case SearchParam::Kind::LogUniform:
      return fmt::format("{:.4g}", std::exp(std::log(p.lo) + u * (std::log(p.hi) - std::log(p.lo))));
    case SearchParam::Kind::Int:
      return fmt::format("{}", static_cast<int64_t>(std::floor(p.lo + u * (p.hi - p.lo + 1))));
    case SearchParam::Kind::LogInt: {
      // Uniform in log over [lo, hi + 1), so that hi is as likely as its neighbours.
      const double v = std::exp(std::log(p.lo) + u * (std::log(p.hi + 1) - std::log(p.lo)));
      return fmt::format("{}", std::min(static_cast<int64_t>(p.hi), static_cast<int64_t>(std::floor(v))));
    }
  }
  return "";
}

}  // namespace

const char* to_string(SearchParam::Kind kind) {
  switch (kind) {
    case SearchParam::Kind::Uniform: return "uniform";
    case SearchParam::Kind::LogUniform: return "log_uniform";
    case SearchParam::Kind::Int: return "int";
    case SearchParam::Kind::LogInt: return "log_int";
    case SearchParam::Kind::Choice: return "choice";
  }
  return "uniform";
}

SearchSpace parse_search_space(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(source, "invalid YAML: " + e.msg, static_cast<std::size_t>(e.mark.line + 1),
                     static_cast<std::size_t>(e.mark.column + 1));
  }
  if (!root.IsMap() || root.size() == 0) {
    throw InputError(source, "a search space is a mapping KEY: {DISTRIBUTION: ...} with at least one key", 1);
  }
  SearchSpace space;
  for (const auto& kv : root) {
    const std::string key = key_name(kv.first, source, "");
    for (const SearchParam& p : space.params) {
      if (p.key == key) fail(place(source, kv.first), key, "listed twice");
    }
    space.params.push_back(parse_param(key, kv.second, source));
  }
  for (const SearchParam& p : space.params) {
    if (p.when_key == p.key) fail(Place{source}, p.key, "a parameter cannot depend on itself");
  }
  return space;
}

SearchSpace load_search_space(const std::string& path) {
  return parse_search_space(read_text_file(path, "cannot open the search space file"), path);
}

Assignment assign(const SearchSpace& space, const std::vector<double>& unit, const Config& base) {
  Assignment all;
  for (std::size_t i = 0; i < space.params.size(); ++i)
    all.emplace_back(space.params[i].key, value_at(space.params[i], unit.at(i)));
  // Conditions are judged on the config with every unconditional value set.
  Config with = base;
  for (std::size_t i = 0; i < space.params.size(); ++i) {
    if (space.params[i].when_key.empty()) apply_override(with, all[i].first + "=" + all[i].second);
  }
  Assignment out;
  for (std::size_t i = 0; i < space.params.size(); ++i) {
    const SearchParam& p = space.params[i];
    if (!p.when_key.empty()) {
      const std::string now = option_value_text(with, p.when_key);
      bool active = false;
      for (const std::string& v : p.when_values) {
        Config probe;
        apply_override(probe, p.when_key + "=" + v);
        active = active || option_value_text(probe, p.when_key) == now;
      }
      if (!active) continue;
    }
    out.push_back(all[i]);
  }
  return out;
}

std::string to_string(const Assignment& assignment) {
  std::string out;
  for (const auto& [k, v] : assignment) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

Config apply_assignment(Config config, const Assignment& assignment) {
  for (const auto& [k, v] : assignment) apply_override(config, k + "=" + v);
  return config;
}

}  // namespace nnrecipe
