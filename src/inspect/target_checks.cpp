// The data.* checks about the table as a whole and its target (docs/checks.md,
// "Data"): empty, target_missing, single_class, class_imbalance,
// target_scale, small, label_order. Also settles the task and the class
// counts that the other checks and the report use.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "inspect/inspect_support.h"
#include "nnrecipe/split.h"

namespace nnrecipe::inspect_detail {
namespace {

constexpr double kImbalanceRatio = 0.1;       // least / most class [deepchecks]
constexpr double kMinorityShareOfFair = 0.1;  // minority share < 0.1 * (1/K) [cleanlab]
constexpr std::size_t kRowsPerClass = 10;
constexpr std::size_t kRowsPerFeature = 10;
// A table is "sorted by label" when adjacent rows change label less than
// this share of the times a shuffled order would (or, for a numeric target,
// when the target's rank follows the row order this closely).
constexpr double kLabelChangesShare = 0.1;
constexpr double kOrderCorrelation = 0.9;
constexpr std::size_t kOrderMinRows = 20;
// One-hot width counted per categorical feature by data.small (as the
// trainer's default data.onehot_max_categories).
constexpr std::size_t kOneHotMax = 16;
constexpr double kLargeScale = 10.0, kSmallStd = 0.1;

void empty(const Table& table, const Inspection& in, std::vector<Finding>& out) {
  // Stops only on proof: constant columns carry nothing, whatever the
  // table's size. An id-like column is only a heuristic (in a table of a
  // few rows every column has as many values as rows); data.id_like warns
  // about it, and `run` keeps id-like columns when they are all there is.
  std::size_t with_values = 0, usable = 0;
  std::vector<std::string> constant;
  for (const ColumnProfile& p : in.columns) {
    if (p.is_target) continue;
    with_values += p.missing < in.rows;
    usable += !is_constant_column(p);
    if (is_constant_column(p)) constant.push_back(p.name);
  }
  if (in.rows > 0 && usable > 0) return;
  const std::string what = in.rows == 0 ? "the table has no rows"
                           : with_values == 0
                               ? "no feature column has a value (every column besides the target is empty)"
                               : fmt::format(
                                     "no usable feature: every column besides the target is empty or "
                                     "holds a single value ({})",
                                     fmt::join(constant, ", "));
  out.push_back(finding(
      "data.empty", Severity::Error, "Nothing to train on: " + what + ".",
      {{"rows", in.rows}, {"columns", table.cols()}, {"usable_feature_columns", usable}, {"constant", constant}},
      with_values == 0 || in.rows == 0 ? "Check the file (delimiter, header row) and the --target name."
                                       : "Add the columns that describe each row; a column with one "
                                         "value says nothing a model can learn from."));
}

// Every split needs rows: training, validation for early stopping and
// selection, test for the final score (the default 70/10/20 split).
void too_few_rows(const Inspection& in, std::size_t labelled, std::vector<Finding>& out) {
  const SplitOptions split;
  const std::size_t needed = minimum_rows_for_split(split);
  if (labelled >= needed) return;
  out.push_back(finding("data.too_few_rows", Severity::Error,
                        fmt::format("{} row(s) with a target: a {:g}/{:g}/{:g} train/validation/test split needs at "
                                    "least {} to give each split a row.",
                                    labelled, 1 - split.val_fraction - split.test_fraction, split.val_fraction,
                                    split.test_fraction, needed),
                        {{"rows", in.rows}, {"labelled_rows", labelled}, {"needed", needed}},
                        "Add rows, or give separate validation and test files (data.val, --test)."));
}

std::size_t first_present(const Column& c) {
  std::size_t i = 0;
  while (i < c.size() && c.is_missing(i)) ++i;
  return i;
}

void classes(const Table& table, Inspection& in, std::vector<Finding>& out) {
  const Column& y = table.column(in.target);
  const ClassLabels labels = class_labels(y);
  std::vector<std::size_t> order(labels.names.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return labels.counts[a] > labels.counts[b]; });
  for (std::size_t k : order) {
    if (labels.counts[k] > 0) in.classes.push_back({labels.names[k], labels.counts[k]});
  }
  class_balance_checks(in.target, in.classes, out);
}

}  // namespace

