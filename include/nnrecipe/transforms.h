#pragma once
/// @file
/// @brief Feature and target transforms, fitted on the training split only.
///
/// Fitted on the training split and then applied unchanged to validation, test
/// and new data (no leakage):
///  - numeric/boolean: median imputation (+ a missing-indicator column when
///    training had missing values), then standardization and a soft clip
///    that squashes outliers smoothly into (-3, 3);
///  - categorical with <= onehot_max_categories: one-hot (unseen -> all zero);
///  - categorical above that: integer ids for an embedding (0 = unseen/missing);
///  - classification target: label encoding; regression target: standardized
///    (after a log, for a positive skewed target when asked) with an exact
///    inverse (under a log, kept within the training range of log(y)).
///
/// Saved to JSON and reloaded bit-identically (doubles round-trip exactly).
///
/// @code
/// nnrecipe::TransformOptions options;
/// options.target = "Status";
/// const auto ft = nnrecipe::FittedTransform::fit(splits.train, options);  // the training rows only
/// const nnrecipe::EncodedData train = ft.apply(splits.train), test = ft.apply(splits.test);
/// std::cout << ft.dense_width() << " dense columns, " << ft.embedding_cardinalities().size() << " embedded\n";
/// ft.save("transform.json");  // FittedTransform::load reads it back
/// @endcode
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/table.h"

namespace nnrecipe {

enum class Task { Binary, Multiclass, Regression };
const char* to_string(Task task);
std::optional<Task> parse_task(const std::string& name);
/// parse_task, or InputError naming `file` (a saved model's metadata).
Task parse_saved_task(const std::string& name, const std::string& file);

/// The task a target column implies: categorical/boolean -> binary (2
/// classes) or multiclass; numeric with exactly two distinct values ->
/// binary; other numeric -> regression.
Task infer_task(const Column& target);

struct TransformOptions {
  std::string target;                      ///< target column name ("" = features only)
  std::optional<Task> task;                ///< nullopt = infer_task
  bool normalize = true;                   ///< standardize numeric features
  bool soft_clip = true;                   ///< with normalize: z -> z / sqrt(1 + (z/3)^2)
  bool normalize_target = true;            ///< standardize a regression target
  bool log_target = false;                 ///< regression: model log(y) (every y must be > 0)
  std::size_t onehot_max_categories = 16;  ///< above: embedding ids
  std::vector<std::string> drop;           ///< columns not used as features
};

enum class FeatureKind { Numeric, OneHot, Embedding };

struct FeatureSpec {
  std::string name;
  FeatureKind kind = FeatureKind::Numeric;
  double median = 0.0;                  ///< imputation value (numeric)
  double mean = 0.0;                    ///< subtracted (numeric; 0 when not normalizing)
  double scale = 1.0;                   ///< divided by (numeric; 1 when not normalizing)
  bool indicator = false;               ///< add a "<name>__missing" column
  std::vector<std::string> categories;  ///< one-hot / embedding vocabulary
};

struct TargetSpec {
  std::string name;
  Task task = Task::Regression;
  std::vector<std::string> classes;  ///< class index -> label (classification)
  bool log = false;                  ///< regression: z = (log(y) - mean) / scale
  double mean = 0.0;                 ///< regression: z = (y - mean) / scale
  double scale = 1.0;
  /// log: the training range of log(y); inverse_target keeps a prediction
  /// inside it (NaN = no bound, as in files written before it existed).
  double log_min = std::numeric_limits<double>::quiet_NaN();
  double log_max = std::numeric_limits<double>::quiet_NaN();
};

/// The transformed data: dense float features (row-major rows x dense_cols),
/// embedding ids (rows x id_cols), and the encoded target.
struct EncodedData {
  std::size_t rows = 0;
  std::size_t dense_cols = 0;
  std::vector<float> dense;
  std::size_t id_cols = 0;
  std::vector<int64_t> ids;
  std::vector<int64_t> labels;        ///< classification: class index per row
  std::vector<float> target;          ///< regression: standardized target per row
  std::size_t unseen_categories = 0;  ///< cells whose category training never saw
};

class FittedTransform {
 public:
  /// Fits on the training table. Throws InputError for an absent target,
  /// a target with missing values (drop those rows first), a regression
  /// task on a non-numeric target, or fewer than two classes.
  static FittedTransform fit(const Table& train, const TransformOptions& options);

  /// Applies to a table with the same feature columns (by name). The target
  /// is encoded when present; `require_target` makes its absence an error.
  EncodedData apply(const Table& table, bool require_target = true) const;

  const std::vector<FeatureSpec>& features() const { return features_; }
  const std::optional<TargetSpec>& target() const { return target_; }
  /// Names of the dense columns, in order (e.g. "Age", "Home=rent", "Income__missing").
  std::vector<std::string> dense_names() const;
  /// Indices of the dense columns that hold a numeric feature's value (not
  /// one-hot columns or missing indicators).
  std::vector<int64_t> numeric_dense_columns() const;
  std::size_t dense_width() const;
  /// Vocabulary size of each embedding column (categories + 1 for id 0).
  std::vector<std::size_t> embedding_cardinalities() const;
  /// Column types to read new data with, so that a categorical column whose
  /// values look numeric in the new file is still read as text.
  std::map<std::string, ColumnType> column_types() const;

  /// Standardized target -> original units, and back (regression). With a
  /// log target, forward_target throws InputError for y <= 0.
  double inverse_target(double z) const;
  double forward_target(double y) const;

  nlohmann::json to_json() const;
  static FittedTransform from_json(const nlohmann::json& j, const std::string& source = "transform");
  /// Writes JSON atomically (temp file + rename); load() reads it back.
  void save(const std::string& path) const;
  static FittedTransform load(const std::string& path);

 private:
  std::vector<FeatureSpec> features_;
  std::optional<TargetSpec> target_;
  std::map<std::string, ColumnType> source_types_;
  bool soft_clip_ = false;  ///< off in files written before it existed
};

/// The soft clip of standardized features (RealMLP's "smooth clipping",
/// Holzmüller et al. 2024): identity near 0, |z| < 3 always, monotone, so
/// one extreme row cannot push a network far outside what it trained on.
float soft_clip(double z);

/// Row indices whose `target` cell is present (rows to keep for training).
std::vector<std::size_t> rows_with_target(const Table& table, const std::string& target);

}  // namespace nnrecipe
