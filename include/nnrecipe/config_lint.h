#pragma once
/// @file
/// @brief Config lint: the config.* checks of docs/checks.md, before any model or batch exists.
///
/// Runs on the config and a few facts about the training data.
///
/// @code
/// const nnrecipe::PreparedData data = nnrecipe::prepare_data(config);  // prepared_data.h
/// nnrecipe::FindingSet set;
/// set.add(nnrecipe::lint_config(config, nnrecipe::data_facts(data)), config.checks.ignore);
/// if (set.has_errors()) std::cerr << nnrecipe::render_findings(set);
/// @endcode
#include <cstdint>
#include <string>
#include <vector>

#include "nnrecipe/config.h"
#include "nnrecipe/findings.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

struct PreparedData;

/// What lint needs to know about the data.
struct DataFacts {
  Task task = Task::Regression;
  int64_t train_rows = 0;
  std::vector<std::string> class_names;  ///< classification
  std::vector<int64_t> class_counts;     ///< training rows per class
  bool images = false;
  /// Model inputs far from unit scale (std outside [0.1, 10] or |mean| > 10),
  /// as the network would see them: raw when data.normalize is false.
  struct Scale {
    std::string feature;
    double mean = 0, std = 0;
  };
  std::vector<Scale> off_scale;  ///< largest first
};

/// The facts from prepared (transformed) training data.
DataFacts data_facts(const PreparedData& data);

/// Every config.* finding for this config and data. Ignores checks.ignore
/// (FindingSet::add applies it).
std::vector<Finding> lint_config(const Config& config, const DataFacts& facts);

/// Fills fix_set (the config change that fixes it) on preflight and monitor
/// findings whose fix is a mechanical config change for this config, e.g.
/// init.output_bias -> model.init_output_bias: true. Lint findings carry
/// theirs already.
void suggest_config_fixes(std::vector<Finding>& findings, const Config& config);

}  // namespace nnrecipe
