#include "nnrecipe/transforms.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"

namespace nnrecipe {
namespace {

using nlohmann::json;

// Finite, present values of a numeric or boolean column.
std::vector<double> finite_values(const Column& c) {
  std::vector<double> out;
  out.reserve(c.size() - c.missing_count);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.missing[i] && std::isfinite(c.values[i])) out.push_back(c.values[i]);
  }
  return out;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lo + (hi - lo) / 2.0;
}

// Mean and population standard deviation (two-pass for accuracy). A zero or
// undefined spread gives scale 1 so that constant columns pass unchanged
// (data.constant reports them).
std::pair<double, double> mean_and_scale(const std::vector<double>& v) {
  if (v.empty()) return {0.0, 1.0};
  double sum = 0.0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size()));
  return {mean, (sd > 0.0 && std::isfinite(sd)) ? sd : 1.0};
}

const char* kind_name(FeatureKind k) {
  switch (k) {
    case FeatureKind::Numeric: return "numeric";
    case FeatureKind::OneHot: return "onehot";
    case FeatureKind::Embedding: return "embedding";
  }
  return "numeric";
}

FeatureKind parse_kind(const std::string& s, const std::string& source) {
  if (s == "numeric") return FeatureKind::Numeric;
  if (s == "onehot") return FeatureKind::OneHot;
  if (s == "embedding") return FeatureKind::Embedding;
  throw InputError(source, "unknown feature kind '" + s + "'");
}

}  // namespace

const char* to_string(Task task) {
  switch (task) {
    case Task::Binary: return "binary";
    case Task::Multiclass: return "multiclass";
    case Task::Regression: return "regression";
  }
  return "regression";
}

std::optional<Task> parse_task(const std::string& name) {
  if (name == "binary") return Task::Binary;
  if (name == "multiclass") return Task::Multiclass;
  if (name == "regression") return Task::Regression;
  return std::nullopt;
}

Task parse_saved_task(const std::string& name, const std::string& file) {
  const std::optional<Task> task = parse_task(name);
  if (!task) throw InputError(file, "unknown task \"" + name + "\" (binary, multiclass or regression)");
  return *task;
}

Task infer_task(const Column& target) {
  const std::size_t distinct = count_distinct(target);
  if (target.type != ColumnType::Numeric) return distinct <= 2 ? Task::Binary : Task::Multiclass;
  return distinct == 2 ? Task::Binary : Task::Regression;
}

std::vector<std::size_t> rows_with_target(const Table& table, const std::string& target) {
  const Column& t = table.column(target);
  std::vector<std::size_t> rows;
  rows.reserve(t.size() - t.missing_count);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!t.missing[i]) rows.push_back(i);
  }
  return rows;
}

