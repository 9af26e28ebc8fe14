#pragma once
/// @file
/// @brief A hyperparameter search space (`nnrecipe tune --space SPACE.yaml`).
///
/// Per config key a distribution, optionally active only when another key has
/// given values. In YAML:
/// @code{.unparsed}
///   train.lr:         {log_uniform: [1.0e-4, 1.0e-2]}
///   model.dropout:    {uniform: [0.0, 0.5]}
///   train.batch_size: {int: [32, 256]}        # also log_int
///   model.hidden:     {choice: [[64], [128, 128]]}
///   train.momentum:   {uniform: [0.8, 0.99], when: {train.optimizer: [sgd]}}
/// @endcode
/// Every key must be a config option (docs/config.md) and every value one it
/// accepts; errors name the file, line and key.
///
/// Samplers produce points of the unit cube, one coordinate per parameter;
/// `assign` maps a point to `key=value` overrides (apply_override).
///
/// @code
/// const nnrecipe::SearchSpace space = nnrecipe::parse_search_space("train.lr: {log_uniform: [1.0e-4, 1.0e-2]}");
/// const nnrecipe::Config base = nnrecipe::load_config("examples/configs/credit_mlp.yaml");
/// const nnrecipe::Assignment a = nnrecipe::assign(space, {0.5}, base);  // log scale: train.lr about 1e-3
/// std::cout << nnrecipe::to_string(a) << "\n";
/// const nnrecipe::Config trial = nnrecipe::apply_assignment(base, a);
/// @endcode
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nnrecipe/config.h"

namespace nnrecipe {

struct SearchParam {
  enum class Kind { Uniform, LogUniform, Int, LogInt, Choice };
  std::string key;
  Kind kind = Kind::Uniform;
  double lo = 0, hi = 0;                 ///< numeric kinds, inclusive
  std::vector<std::string> choices;      ///< Choice: each value as flow YAML
  std::string when_key;                  ///< "" = always active
  std::vector<std::string> when_values;  ///< flow YAML values of when_key that activate it
};

const char* to_string(SearchParam::Kind kind);

struct SearchSpace {
  std::vector<SearchParam> params;
  std::size_t dims() const { return params.size(); }
};

/// Parses a search space; `source` names it in errors. Each value is checked
/// against the config declaration (both ends of a range, every choice).
SearchSpace parse_search_space(const std::string& yaml_text, const std::string& source = "space");
SearchSpace load_search_space(const std::string& path);

using Assignment = std::vector<std::pair<std::string, std::string>>;  ///< (key, flow YAML value)

/// The overrides a unit-cube point stands for: u in [0, 1) per parameter,
/// mapped linearly (uniform, int) or in log space (log_*), or to the
/// floor(u * n)-th choice. Conditional parameters whose condition does not
/// hold in `base` with the other assignments applied are left out.
Assignment assign(const SearchSpace& space, const std::vector<double>& unit, const Config& base);

/// "train.lr=0.001 model.hidden=[64]"
std::string to_string(const Assignment& assignment);
/// The config with the assignment applied.
Config apply_assignment(Config config, const Assignment& assignment);

}  // namespace nnrecipe
