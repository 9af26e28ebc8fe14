#include "nnrecipe/findings.h"

#include <fmt/format.h>

#include <algorithm>

namespace nnrecipe {

std::string to_string(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warn: return "warn";
    case Severity::Info: return "info";
  }
  return "info";
}

bool FindingSet::has_errors() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Error; });
}

void FindingSet::add(std::vector<Finding> found, const std::vector<std::string>& ignore) {
  for (Finding& f : found) {
    if (std::find(ignore.begin(), ignore.end(), f.id) != ignore.end()) {
      if (std::find(ignored.begin(), ignored.end(), f.id) == ignored.end()) ignored.push_back(f.id);
      continue;
    }
    findings.push_back(std::move(f));
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

nlohmann::json to_json(const Finding& f) {
  nlohmann::json j = {{"id", f.id},
                      {"severity", to_string(f.severity)},
                      {"stage", f.stage},
                      {"message", f.message},
                      {"evidence", f.evidence},
                      {"fix", f.fix}};
  if (!f.fix_set.empty()) j["fix_set"] = f.fix_set;
  if (f.seconds >= 0) j["seconds"] = f.seconds;
  return j;
}

nlohmann::json to_json(const FindingSet& set) {
  nlohmann::json list = nlohmann::json::array();
  for (const Finding& f : set.findings) list.push_back(to_json(f));
  return {{"findings", list}, {"ignored", set.ignored}};
}

std::string render_findings(const FindingSet& set) {
  std::string out;
  for (const Finding& f : set.findings) {
    out += fmt::format("{:<5} {}: {}\n", to_string(f.severity), f.id, f.message);
    if (!f.fix.empty()) out += fmt::format("      fix: {}\n", f.fix);
  }
  if (!set.ignored.empty()) {
    out += "silenced by checks.ignore:";
    for (const std::string& id : set.ignored) out += " " + id;
    out += "\n";
  }
  return out;
}

}  // namespace nnrecipe