FittedTransform FittedTransform::fit(const Table& train, const TransformOptions& options) {
  FittedTransform ft;
  ft.soft_clip_ = options.normalize && options.soft_clip;
  for (const Column& c : train.columns()) {
    ft.source_types_[c.name] = c.type;
    if (c.name == options.target) continue;
    if (std::find(options.drop.begin(), options.drop.end(), c.name) != options.drop.end()) continue;
    FeatureSpec spec;
    spec.name = c.name;
    spec.indicator = c.missing_count > 0;
    if (c.is_categorical()) {
      std::vector<uint8_t> seen(c.categories.size(), 0);
      for (std::size_t i = 0; i < c.size(); ++i) {
        if (!c.missing[i]) seen[static_cast<std::size_t>(c.codes[i])] = 1;
      }
      for (std::size_t k = 0; k < seen.size(); ++k) {
        if (seen[k]) spec.categories.push_back(c.categories[k]);
      }
      spec.kind =
          spec.categories.size() <= options.onehot_max_categories ? FeatureKind::OneHot : FeatureKind::Embedding;
      // Embedding id 0 already stands for missing: no indicator needed.
      if (spec.kind == FeatureKind::Embedding) spec.indicator = false;
    } else {
      std::vector<double> v = finite_values(c);
      if (options.normalize) std::tie(spec.mean, spec.scale) = mean_and_scale(v);
      spec.median = median_of(std::move(v));
    }
    ft.features_.push_back(std::move(spec));
  }

  if (options.target.empty()) return ft;
  const Column& t = train.column(options.target);
  if (t.missing_count > 0) {
    throw InputError(
        fmt::format("target column '{}' has {} missing values; drop those rows "
                    "before fitting",
                    t.name, t.missing_count));
  }
  TargetSpec target;
  target.name = t.name;
  target.task = options.task.value_or(infer_task(t));
  if (target.task == Task::Regression) {
    if (t.type != ColumnType::Numeric) {
      throw InputError(fmt::format("target column '{}' is {}, but the task is regression", t.name, to_string(t.type)));
    }
    std::vector<double> y = finite_values(t);
    if (options.log_target) {
      target.log = true;
      for (double& v : y) {
        if (!(v > 0)) {
          throw InputError(
              fmt::format("target column '{}' has the value {}: a log target needs every value > 0 "
                          "(set data.log_target: false)",
                          t.name, v));
        }
        v = std::log(v);
      }
      const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
      target.log_min = *lo;
      target.log_max = *hi;
    }
    if (options.normalize_target) std::tie(target.mean, target.scale) = mean_and_scale(y);
  } else {
    if (t.is_categorical()) {
      std::vector<uint8_t> seen(t.categories.size(), 0);
      for (int32_t code : t.codes) seen[static_cast<std::size_t>(code)] = 1;
      for (std::size_t k = 0; k < seen.size(); ++k) {
        if (seen[k]) target.classes.push_back(t.categories[k]);
      }
    } else {
      std::vector<double> v = finite_values(t);
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      for (double x : v)
        target.classes.push_back(t.type == ColumnType::Boolean ? (x != 0 ? "true" : "false") : fmt::format("{}", x));
    }
    if (target.classes.size() < 2) {
      throw InputError(
          fmt::format("target column '{}' has {} class(es); classification needs "
                      "at least two",
                      t.name, target.classes.size()));
    }
    if (target.task == Task::Binary && target.classes.size() > 2) {
      throw InputError(
          fmt::format("target column '{}' has {} classes, but the task is binary", t.name, target.classes.size()));
    }
  }
  ft.target_ = std::move(target);
  return ft;
}

std::size_t FittedTransform::dense_width() const {
  std::size_t w = 0;
  for (const FeatureSpec& f : features_) {
    if (f.kind == FeatureKind::Numeric) w += 1;
    if (f.kind == FeatureKind::OneHot) w += f.categories.size();
    if (f.kind != FeatureKind::Embedding && f.indicator) w += 1;
  }
  return w;
}

std::vector<std::string> FittedTransform::dense_names() const {
  std::vector<std::string> names;
  for (const FeatureSpec& f : features_) {
    if (f.kind == FeatureKind::Numeric) names.push_back(f.name);
    if (f.kind == FeatureKind::OneHot) {
      for (const std::string& c : f.categories) names.push_back(f.name + "=" + c);
    }
    if (f.kind != FeatureKind::Embedding && f.indicator) names.push_back(f.name + "__missing");
  }
  return names;
}

std::vector<int64_t> FittedTransform::numeric_dense_columns() const {
  std::vector<int64_t> out;
  int64_t column = 0;
  for (const FeatureSpec& f : features_) {
    if (f.kind == FeatureKind::Numeric) out.push_back(column++);
    if (f.kind == FeatureKind::OneHot) column += static_cast<int64_t>(f.categories.size());
    if (f.kind != FeatureKind::Embedding && f.indicator) ++column;
  }
  return out;
}

std::vector<std::size_t> FittedTransform::embedding_cardinalities() const {
  std::vector<std::size_t> out;
  for (const FeatureSpec& f : features_) {
    if (f.kind == FeatureKind::Embedding) out.push_back(f.categories.size() + 1);
  }
  return out;
}

std::map<std::string, ColumnType> FittedTransform::column_types() const {
  std::map<std::string, ColumnType> out;
  for (const FeatureSpec& f : features_) {
    auto it = source_types_.find(f.name);
    out[f.name] = it != source_types_.end()        ? it->second
                  : f.kind == FeatureKind::Numeric ? ColumnType::Numeric
                                                   : ColumnType::Categorical;
  }
  return out;
}

double FittedTransform::forward_target(double y) const {
  if (!target_) throw std::logic_error("forward_target: no target was fitted");
  if (target_->log) {
    if (!(y > 0)) {
      throw InputError(
          fmt::format("target column '{}' has the value {}, but the model was trained on log({}): "
                      "every value must be > 0",
                      target_->name, y, target_->name));
    }
    y = std::log(y);
  }
  return (y - target_->mean) / target_->scale;
}

