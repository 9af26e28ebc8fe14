#pragma once
/// @file
/// @brief `nnrecipe inspect`: stage 1 of the recipe (docs/recipe.md, "Inspect").
///
/// Profiles every column of a table and runs every data.* check of the
/// catalogue on it, and on train vs test when a test table is given.
///
/// @code
/// const nnrecipe::Table train = nnrecipe::read_csv("examples/data/credit_data.csv");  // csv.h
/// nnrecipe::InspectOptions options;
/// options.target = "Status";
/// const nnrecipe::Inspection in = nnrecipe::inspect_table(train, options);
/// std::cout << in.verdict() << "\n" << nnrecipe::render_findings(in.findings);
/// const std::string json = nnrecipe::to_json(in).dump(2);  // the form below
/// @endcode
///
/// The JSON form (to_json below), which the terminal summary, `--json` and the
/// HTML report all read:
/// @code{.unparsed}
///   {"kind": "table", "source", "test_source"?, "rows", "cols", "target"?, "task"?,
///    "verdict": "pass"|"warn"|"fail", "verdict_text", "seconds",
///    "columns": [{"name", "type", "missing", "missing_share", "distinct", "role": "feature"|"target",
///                 "numeric"?: {"min","max","mean","std","skew","median","mad",
///                              "quantiles": {"p0","p5","p25","p50","p75","p95","p100"},
///                              "histogram": {"lo","hi","counts": [..]},
///                              "lowest": [{"value","row"}], "highest": [{"value","row"}],
///                              "outlier_rows", "integer_valued"},
///                 "top_values"?: [{"value","count"}], "numeric_like"?, "power"?}],
///    "target_profile"?: {"task", "classes"?: [{"value","count","share"}]},
///    "predictive_power": {"metric": "auc"|"r2", "method", "features": [{"column","score"}]},
///    "correlation": {"rows_used", "rows_total", "sampled", "pairs": [{"a","b","pearson","spearman"}]},
///    "test"?: {"rows", "drift": [{"column","statistic","score"}]},
///    "findings": [{"id","severity","stage","message","evidence","fix"}], "ignored": []}
/// @endcode
/// Row numbers everywhere are 1-based data rows (the header is not a row), as
/// `--show rows:N,M` takes them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnrecipe/findings.h"
#include "nnrecipe/table.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// "fail" when a finding is an error, "warn" with warnings, else "pass"; and
/// the sentence the reports print with it.
std::string verdict_of(const FindingSet& findings);
std::string verdict_sentence(const std::string& verdict);

struct InspectOptions {
  std::string target;               ///< target column; "" = profile only
  std::optional<Task> task;         ///< nullopt = infer_task on the target
  std::size_t top_values = 10;      ///< categories listed per categorical column
  std::size_t histogram_bins = 30;  ///< bins of a numeric column's histogram
  std::size_t extremes = 3;         ///< lowest / highest values listed, with their rows
  std::size_t examples = 5;         ///< example rows (or groups) a finding lists
  /// Rows used for the pairwise correlation check (quadratic in columns):
  /// a seeded sample when the table is larger; the report says so.
  std::size_t correlation_rows = 20000;
  /// Quantile bins per numeric feature for predictive power / leakage.
  std::size_t power_bins = 256;
  uint64_t seed = 0;
  std::vector<std::string> ignore;  ///< check ids to silence (recorded as ignored)
};

struct ValueCount {
  std::string value;
  std::size_t count = 0;
};

struct RowValue {
  double value = 0;
  std::size_t row = 0;  ///< 1-based
};

struct NumericProfile {
  double min = 0, max = 0, mean = 0, std = 0, skew = 0, median = 0, mad = 0;
  /// p0, p5, p25, p50, p75, p95, p100.
  std::vector<double> quantiles;
  double hist_lo = 0, hist_hi = 0;
  std::vector<std::size_t> histogram;
  std::vector<RowValue> lowest, highest;
  /// Rows beyond a robust z-score (0.6745 |x - median| / MAD) of 6.
  std::size_t outlier_rows = 0;
  std::vector<std::size_t> outlier_examples;  ///< 1-based rows
  bool integer_valued = false;
  std::size_t nonfinite = 0;  ///< NaN/Inf values read from "nan"/"inf" tokens (not in the statistics)
};

struct ColumnProfile {
  std::string name;
  ColumnType type = ColumnType::Numeric;
  bool is_target = false;
  std::size_t missing = 0;
  std::size_t distinct = 0;
  std::optional<NumericProfile> numeric;  ///< numeric columns
  std::vector<ValueCount> top_values;     ///< categorical and boolean columns
  std::size_t numeric_like = 0;           ///< categorical: present cells that parse as numbers
  std::optional<double> power;            ///< predictive power of the feature alone
};

struct FeaturePower {
  std::string column;
  double score = 0;
};

struct CorrelationPair {
  std::string a, b;
  double pearson = 0, spearman = 0;
};

struct DriftScore {
  std::string column;
  std::string statistic;  ///< "ks" or "cramers_v"
  double score = 0;
};

struct Inspection {
  std::string source, test_source;
  std::size_t rows = 0;
  std::vector<ColumnProfile> columns;
  std::string target;  ///< "" when none (or absent: data.target_missing)
  std::optional<Task> task;
  std::vector<ValueCount> classes;          ///< classification target, commonest first
  std::string power_metric;                 ///< "auc" (classification) or "r2"
  std::vector<FeaturePower> power;          ///< best first
  std::size_t correlation_rows = 0;         ///< rows the correlation check used (a sample when fewer than rows)
  std::size_t correlation_columns = 0;      ///< numeric features it compared
  std::size_t numeric_features = 0;         ///< of how many
  std::vector<CorrelationPair> correlated;  ///< pairs above the threshold
  std::optional<std::size_t> test_rows;
  std::vector<DriftScore> drift;  ///< every shared feature, highest first
  FindingSet findings;
  double seconds = 0;

  std::string verdict() const { return verdict_of(findings); }
};

/// data.constant's rule: a feature with at most one distinct present value.
bool is_constant_column(const ColumnProfile& column);
/// data.id_like's rule: a whole-number or text feature with no missing cell
/// and a different value in every row (of more than one).
bool is_id_like_column(const ColumnProfile& column, std::size_t rows);

/// Profiles `train` and runs the data.* checks; with `test`, also the
/// train-vs-test ones (the test table must have train's columns).
Inspection inspect_table(const Table& train, const InspectOptions& options, const Table* test = nullptr);

nlohmann::json to_json(const Inspection& inspection);

}  // namespace nnrecipe

#include "nnrecipe/idx.h"

namespace nnrecipe {

/// `nnrecipe inspect` on an image dataset directory: class balance,
/// per-pixel mean/std, exact duplicate images within train and between train
/// and test (and duplicates with different labels), a contact sheet of random
/// training images per class.
struct ImageInspection {
  FindingSet findings;
  /// {"kind": "images", "directory", "classes", "rows", "train": {"images", "height", "width"}, "test": {...},
  ///  "verdict", "verdict_text", "seconds", "class_counts": {"train": [..], "test": [..]},
  ///  "pixel": {"mean", "std", "mean_image_png", "std_image_png"},
  ///  "contact_sheet": [{"class", "rows": [..], "png"}], "duplicates": {"within_train", "train_test"},
  ///  "findings": [...], "ignored": [...]}  (PNGs as data: URIs, rows 1-based)
  nlohmann::json report;
};

ImageInspection inspect_images(const ImageDataset& data, const InspectOptions& options);

}  // namespace nnrecipe
