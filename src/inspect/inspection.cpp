// inspect_table: profiles, then every data.* check, in the order a person
// reads them (table and target, columns, rows, predictive power,
// correlation, train vs test); and the JSON every output reads.
#include <chrono>

#include "inspect/inspect_support.h"
#include "nnrecipe/error.h"
#include "nnrecipe/parallel.h"

namespace nnrecipe {

using namespace inspect_detail;

std::string verdict_of(const FindingSet& findings) {
  if (findings.has_errors()) return "fail";
  for (const Finding& f : findings.findings) {
    if (f.severity == Severity::Warn) return "warn";
  }
  return "pass";
}

std::string verdict_sentence(const std::string& verdict) {
  if (verdict == "fail") return "Not fit to train on: fix the errors first.";
  if (verdict == "warn") return "Trainable, but read the warnings: each one can make a model silently worse.";
  return "No problems found: fit to train on.";
}

namespace {

nlohmann::json to_json(const NumericProfile& n) {
  auto rows = [](const std::vector<RowValue>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const RowValue& r : list) out.push_back({{"value", r.value}, {"row", r.row}});
    return out;
  };
  nlohmann::json q = nlohmann::json::object();
  const char* names[] = {"p0", "p5", "p25", "p50", "p75", "p95", "p100"};
  for (std::size_t i = 0; i < n.quantiles.size() && i < 7; ++i) q[names[i]] = n.quantiles[i];
  return {{"min", n.min},
          {"max", n.max},
          {"mean", n.mean},
          {"std", n.std},
          {"skew", round4(n.skew)},
          {"median", n.median},
          {"mad", n.mad},
          {"quantiles", q},
          {"histogram", {{"lo", n.hist_lo}, {"hi", n.hist_hi}, {"counts", n.histogram}}},
          {"lowest", rows(n.lowest)},
          {"highest", rows(n.highest)},
          {"outlier_rows", n.outlier_rows},
          {"nonfinite", n.nonfinite},
          {"integer_valued", n.integer_valued}};
}

}  // namespace

Inspection inspect_table(const Table& table, const InspectOptions& options, const Table* test) {
  const auto start = std::chrono::steady_clock::now();
  Inspection in;
  in.rows = table.rows();
  if (!options.target.empty() && table.find(options.target)) in.target = options.target;
  if (!in.target.empty() && options.task == Task::Regression && table.column(in.target).is_categorical()) {
    throw InputError(fmt::format("--task regression: the target '{}' holds text, not numbers", in.target));
  }

  std::vector<ProfileExtras> extras(table.cols());
  in.columns.resize(table.cols());
  parallel_for(table.cols(), [&](std::size_t j) {
    in.columns[j] = profile_column(table.column(j), options, extras[j]);
    in.columns[j].is_target = table.column(j).name == in.target;
  });

  std::vector<Finding> found = target_checks(table, in, options);
  const auto add = [&found](std::vector<Finding> more) {
    for (Finding& f : more) found.push_back(std::move(f));
  };
  add(column_checks(table, in, options));
  add(row_checks(table, in, options));
  add(predictive_power(table, in, extras, options));
  add(correlation_checks(table, in, options));
  if (test) add(train_test_checks(table, *test, in, options));
  in.findings.add(std::move(found), options.ignore);
  in.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return in;
}

nlohmann::json to_json(const Inspection& in) {
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnProfile& p : in.columns) {
    nlohmann::json c = {
        {"name", p.name},
        {"type", to_string(p.type)},
        {"role", p.is_target ? "target" : "feature"},
        {"missing", p.missing},
        {"missing_share", in.rows ? round4(static_cast<double>(p.missing) / static_cast<double>(in.rows)) : 0.0},
        {"distinct", p.distinct}};
    if (p.numeric) c["numeric"] = to_json(*p.numeric);
    if (p.type != ColumnType::Numeric) {
      nlohmann::json top = nlohmann::json::array();
      for (const ValueCount& v : p.top_values) top.push_back({{"value", v.value}, {"count", v.count}});
      c["top_values"] = top;
    }
    if (p.type == ColumnType::Categorical) c["numeric_like"] = p.numeric_like;
    if (p.power) c["power"] = *p.power;
    columns.push_back(std::move(c));
  }
  nlohmann::json j = {{"kind", "table"},
                      {"source", in.source},
                      {"rows", in.rows},
                      {"cols", in.columns.size()},
                      {"verdict", in.verdict()},
                      {"verdict_text", verdict_sentence(in.verdict())},
                      {"seconds", round4(in.seconds)},
                      {"columns", columns}};
  if (!in.target.empty()) j["target"] = in.target;
  if (in.task) {
    j["task"] = to_string(*in.task);
    nlohmann::json target = {{"task", to_string(*in.task)}};
    if (!in.classes.empty()) {
      std::size_t total = 0;
      for (const ValueCount& v : in.classes) total += v.count;
      nlohmann::json classes = nlohmann::json::array();
      for (const ValueCount& v : in.classes) {
        classes.push_back({{"value", v.value},
                           {"count", v.count},
                           {"share", round4(static_cast<double>(v.count) / static_cast<double>(total))}});
      }
      target["classes"] = classes;
    }
    j["target_profile"] = target;
  }
  nlohmann::json features = nlohmann::json::array();
  for (const FeaturePower& f : in.power) features.push_back({{"column", f.column}, {"score", round4(f.score)}});
  j["predictive_power"] = {
      {"metric", in.power_metric},
      {"method",
       "each feature alone, cut into quantile bins (or its categories); per-bin target rates fitted on half the "
       "rows and scored on the other half (AUC one-vs-rest for classes, R^2 for numbers, also the linear R^2)"},
      {"features", features}};
  nlohmann::json pairs = nlohmann::json::array();
  for (const CorrelationPair& p : in.correlated) {
    pairs.push_back({{"a", p.a}, {"b", p.b}, {"pearson", p.pearson}, {"spearman", p.spearman}});
  }
  j["correlation"] = {{"rows_used", in.correlation_rows},
                      {"rows_total", in.rows},
                      {"sampled", in.correlation_rows < in.rows},
                      {"columns_used", in.correlation_columns},
                      {"numeric_features", in.numeric_features},
                      {"threshold", 0.95},
                      {"pairs", pairs}};
  if (in.test_rows) {
    j["test_source"] = in.test_source;
    nlohmann::json drift = nlohmann::json::array();
    for (const DriftScore& d : in.drift) {
      drift.push_back({{"column", d.column}, {"statistic", d.statistic}, {"score", d.score}});
    }
    j["test"] = {{"rows", *in.test_rows}, {"drift", drift}};
  }
  const nlohmann::json f = to_json(in.findings);
  j["findings"] = f.at("findings");
  j["ignored"] = f.at("ignored");
  return j;
}

}  // namespace nnrecipe