double FittedTransform::inverse_target(double z) const {
  if (!target_) throw std::logic_error("inverse_target: no target was fitted");
  const double y = z * target_->scale + target_->mean;
  if (!target_->log) return y;
  // A network extrapolates linearly in log(y), so exponentially in y: one
  // test row outside what training held can cost more RMSE than all the
  // others together. Kept in the training range, as trees are. Without a range (older files), capped
  // below exp's overflow (e^709 ~ 8e307) so that metrics stay finite.
  if (!std::isnan(target_->log_min)) return std::exp(std::clamp(y, target_->log_min, target_->log_max));
  return std::exp(std::min(y, 700.0));
}

float soft_clip(double z) {
  constexpr double kBound = 3.0;  // RealMLP's default
  return static_cast<float>(z / std::sqrt(1.0 + (z / kBound) * (z / kBound)));
}

EncodedData FittedTransform::apply(const Table& table, bool require_target) const {
  EncodedData out;
  out.rows = table.rows();
  out.dense_cols = dense_width();
  out.id_cols = embedding_cardinalities().size();
  out.dense.assign(out.rows * out.dense_cols, 0.0f);
  out.ids.assign(out.rows * out.id_cols, 0);

  std::size_t dense_at = 0, id_at = 0;
  for (const FeatureSpec& f : features_) {
    const Column& c = table.column(f.name);
    if (f.kind == FeatureKind::Numeric) {
      if (c.is_categorical()) {
        std::string example;
        for (std::size_t i = 0; i < c.size() && example.empty(); ++i) {
          if (!c.missing[i]) example = c.cell_text(i);
        }
        throw InputError(
            fmt::format("column '{}' was numeric in training but holds text here "
                        "(e.g. '{}')",
                        f.name, example));
      }
      const auto encode = [&](double x) {
        const double z = (x - f.mean) / f.scale;
        return soft_clip_ ? soft_clip(z) : static_cast<float>(z);
      };
      const float imputed = encode(f.median);
      for (std::size_t i = 0; i < out.rows; ++i) {
        float* row = &out.dense[i * out.dense_cols + dense_at];
        if (c.missing[i]) {
          row[0] = imputed;
          if (f.indicator) row[1] = 1.0f;
        } else {
          row[0] = encode(c.values[i]);
        }
      }
      dense_at += 1 + (f.indicator ? 1 : 0);
      continue;
    }
    // Categorical: look codes up once per category of this table, not per cell.
    std::unordered_map<std::string, int64_t> index;
    for (std::size_t k = 0; k < f.categories.size(); ++k) index.emplace(f.categories[k], static_cast<int64_t>(k));
    std::vector<int64_t> local;
    if (c.is_categorical()) {
      local.resize(c.categories.size());
      for (std::size_t k = 0; k < c.categories.size(); ++k) {
        auto it = index.find(c.categories[k]);
        local[k] = it == index.end() ? -1 : it->second;
      }
    }
    for (std::size_t i = 0; i < out.rows; ++i) {
      int64_t k = -1;
      const bool missing = c.missing[i];
      if (!missing) {
        if (c.is_categorical()) {
          k = local[static_cast<std::size_t>(c.codes[i])];
        } else {
          // A column read as numbers here but categorical in training.
          auto it = index.find(c.cell_text(i));
          k = it == index.end() ? -1 : it->second;
        }
        out.unseen_categories += (k < 0);
      }
      if (f.kind == FeatureKind::OneHot) {
        float* row = &out.dense[i * out.dense_cols + dense_at];
        if (k >= 0) row[k] = 1.0f;
        if (f.indicator && missing) row[f.categories.size()] = 1.0f;
      } else {
        out.ids[i * out.id_cols + id_at] = k + 1;  // 0 = unseen or missing
      }
    }
    if (f.kind == FeatureKind::OneHot) {
      dense_at += f.categories.size() + (f.indicator ? 1 : 0);
    } else {
      ++id_at;
    }
  }

  if (!target_) return out;
  const auto ti = table.find(target_->name);
  if (!ti) {
    if (require_target) table.column(target_->name);  // throws, listing the columns
    return out;
  }
  const Column& t = table.column(*ti);
  if (t.missing_count > 0) {
    throw InputError(fmt::format("target column '{}' has {} missing values", t.name, t.missing_count));
  }
  if (target_->task == Task::Regression) {
    if (t.is_categorical()) {
      throw InputError(fmt::format("target column '{}' holds text, but the task is regression", t.name));
    }
    out.target.resize(out.rows);
    for (std::size_t i = 0; i < out.rows; ++i) out.target[i] = static_cast<float>(forward_target(t.values[i]));
    return out;
  }
  std::unordered_map<std::string, int64_t> class_index;
  for (std::size_t k = 0; k < target_->classes.size(); ++k)
    class_index.emplace(target_->classes[k], static_cast<int64_t>(k));
  out.labels.resize(out.rows);
  for (std::size_t i = 0; i < out.rows; ++i) {
    const std::string label = t.cell_text(i);
    auto it = class_index.find(label);
    if (it == class_index.end()) {
      throw InputError(
          fmt::format("row {}: label '{}' of target column '{}' was not seen in "
                      "training",
                      i + 1, label, t.name));
    }
    out.labels[i] = it->second;
  }
  return out;
}

