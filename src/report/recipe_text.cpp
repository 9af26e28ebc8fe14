// The terminal summary of `nnrecipe run` (include/nnrecipe/recipe.h): one
// line per stage with its verdict, the leaderboard, the winner, then the
// findings (errors first) with their fixes.
#include <fmt/format.h>

#include <cmath>

#include "nnrecipe/recipe.h"
#include "nnrecipe/reports.h"
#include "nnrecipe/text_table.h"

namespace nnrecipe {
namespace {

// Data (column names in a summary) may hold control characters: none reach
// the terminal, as in TextTable.
std::string printable(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return s;
}

std::string seconds_text(double s) {
  if (!std::isfinite(s)) return "";
  return s < 10 ? fmt::format("{:.1f}s", s) : fmt::format("{:.0f}s", s);
}

std::string metric_text(const std::map<std::string, double>& values, const std::string& name) {
  const auto it = values.find(name);
  if (it == values.end() || std::isnan(it->second)) return "n/a";
  const double v = it->second;
  return std::isfinite(v) && std::abs(v) < 1e5 ? fmt::format("{:.4f}", v) : fmt::format("{:.4g}", v);
}

}  // namespace

std::string render_recipe_text(const RecipeResult& r) {
  std::string out;
  if (!r.stages.empty()) {
    out += "stages:\n";
    for (const StageReport& s : r.stages) {
      out += fmt::format("  {:<11} {:<7} {:>5}  {}\n", printable(s.name), printable(to_string(s.verdict)),
                         s.verdict == Verdict::Skipped && s.seconds == 0 ? "-" : seconds_text(s.seconds),
                         printable(s.summary));
      for (const std::string& cut : s.cut) out += "      cut: " + printable(cut) + "\n";
      for (const Repair& r : s.repairs) {
        std::string ids, changes;
        for (const std::string& id : r.findings) ids += (ids.empty() ? "" : ", ") + id;
        for (const std::string& c : r.changes) changes += (changes.empty() ? "" : "; ") + c;
        out += fmt::format("      repaired: {} tripped {}; {}; {}\n", printable(r.network), printable(ids),
                           printable(changes.empty() ? "no fix to apply" : changes), printable(r.outcome));
      }
    }
    out += "\n";
  }
  if (r.stopped) out += "stopped: " + printable(r.stop_reason) + "\n\n";
  if (!r.interrupted.empty()) {
    out += "interrupted: " + printable(r.interrupted) + "; the winner is the best of what was trained\n\n";
  }
  if (!r.dropped_columns.empty()) {
    std::string names;
    for (const std::string& name : r.dropped_columns) names += (names.empty() ? "" : ", ") + printable(name);
    out += "dropped columns: " + names + "\n\n";
  }
  if (!r.candidates.empty()) {
    using A = TextTable::Align;
    const std::string& m = r.metric;
    TextTable table({"model", "kind", "val " + m, "test " + m, "seconds", "detail"},
                    {A::Left, A::Left, A::Right, A::Right, A::Right, A::Left});
    for (const Candidate& c : r.candidates) {
      table.add_row({c.name, to_string(c.kind), metric_text(c.val, m), metric_text(c.test, m),
                     std::isfinite(c.seconds) ? fmt::format("{:.1f}", c.seconds) : "", c.detail});
    }
    out += fmt::format("leaderboard ({}, {} is better, ranked on validation):\n", m,
                       r.higher_is_better ? "higher" : "lower");
    out += table.render(80) + "\n";
  }
  if (!r.winner_sentence.empty()) out += printable(r.winner_sentence) + "\n\n";
  std::size_t counts[3] = {0, 0, 0};
  for (const Finding& f : r.findings.findings) {
    ++counts[f.severity == Severity::Error ? 0 : f.severity == Severity::Warn ? 1 : 2];
  }
  out += fmt::format("findings: {} error, {} warn, {} info\n", counts[0], counts[1], counts[2]);
  out += render_findings(r.findings);
  return out;
}

}  // namespace nnrecipe
