// The terminal summary of `nnrecipe run` (include/nnrecipe/recipe.h): the
// answer first (the best model and how it compares), then one line per stage with its verdict, the leaderboard, the
// winner, then the findings (errors first) with their fixes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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

const Candidate* best_of_kind(const RecipeResult& r, CandidateKind kind) {
  for (const Candidate& c : r.candidates) {  // ranked: the first is the best
    if (c.kind == kind) return &c;
  }
  return nullptr;
}

}  // namespace

std::string recipe_headline(const RecipeResult& r) {
  const auto w =
      std::find_if(r.candidates.begin(), r.candidates.end(), [&](const Candidate& c) { return c.name == r.winner; });
  if (w == r.candidates.end()) return "";
  const std::string& m = r.metric;
  const auto test = [&](const Candidate& c) {
    const auto it = c.test.find(m);
    return it == c.test.end() ? std::nan("") : it->second;
  };
  // {"better than" / "worse than" in the metric's own direction, "peer (its test metric)"}.
  const auto compare = [&](const Candidate& peer, const char* peer_name) -> std::pair<std::string, std::string> {
    const double a = test(*w), b = test(peer);
    const std::string what = fmt::format("{} ({})", peer_name, metric_text(peer.test, m));
    if (std::isnan(a) || std::isnan(b)) return {"compared with", what};
    const bool better = r.higher_is_better ? a > b : a < b;
    return {a == b ? "as good as" : better ? "better than" : "worse than", what};
  };
  std::string line = fmt::format("best model: {} ({}), test {} {}", printable(w->name), to_string(w->kind), m,
                                 metric_text(w->test, m));
  std::vector<std::pair<std::string, std::string>> parts;
  const Candidate* xgb = best_of_kind(r, CandidateKind::Xgboost);
  const Candidate* linear = best_of_kind(r, CandidateKind::Linear);
  if (xgb && &*w != xgb) parts.push_back(compare(*xgb, "xgboost"));
  if (linear && &*w != linear) parts.push_back(compare(*linear, "the linear model"));
  if (!parts.empty()) line += ": " + parts[0].first + " " + parts[0].second;
  if (parts.size() > 1) {
    line += " and " + (parts[1].first == parts[0].first ? "" : parts[1].first + " ") + parts[1].second;
  }
  const bool any_network =
      std::any_of(r.candidates.begin(), r.candidates.end(), [](const Candidate& c) { return is_network_kind(c.kind); });
  if (w->kind == CandidateKind::Xgboost && any_network) {
    line += "; gradient-boosted trees beat every network on this table";
  }
  return line + ".";
}

std::string render_recipe_text(const RecipeResult& r) {
  std::string out;
  const std::string headline = recipe_headline(r);
  if (!headline.empty()) out += headline + "\n\n";
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