void class_balance_checks(const std::string& target, const std::vector<ValueCount>& classes,
                          std::vector<Finding>& out) {
  std::size_t present = 0;
  for (const ValueCount& c : classes) present += c.count;
  if (classes.size() == 1) {
    out.push_back(finding("data.single_class", Severity::Error,
                          fmt::format("The target '{}' has one class ('{}') in all {} rows: there is nothing to "
                                      "learn.",
                                      target, classes[0].value, present),
                          {{"class", classes[0].value}, {"rows", present}},
                          "Check the --target column and any filtering that produced the file."));
  }
  if (classes.size() < 2) return;
  const ValueCount& most = classes.front();
  const ValueCount& least = classes.back();
  const double ratio = static_cast<double>(least.count) / static_cast<double>(most.count);
  const double k = static_cast<double>(classes.size());
  const double share = static_cast<double>(least.count) / static_cast<double>(present);
  if (ratio < kImbalanceRatio || share < kMinorityShareOfFair / k) {
    out.push_back(
        finding("data.class_imbalance", Severity::Warn,
                fmt::format("The rarest class '{}' has {} rows ({}), {:.3g}x fewer than '{}' ({} rows).", least.value,
                            least.count, percent(share), 1 / ratio, most.value, most.count),
                {{"least", {{"class", least.value}, {"count", least.count}, {"share", round4(share)}}},
                 {"most", {{"class", most.value}, {"count", most.count}}},
                 {"ratio", round4(ratio)},
                 {"thresholds", {{"ratio", kImbalanceRatio}, {"share_of_fair", kMinorityShareOfFair}}}},
                "Select by AUC / PR-AUC or balanced accuracy, not accuracy; keep the split stratified; the output bias "
                "starts at the prior. Consider class weights if the rare class matters most."));
  }
  if (least.count < kRowsPerClass) {
    out.push_back(finding("data.small", Severity::Info,
                          fmt::format("Class '{}' has only {} rows (fewer than {}): its metrics will be noise.",
                                      least.value, least.count, kRowsPerClass),
                          {{"class", least.value}, {"count", least.count}, {"threshold", kRowsPerClass}},
                          "Collect more rows of it, merge it with a related class, or report its metrics with "
                          "their uncertainty."));
  }
}

namespace {

void small_table(const Inspection& in, std::vector<Finding>& out) {
  // The smallest network is a linear model: one weight per input feature
  // after one-hot encoding. Fewer than 10 rows per weight overfits at once.
  std::size_t width = 0;
  for (const ColumnProfile& p : in.columns) {
    if (p.is_target || p.distinct <= 1) continue;
    width += p.type == ColumnType::Categorical ? std::min(p.distinct, kOneHotMax) : 1;
  }
  if (width == 0 || in.rows >= kRowsPerFeature * width) return;
  out.push_back(finding("data.small", Severity::Info,
                        fmt::format("{} rows for {} input features (one-hot encoded): fewer than {} rows per "
                                    "weight of even a linear model.",
                                    in.rows, width, kRowsPerFeature),
                        {{"rows", in.rows}, {"input_width", width}, {"rows_per_feature", kRowsPerFeature}},
                        "Expect the trees and linear baselines to be hard to beat; keep networks small and "
                        "regularized, and use cross-validation-sized validation splits."));
}

void target_scale(const Inspection& in, const ColumnProfile& y, std::vector<Finding>& out) {
  if (!y.numeric || y.distinct <= 1) return;
  const NumericProfile& n = *y.numeric;
  if (n.std <= kLargeScale && std::abs(n.mean) <= kLargeScale && n.std >= kSmallStd) return;
  out.push_back(finding("data.target_scale", Severity::Info,
                        fmt::format("The regression target '{}' is far from unit scale (mean {:.4g}, std {:.4g}).",
                                    in.target, n.mean, n.std),
                        {{"mean", round4(n.mean)}, {"std", round4(n.std)}, {"skewness", round4(n.skew)}},
                        "nnrecipe standardizes it for training (data.normalize_target, on by default) and "
                        "reports metrics in the original units; in your own loop, do the same. A skewed target "
                        "(see its skewness) may do better on a log scale."));
}

void label_order(const Table& table, const Inspection& in, std::vector<Finding>& out) {
  const Column& y = table.column(in.target);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!y.missing[i]) rows.push_back(i);
  }
  if (rows.size() < kOrderMinRows) return;
  nlohmann::json evidence;
  std::string message;
  if (*in.task != Task::Regression) {
    const ClassLabels labels = class_labels(y);
    std::size_t changes = 0;
    for (std::size_t k = 1; k < rows.size(); ++k) changes += labels.index[rows[k]] != labels.index[rows[k - 1]];
    // In a shuffled order two adjacent rows differ with probability 1 - sum p^2.
    double same = 0;
    for (std::size_t c : labels.counts) {
      const double p = static_cast<double>(c) / static_cast<double>(rows.size());
      same += p * p;
    }
    const double expected = static_cast<double>(rows.size() - 1) * (1 - same);
    if (expected <= 0 || static_cast<double>(changes) >= kLabelChangesShare * expected) return;
    evidence = {{"label_changes", changes}, {"expected_if_shuffled", round4(expected)}};
    message = fmt::format(
        "Rows are ordered by the target '{}': adjacent rows change label {} times where a "
        "shuffled order would change it ~{:.0f} times.",
        in.target, changes, expected);
  } else {
    // Spearman correlation of row position and target rank (ties averaged).
    std::vector<std::size_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return y.values[rows[a]] < y.values[rows[b]]; });
    std::vector<double> rank(rows.size());
    for (std::size_t s = 0; s < order.size();) {
      std::size_t e = s;
      while (e + 1 < order.size() && y.values[rows[order[e + 1]]] == y.values[rows[order[s]]]) ++e;
      for (std::size_t k = s; k <= e; ++k) rank[order[k]] = 0.5 * static_cast<double>(s + e);
      s = e + 1;
    }
    const double n = static_cast<double>(rows.size()), mean = (n - 1) / 2;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double dx = static_cast<double>(k) - mean, dy = rank[k] - mean;
      sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
    }
    const double rho = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
    if (std::abs(rho) < kOrderCorrelation) return;
    evidence = {{"spearman_row_vs_target", round4(rho)}, {"threshold", kOrderCorrelation}};
    message = fmt::format(
        "Rows are ordered by the target '{}' (Spearman correlation of row number and target "
        "{:.3f}).",
        in.target, rho);
  }
  out.push_back(finding("data.label_order", Severity::Info, message, evidence,
                        "Shuffle before splitting and batching (nnrecipe does both); a split that takes the last "
                        "rows as test, or unshuffled batches, would see other labels than training."));
}

}  // namespace