json FittedTransform::to_json() const {
  json features = json::array();
  for (const FeatureSpec& f : features_) {
    json j = {{"name", f.name}, {"kind", kind_name(f.kind)}, {"indicator", f.indicator}};
    if (f.kind == FeatureKind::Numeric) {
      j["median"] = f.median;
      j["mean"] = f.mean;
      j["scale"] = f.scale;
    } else {
      j["categories"] = f.categories;
    }
    features.push_back(std::move(j));
  }
  json types = json::object();
  for (const auto& [name, type] : source_types_) types[name] = to_string(type);
  json out = {{"format", "nnrecipe.transform/1"}, {"features", features}, {"column_types", types}};
  if (soft_clip_) out["soft_clip"] = true;  // absent = false: older files load unchanged
  if (target_) {
    out["target"] = {{"name", target_->name},
                     {"task", to_string(target_->task)},
                     {"classes", target_->classes},
                     {"mean", target_->mean},
                     {"scale", target_->scale}};
    if (target_->log) {
      out["target"]["log"] = true;  // absent = false: older files load unchanged
      out["target"]["log_range"] = {target_->log_min, target_->log_max};
    }
  }
  return out;
}

FittedTransform FittedTransform::from_json(const json& j, const std::string& source) {
  try {
    if (j.at("format") != "nnrecipe.transform/1") {
      throw InputError(source, "unknown transform format " + j.at("format").dump());
    }
    FittedTransform ft;
    for (const json& f : j.at("features")) {
      FeatureSpec spec;
      spec.name = f.at("name").get<std::string>();
      spec.kind = parse_kind(f.at("kind").get<std::string>(), source);
      spec.indicator = f.at("indicator").get<bool>();
      if (spec.kind == FeatureKind::Numeric) {
        spec.median = f.at("median").get<double>();
        spec.mean = f.at("mean").get<double>();
        spec.scale = f.at("scale").get<double>();
      } else {
        spec.categories = f.at("categories").get<std::vector<std::string>>();
      }
      ft.features_.push_back(std::move(spec));
    }
    for (const auto& [name, type] : j.at("column_types").items()) {
      auto parsed = parse_column_type(type.get<std::string>());
      if (!parsed) throw InputError(source, "unknown column type for '" + name + "'");
      ft.source_types_[name] = *parsed;
    }
    ft.soft_clip_ = j.value("soft_clip", false);
    if (j.contains("target")) {
      const json& t = j.at("target");
      TargetSpec target;
      target.name = t.at("name").get<std::string>();
      auto task = parse_task(t.at("task").get<std::string>());
      if (!task) throw InputError(source, "unknown task " + t.at("task").dump());
      target.task = *task;
      target.classes = t.at("classes").get<std::vector<std::string>>();
      target.mean = t.at("mean").get<double>();
      target.scale = t.at("scale").get<double>();
      target.log = t.value("log", false);
      if (t.contains("log_range")) {
        target.log_min = t.at("log_range").at(0).get<double>();
        target.log_max = t.at("log_range").at(1).get<double>();
      }
      ft.target_ = std::move(target);
    }
    return ft;
  } catch (const json::exception& e) {
    throw InputError(source, std::string("malformed transform: ") + e.what());
  }
}

void FittedTransform::save(const std::string& path) const { write_json_atomic(path, to_json()); }

FittedTransform FittedTransform::load(const std::string& path) { return from_json(read_json_file(path), path); }

}  // namespace nnrecipe
