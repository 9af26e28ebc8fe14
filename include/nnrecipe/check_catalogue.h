#pragma once
/// @file
/// @brief The check catalogue: every check nnrecipe runs, with its id, severity, threshold and why it matters.
///
/// One registry of every check nnrecipe runs, with its stable id
/// (docs/recipe.md), default severity, default threshold, what it detects and
/// why it matters. `nnrecipe checks` prints it and docs/checks.md is generated
/// from it (a test keeps the two equal). A check is registered here when it is
/// implemented, not before.
///
/// @code
/// for (const nnrecipe::CheckInfo& c : nnrecipe::check_catalogue()) std::cout << c.id << " (" << c.severity << ")\n";
/// if (const nnrecipe::CheckInfo* c = nnrecipe::find_check("config.lr_range")) std::cout << c->why << "\n";
/// @endcode
#include <string>
#include <vector>

namespace nnrecipe {

struct CheckInfo {
  std::string id;        ///< e.g. "config.lr_range"
  std::string group;     ///< "data", "config lint", "preflight", "monitor", "evaluation"
  std::string severity;  ///< "error", "warn", "info", or "info/warn" when it depends
  std::string detects;   ///< when it fires, with the default threshold
  std::string why;       ///< what goes wrong silently if nobody looks, and the anchor
};

/// Every registered check, grouped, in catalogue order.
const std::vector<CheckInfo>& check_catalogue();
/// nullptr when no check has that id.
const CheckInfo* find_check(const std::string& id);
/// docs/checks.md.
std::string checks_reference_markdown();

}  // namespace nnrecipe