ClassLabels class_labels(const Column& y) {
  ClassLabels out;
  out.index.assign(y.size(), -1);
  if (y.is_categorical()) {
    out.names = y.categories;
    out.counts.assign(y.categories.size(), 0);
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (y.codes[i] < 0) continue;
      out.index[i] = y.codes[i];
      ++out.counts[static_cast<std::size_t>(y.codes[i])];
    }
    return out;
  }
  std::map<double, int32_t> index_of;  // sorted values -> class index
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!y.missing[i]) index_of.emplace(y.values[i], 0);
  }
  for (auto& [value, index] : index_of) {
    index = static_cast<int32_t>(out.names.size());
    out.names.push_back(y.type == ColumnType::Boolean ? (value != 0 ? "true" : "false") : fmt::format("{}", value));
  }
  out.counts.assign(out.names.size(), 0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y.missing[i]) continue;
    out.index[i] = index_of[y.values[i]];
    ++out.counts[static_cast<std::size_t>(out.index[i])];
  }
  return out;
}

std::vector<Finding> target_checks(const Table& table, Inspection& in, const InspectOptions& options) {
  std::vector<Finding> out;
  if (!options.target.empty() && !table.find(options.target)) {
    std::vector<std::string> names;
    for (const Column& c : table.columns()) names.push_back(c.name);
    out.push_back(finding("data.target_missing", Severity::Error,
                          fmt::format("The target column '{}' is not in the table.", options.target),
                          {{"target", options.target}, {"columns", names}},
                          "Pass one of the table's columns as --target (names are case-sensitive)."));
  }
  empty(table, in, out);
  if (in.target.empty() || in.rows == 0) {
    small_table(in, out);
    return out;
  }
  const Column& y = table.column(in.target);
  if (y.missing_count == y.size()) {
    out.push_back(finding(
        "data.target_missing", Severity::Error,
        fmt::format("The target '{}' is missing in all {} rows: there is nothing to learn from.", in.target, in.rows),
        {{"rows", y.missing_count}},
        "Pass the column that holds the labels as --target; rows to predict belong in a separate "
        "file."));
    return out;
  }
  if (y.missing_count > 0) {
    std::vector<std::size_t> examples;
    for (std::size_t i = 0; i < y.size() && examples.size() < options.examples; ++i) {
      if (y.missing[i]) examples.push_back(i + 1);
    }
    out.push_back(finding(
        "data.target_missing", Severity::Warn,
        fmt::format("The target '{}' is missing in {} rows ({}); training drops them.", in.target, y.missing_count,
                    percent(static_cast<double>(y.missing_count) / static_cast<double>(in.rows))),
        {{"rows", y.missing_count}, {"example_rows", examples}},
        "Check why they have no label: if they are the unlabeled rows to predict, keep them in a "
        "separate file."));
  }
  in.task = options.task.value_or(infer_task(y));
  too_few_rows(in, y.size() - y.missing_count, out);
  if (*in.task != Task::Regression) {
    classes(table, in, out);
  } else {
    for (const ColumnProfile& p : in.columns) {
      if (!p.is_target) continue;
      target_scale(in, p, out);
      if (p.distinct == 1) {
        out.push_back(finding("data.single_class", Severity::Error,
                              fmt::format("The target '{}' has one value ('{}') in all {} rows with a target: there "
                                          "is nothing to learn.",
                                          in.target, y.cell_text(first_present(y)), y.size() - y.missing_count),
                              {{"value", y.cell_text(first_present(y))}, {"rows", y.size() - y.missing_count}},
                              "Check the --target column and any filtering that produced the file."));
      }
    }
  }
  small_table(in, out);
  label_order(table, in, out);
  return out;
}

}  // namespace nnrecipe::inspect_detail
