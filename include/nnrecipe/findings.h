#pragma once
/// @file
/// @brief Findings: what every check produces (docs/recipe.md, "Findings").
///
/// A finding never comes without the numbers that triggered it (evidence) and
/// a concrete fix. In JSON everywhere as
/// `{"findings": [{"id", "severity", "stage", "message", "evidence", "fix"}]}`.
///
/// @code
/// nnrecipe::Finding f;
/// f.id = "config.lr_range";
/// f.severity = nnrecipe::Severity::Warn;
/// f.message = "train.lr 3 is far above the usual range";
/// f.fix = "set train.lr: 0.0003";
/// nnrecipe::FindingSet set;
/// set.add({f}, config.checks.ignore);  // an id in checks.ignore is recorded as ignored, not kept
/// std::cout << nnrecipe::render_findings(set) << nnrecipe::to_json(set).dump(2) << "\n";
/// @endcode
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nnrecipe {

enum class Severity { Info, Warn, Error };

std::string to_string(Severity severity);  ///< "info", "warn", "error"

struct Finding {
  std::string id;  ///< stable catalogue id, e.g. "config.lr_range"
  Severity severity = Severity::Info;
  std::string stage;    ///< "lint", "preflight", "train", ...
  std::string message;  ///< one sentence with the numbers
  nlohmann::json evidence = nlohmann::json::object();
  std::string fix;  ///< what to change, as concretely as possible
  /// Config changes that apply the fix mechanically ({"train.lr": 0.0003}),
  /// for `nnrecipe check --fix`; empty where the fix needs a person.
  nlohmann::json fix_set = nlohmann::json::object();
  /// Seconds from the start of the checks (the Doctor's creation) to the
  /// finding; negative where not measured (lint).
  double seconds = -1;
};

/// Findings after applying checks.ignore: what is kept, and what was
/// silenced (summaries say so rather than hiding it).
struct FindingSet {
  std::vector<Finding> findings;     ///< errors first, then warn, then info; stable within
  std::vector<std::string> ignored;  ///< ids silenced by checks.ignore that would have fired

  bool has_errors() const;
  /// Adds findings, dropping (and recording) those whose id is in `ignore`.
  void add(std::vector<Finding> found, const std::vector<std::string>& ignore);
};

nlohmann::json to_json(const Finding& finding);
/// {"findings": [...], "ignored": [...]}
nlohmann::json to_json(const FindingSet& set);

/// Terminal text: `"error config.loss_task_mismatch: message\n    fix: ..."`.
std::string render_findings(const FindingSet& set);

}  // namespace nnrecipe
