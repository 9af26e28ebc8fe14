// summary.json and leaderboard.csv of `nnrecipe run` (include/nnrecipe/recipe.h).
// Numbers that are not finite (a metric a candidate could not compute, a
// learning rate the range test could not suggest) are written as JSON null
// and as an empty CSV cell: neither format has a spelling for NaN.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "nnrecipe/leaderboard.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/reports.h"

namespace nnrecipe {
namespace {

using nlohmann::json;

json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json metrics(const std::map<std::string, double>& values) {
  json out = json::object();
  for (const auto& [name, value] : values) out[name] = number(value);
  return out;
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(const std::map<std::string, double>& values, const std::string& name) {
  const auto it = values.find(name);
  if (it == values.end() || std::isnan(it->second)) return "";
  if (std::isinf(it->second)) return it->second > 0 ? "inf" : "-inf";
  return fmt::format("{}", it->second);  // shortest text that reads back as the same double
}

}  // namespace

nlohmann::json summary_json(const RecipeResult& r) {
  json candidates = json::array();
  for (const Candidate& c : r.candidates) {
    candidates.push_back({{"name", c.name},
                          {"kind", to_string(c.kind)},
                          {"val", metrics(c.val)},
                          {"test", metrics(c.test)},
                          {"seconds", number(c.seconds)},
                          {"detail", c.detail}});
    if (!c.oof.empty()) candidates.back()["oof"] = metrics(c.oof);
  }
  json stages = json::array();
  for (const StageReport& s : r.stages) {
    json repairs = json::array();
    for (const Repair& rep : s.repairs) {
      repairs.push_back(
          {{"network", rep.network}, {"findings", rep.findings}, {"changes", rep.changes}, {"outcome", rep.outcome}});
    }
    json ablation = json::array();
    for (const AblationRow& row : s.ablation) {
      ablation.push_back({{"change", row.change},
                          {"train_loss", number(row.train_loss)},
                          {"val_metric", number(row.val_metric)},
                          {"delta", number(row.delta)},
                          {"kept", row.kept},
                          {"epochs", row.epochs},
                          {"seconds", number(row.seconds)},
                          {"note", row.note}});
    }
    stages.push_back({{"name", s.name},
                      {"verdict", to_string(s.verdict)},
                      {"seconds", number(s.seconds)},
                      {"budget_seconds", number(s.budget_seconds)},
                      {"summary", s.summary},
                      {"cut", s.cut},
                      {"repairs", repairs},
                      {"ablation", ablation}});
  }
  std::size_t counts[3] = {0, 0, 0};  // error, warn, info
  for (const Finding& f : r.findings.findings) {
    ++counts[f.severity == Severity::Error ? 0 : f.severity == Severity::Warn ? 1 : 2];
  }
  json curve = json::array();
  for (const LearningCurvePoint& p : r.learning_curve) {
    curve.push_back({{"fraction", number(p.fraction)},
                     {"rows", p.rows},
                     {"train", number(p.train_metric)},
                     {"val", number(p.val_metric)}});
  }
  json importance = json::array();
  for (const FeatureImportance& f : r.analysis.importance) {
    importance.push_back({{"column", f.column}, {"drop", number(f.drop)}, {"spread", number(f.spread)}});
  }
  return {{"winner", r.winner},
          {"importance",
           {{"features", importance},
            {"rows", r.analysis.importance_rows},
            {"repeats", r.analysis.importance_repeats},
            {"note", r.analysis.importance_note}}},
          {"metric", r.metric},
          {"higher_is_better", r.higher_is_better},
          {"task", r.task},
          {"winner_sentence", r.winner_sentence},
          {"candidates", candidates},
          {"stages", stages},
          {"budget_seconds", number(r.budget_seconds)},
          {"seconds", number(r.seconds)},
          {"dropped_columns", r.dropped_columns},
          {"findings", {{"error", counts[0]}, {"warn", counts[1]}, {"info", counts[2]}}},
          {"lr_range", {{"suggested_lr", number(r.lr_range.suggested_lr)}, {"steps", r.lr_range.lrs.size()}}},
          {"learning_curve", curve},
          {"more_data_pays", r.learning_curve_verdict.more_data_pays},
          {"stopped", r.stopped},
          {"stop_reason", r.stop_reason},
          {"interrupted", r.interrupted.empty() ? json(nullptr) : json(r.interrupted)}};
}

namespace {

struct CsvRow {
  std::string name, kind;
  const std::map<std::string, double>* val;
  const std::map<std::string, double>* test;
  double seconds;
};

// One set of metric columns for both splits: the selection metric first,
// then every other metric any row has, sorted.
std::string metrics_csv(const std::vector<CsvRow>& rows, const std::string& metric) {
  std::set<std::string> names;
  for (const CsvRow& row : rows) {
    for (const auto& [name, value] : *row.val) names.insert(name);
    for (const auto& [name, value] : *row.test) names.insert(name);
  }
  std::vector<std::string> columns;
  if (!metric.empty()) columns.push_back(metric);
  for (const std::string& name : names) {
    if (name != metric) columns.push_back(name);
  }
  std::string out = "name,kind";
  for (const char* split : {"val_", "test_"}) {
    for (const std::string& name : columns) out += "," + csv_field(split + name);
  }
  out += ",seconds\n";
  for (const CsvRow& row : rows) {
    out += csv_field(row.name) + "," + csv_field(row.kind);
    for (const std::string& name : columns) out += "," + csv_number(*row.val, name);
    for (const std::string& name : columns) out += "," + csv_number(*row.test, name);
    out += "," + (std::isfinite(row.seconds) ? fmt::format("{:.3f}", row.seconds) : std::string()) + "\n";
  }
  return out;
}

}  // namespace

std::string leaderboard_csv(const RecipeResult& r) {
  std::vector<CsvRow> rows;
  for (const Candidate& c : r.candidates) rows.push_back({c.name, to_string(c.kind), &c.val, &c.test, c.seconds});
  return metrics_csv(rows, r.metric);
}

std::string leaderboard_csv(const Leaderboard& board) {
  std::vector<CsvRow> rows;
  for (const LeaderboardEntry& e : board.entries) rows.push_back({e.name, e.name, &e.val, &e.test, e.seconds});
  return metrics_csv(rows, board.selection_metric);
}

}  // namespace nnrecipe
