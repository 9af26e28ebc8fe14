// The data.* checks that look at one column at a time (docs/checks.md, "data"):
// missing, constant, id_like, high_cardinality, mixed_types, scale, skewed,
// outliers. They read the column profiles; each fires at most once per
// severity, naming every column it concerns.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "inspect/inspect_support.h"

namespace nnrecipe::inspect_detail {
namespace {

// Thresholds, with the anchor each comes from (docs/checks.md).
constexpr double kMissingInfo = 0.01;         // [ydata]
constexpr double kMissingWarn = 0.50;         // [ydata]
constexpr std::size_t kHighCardinality = 50;  // [ydata]
constexpr double kSkew = 2.0;
constexpr double kOutlierShare = 0.001;
constexpr double kScaleSpread = 100.0;
// Off unit scale, as config.no_normalization judges it (src/doctor/data_facts.cpp).
constexpr double kLargeScale = 10.0, kSmallStd = 0.1;

struct Listed {
  std::vector<std::string> names;
  nlohmann::json items = nlohmann::json::array();
  void add(const std::string& name, nlohmann::json item) {
    names.push_back(name);
    if (items.size() < kEvidenceItems) items.push_back(std::move(item));
  }
  bool empty() const { return names.empty(); }
  nlohmann::json evidence(nlohmann::json extra = nlohmann::json::object()) const {
    extra["columns"] = items;
    extra["column_count"] = names.size();
    return extra;
  }
};

bool is_feature(const ColumnProfile& p) { return !p.is_target; }

void missing(const Inspection& in, std::vector<Finding>& out) {
  Listed warn, info;
  for (const ColumnProfile& p : in.columns) {
    if (in.rows == 0 || !is_feature(p)) continue;
    const double share = static_cast<double>(p.missing) / static_cast<double>(in.rows);
    nlohmann::json item = {{"column", p.name}, {"missing", p.missing}, {"share", round4(share)}};
    if (share > kMissingWarn) {
      warn.add(p.name, item);
    } else if (share > kMissingInfo) {
      info.add(p.name, item);
    }
  }
  if (!warn.empty()) {
    out.push_back(finding("data.missing", Severity::Warn,
                          fmt::format("{} column(s) are more than {} missing: {}", warn.names.size(),
                                      percent(kMissingWarn), join(warn.names)),
                          warn.evidence({{"threshold", kMissingWarn}}),
                          "Drop them (data.drop) unless missingness itself carries signal; nnrecipe imputes the "
                          "median/mode and adds a missing-indicator feature, which keeps that signal."));
  }
  if (!info.empty()) {
    out.push_back(finding("data.missing", Severity::Info,
                          fmt::format("{} column(s) have more than {} missing values: {}", info.names.size(),
                                      percent(kMissingInfo), join(info.names)),
                          info.evidence({{"threshold", kMissingInfo}}),
                          "nnrecipe imputes them (median / most frequent) and adds a missing-indicator feature; "
                          "check that missing means 'unknown' and not a value like 0."));
  }
}

}  // namespace
}  // namespace nnrecipe::inspect_detail

namespace nnrecipe {

bool is_constant_column(const ColumnProfile& column) { return column.distinct <= 1; }

bool is_id_like_column(const ColumnProfile& column, std::size_t rows) {
  // [ydata UNIQUE]: as many distinct values as rows, in a column that is
  // not a float measurement (text, or whole numbers such as customer ids).
  const bool whole = column.type == ColumnType::Categorical || (column.numeric && column.numeric->integer_valued);
  return whole && column.missing == 0 && column.distinct == rows && rows > 1;
}

}  // namespace nnrecipe

namespace nnrecipe::inspect_detail {
namespace {

void constant_and_ids(const Inspection& in, std::vector<Finding>& out) {
  Listed constant, ids, wide;
  for (const ColumnProfile& p : in.columns) {
    if (!is_feature(p) || in.rows == 0) continue;
    if (is_constant_column(p)) {
      constant.add(p.name, {{"column", p.name},
                            {"distinct", p.distinct},
                            {"value", p.distinct == 0         ? "(all missing)"
                                      : !p.top_values.empty() ? p.top_values[0].value
                                                              : fmt::format("{}", p.numeric->min)}});
      continue;
    }
    if (is_id_like_column(p, in.rows)) {
      ids.add(p.name, {{"column", p.name}, {"distinct", p.distinct}, {"rows", in.rows}});
    } else if (p.type == ColumnType::Categorical && p.distinct > kHighCardinality) {
      wide.add(p.name, {{"column", p.name}, {"distinct", p.distinct}});
    }
  }
  if (!constant.empty()) {
    out.push_back(
        finding("data.constant", Severity::Warn,
                fmt::format("{} column(s) hold a single value: {}", constant.names.size(), join(constant.names)),
                constant.evidence(),
                "They carry no information: drop them (data.drop). If they should vary, the export "
                "that produced the file is wrong."));
  }
  if (!ids.empty()) {
    out.push_back(finding("data.id_like", Severity::Warn,
                          fmt::format("{} column(s) have a different value in every row, like an id: {}",
                                      ids.names.size(), join(ids.names)),
                          ids.evidence(),
                          "A network memorizes ids and cannot generalize from them: drop them (data.drop), or "
                          "derive real features (e.g. a date's month) first."));
  }
  if (!wide.empty()) {
    out.push_back(finding("data.high_cardinality", Severity::Info,
                          fmt::format("{} categorical column(s) have more than {} distinct values: {}",
                                      wide.names.size(), kHighCardinality, join(wide.names)),
                          wide.evidence({{"threshold", kHighCardinality}}),
                          "nnrecipe gives them learned embeddings; rare categories learn little, so consider "
                          "grouping the rare ones into 'other' or target encoding."));
  }
}

void mixed_types(const Table& table, const Inspection& in, std::vector<Finding>& out) {
  Listed mixed;
  for (std::size_t j = 0; j < in.columns.size(); ++j) {
    const ColumnProfile& p = in.columns[j];
    const std::size_t present = in.rows - p.missing;
    if (p.type != ColumnType::Categorical || p.numeric_like == 0 || p.numeric_like == present) continue;
    // The commonest values of each kind, so the person sees which are the odd ones.
    const Column& c = table.column(j);
    std::vector<std::size_t> counts(c.categories.size(), 0);
    for (int32_t code : c.codes) {
      if (code >= 0) ++counts[static_cast<std::size_t>(code)];
    }
    std::vector<std::size_t> order(counts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
    std::vector<std::string> numbers, strings;
    for (std::size_t k : order) {
      const std::string& v = c.categories[k];
      char* end = nullptr;
      std::strtod(v.c_str(), &end);
      auto& list = !v.empty() && end && *end == '\0' ? numbers : strings;
      if (list.size() < 3) list.push_back(v);
    }
    mixed.add(p.name, {{"column", p.name},
                       {"numeric_cells", p.numeric_like},
                       {"text_cells", present - p.numeric_like},
                       {"numeric_share", round4(static_cast<double>(p.numeric_like) / static_cast<double>(present))},
                       {"numeric_examples", numbers},
                       {"text_examples", strings}});
  }
  if (mixed.empty()) return;
  out.push_back(finding("data.mixed_types", Severity::Warn,
                        fmt::format("{} column(s) mix numbers and text, so they are read as categories: {}",
                                    mixed.names.size(), join(mixed.names)),
                        mixed.evidence(),
                        "Find the text values (nnrecipe inspect DATA --show extremes:COL or --where 'COL == VALUE'): "
                        "a missing-value token the reader does not know (add it to the missing tokens), units in "
                        "the cells, or two fields merged. Numbers read as categories lose their order."));
}

void scale(const Inspection& in, std::vector<Finding>& out) {
  Listed off;
  double lo_std = INFINITY, hi_std = 0;
  std::string lo_name, hi_name;
  for (const ColumnProfile& p : in.columns) {
    if (!is_feature(p) || !p.numeric || p.distinct <= 1) continue;
    const NumericProfile& n = *p.numeric;
    if (n.std < lo_std) lo_std = n.std, lo_name = p.name;
    if (n.std > hi_std) hi_std = n.std, hi_name = p.name;
    const bool unit_interval = n.min >= 0 && n.max <= 1;
    if (n.std > kLargeScale || std::abs(n.mean) > kLargeScale || (n.std < kSmallStd && !unit_interval)) {
      off.add(p.name, {{"column", p.name}, {"mean", round4(n.mean)}, {"std", round4(n.std)}});
    }
  }
  const double spread = lo_std > 0 && hi_std > 0 ? hi_std / lo_std : 0;
  if (off.empty() && spread <= kScaleSpread) return;
  nlohmann::json evidence = off.evidence();
  if (spread > 0) {
    evidence["std_spread"] = round4(spread);
    evidence["smallest_std"] = {{"column", lo_name}, {"std", round4(lo_std)}};
    evidence["largest_std"] = {{"column", hi_name}, {"std", round4(hi_std)}};
  }
  std::string message =
      off.empty()
          ? fmt::format("numeric features' standard deviations differ by {:.3g}x ({} to {})", spread, lo_name, hi_name)
          : fmt::format("{} numeric feature(s) are far from unit scale (|mean| or std > {}, or std < {}): {}",
                        off.names.size(), kLargeScale, kSmallStd, join(off.names));
  if (!off.empty() && spread > kScaleSpread) message += fmt::format("; standard deviations differ by {:.3g}x", spread);
  out.push_back(finding("data.scale", Severity::Info, message, evidence,
                        "nnrecipe standardizes numeric features (data.normalize: true, the default); keep it on. "
                        "In your own loop, standardize with statistics from the training rows only."));
}

void shape(const Inspection& in, std::vector<Finding>& out) {
  Listed skewed, outliers;
  for (const ColumnProfile& p : in.columns) {
    // Two-valued columns (indicators) are skewed by their base rate, not by a
    // long tail; a log transform means nothing for them.
    if (!is_feature(p) || !p.numeric || p.distinct <= 2) continue;
    const NumericProfile& n = *p.numeric;
    if (std::abs(n.skew) > kSkew) {
      skewed.add(p.name, {{"column", p.name},
                          {"skewness", round4(n.skew)},
                          {"min", round4(n.min)},
                          {"median", round4(n.median)},
                          {"max", round4(n.max)}});
    }
    const double present = static_cast<double>(in.rows - p.missing);
    if (present > 0 && static_cast<double>(n.outlier_rows) / present > kOutlierShare) {
      outliers.add(p.name, {{"column", p.name},
                            {"rows", n.outlier_rows},
                            {"share", round4(static_cast<double>(n.outlier_rows) / present)},
                            {"median", round4(n.median)},
                            {"mad", round4(n.mad)},
                            {"example_rows", n.outlier_examples}});
    }
  }
  if (!skewed.empty()) {
    out.push_back(finding(
        "data.skewed", Severity::Info,
        fmt::format("{} numeric feature(s) have |skewness| > {}: {}", skewed.names.size(), kSkew, join(skewed.names)),
        skewed.evidence({{"threshold", kSkew}}),
        "A long tail squeezes most rows into a small range after standardizing: try log1p(x) "
        "for non-negative values (sign(x)·log1p(|x|) otherwise) or a rank/quantile transform."));
  }
  if (!outliers.empty()) {
    out.push_back(finding("data.outliers", Severity::Info,
                          fmt::format("{} column(s) have more than {} of rows beyond a robust z-score of 6 "
                                      "(median/MAD): {}",
                                      outliers.names.size(), percent(kOutlierShare), join(outliers.names)),
                          outliers.evidence({{"threshold_share", kOutlierShare}, {"robust_z", 6}}),
                          "Look at them (nnrecipe inspect DATA --show extremes:COL): entry errors and sentinel "
                          "values (999, -1) should become missing; real extremes may want a log transform or "
                          "clipping."));
  }
}

}  // namespace

std::vector<Finding> column_checks(const Table& table, const Inspection& inspection, const InspectOptions&) {
  std::vector<Finding> out;
  missing(inspection, out);
  constant_and_ids(inspection, out);
  mixed_types(table, inspection, out);
  scale(inspection, out);
  shape(inspection, out);
  return out;
}

}  // namespace nnrecipe::inspect_detail
