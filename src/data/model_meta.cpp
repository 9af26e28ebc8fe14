// meta.json and ensemble.json: written by save_model / save_ensemble, read
// back by `nnrecipe predict` and `run --resume`. Torch-free so that the
// readers can be fuzzed on their own (fuzz/).
#include "nnrecipe/model_meta.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "nnrecipe/error.h"

namespace nnrecipe {
namespace {

constexpr const char* kModelFormat = "nnrecipe.model/1";
constexpr const char* kEnsembleFormat = "nnrecipe.ensemble/2";
constexpr const char* kFirstEnsembleFormat = "nnrecipe.ensemble/1";
// A size above this is a damaged file, not a model: refusing it keeps a
// network from being allocated for it before the weights are read.
constexpr int64_t kLargestSize = int64_t{1} << 31;

/// The value at `key`, which must be there.
const nlohmann::json& required(const nlohmann::json& object, const std::string& key, const std::string& file) {
  if (!object.is_object()) throw InputError(file, "expected a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) throw InputError(file, "missing key \"" + key + "\"");
  return *it;
}

int64_t size_value(const nlohmann::json& value, const std::string& key, const std::string& file) {
  if (!value.is_number_integer()) throw InputError(file, "\"" + key + "\" must be a whole number");
  const auto n = value.get<int64_t>();
  if (n < 0 || n > kLargestSize) throw InputError(file, fmt::format("\"{}\" is {}: not a model size", key, n));
  return n;
}

double number_value(const nlohmann::json& value, const std::string& key, const std::string& file) {
  if (!value.is_number()) throw InputError(file, "\"" + key + "\" must be a number");
  const double x = value.get<double>();
  if (!std::isfinite(x)) throw InputError(file, "\"" + key + "\" must be finite");
  return x;
}

std::string string_value(const nlohmann::json& value, const std::string& key, const std::string& file) {
  if (!value.is_string()) throw InputError(file, "\"" + key + "\" must be a string");
  return value.get<std::string>();
}

std::vector<std::string> string_list(const nlohmann::json& value, const std::string& key, const std::string& file) {
  if (!value.is_array()) throw InputError(file, "\"" + key + "\" must be a list of strings");
  std::vector<std::string> out;
  for (const nlohmann::json& v : value) out.push_back(string_value(v, key + "[]", file));
  return out;
}

void check_class_names(Task task, std::size_t names, const std::string& file) {
  if ((task == Task::Binary && names != 2) || (task == Task::Multiclass && names < 2) ||
      (task == Task::Regression && names != 0)) {
    throw InputError(file, fmt::format("{} class names for a {} task", names, to_string(task)));
  }
}

/// A member path must stay inside the ensemble directory: relative, without
/// "..", so that a model directory from elsewhere reads only its own files.
void check_member_path(const std::string& path, const std::string& file) {
  const std::filesystem::path p(path);
  bool escapes = path.empty() || p.is_absolute();
  for (const std::filesystem::path& part : p) escapes = escapes || part == "..";
  if (escapes) throw InputError(file, "ensemble member path \"" + path + "\" is not inside the ensemble directory");
}

std::vector<EnsembleMember> first_format_members(const nlohmann::json& j, const std::string& file) {
  std::vector<EnsembleMember> out;
  const nlohmann::json& members = required(j, "members", file);
  if (!members.is_array()) throw InputError(file, "\"members\" must be a list");
  for (const nlohmann::json& path : members) out.push_back({string_value(path, "members[]", file), false, 1});
  const nlohmann::json& xgboost = required(j, "xgboost", file);
  if (!xgboost.is_null()) out.push_back({string_value(xgboost, "xgboost", file), true, 1});
  if (j.contains("weights")) {
    const nlohmann::json& weights = j["weights"];
    if (!weights.is_array() || weights.size() != out.size()) {
      throw InputError(file, fmt::format("\"weights\" must list one number per member ({})", out.size()));
    }
    for (std::size_t i = 0; i < out.size(); ++i) out[i].weight = number_value(weights[i], "weights[]", file);
  }
  return out;
}

std::vector<EnsembleMember> members_of(const nlohmann::json& j, const std::string& file) {
  std::vector<EnsembleMember> out;
  const nlohmann::json& members = required(j, "members", file);
  if (!members.is_array()) throw InputError(file, "\"members\" must be a list");
  for (const nlohmann::json& m : members) {
    const std::string kind = string_value(required(m, "kind", file), "kind", file);
    if (kind != "network" && kind != "xgboost") {
      throw InputError(file, "ensemble member kind \"" + kind + "\" (network or xgboost)");
    }
    out.push_back({string_value(required(m, "path", file), "path", file), kind == "xgboost",
                   number_value(required(m, "weight", file), "weight", file)});
  }
  return out;
}

}  // namespace

nlohmann::json model_metadata_json(const ModelMetadata& meta) {
  nlohmann::json j = {{"format", kModelFormat},
                      {"task", to_string(meta.task)},
                      {"class_names", meta.class_names},
                      {"input_dim", meta.shape.input_dim},
                      {"classes", meta.shape.classes},
                      {"embedding_cardinalities", meta.shape.embedding_cardinalities},
                      {"image_channels", meta.shape.image_channels}};
  if (meta.image_norm) j["image_norm"] = {{"mean", meta.image_norm->mean}, {"std", meta.image_norm->std}};
  return j;
}

ModelMetadata parse_model_metadata(const nlohmann::json& j, const std::string& file) {
  ModelMetadata m;
  // Models saved before the format key existed lack it; a different format
  // is another program's file.
  if (j.is_object() && j.contains("format") && j["format"] != kModelFormat) {
    throw InputError(file, "not an nnrecipe model (format " + j["format"].dump() + ")");
  }
  m.task = parse_saved_task(string_value(required(j, "task", file), "task", file), file);
  m.class_names = string_list(required(j, "class_names", file), "class_names", file);
  ModelShape& s = m.shape;
  s.task = m.task;
  s.input_dim = size_value(required(j, "input_dim", file), "input_dim", file);
  s.classes = size_value(required(j, "classes", file), "classes", file);
  s.image_channels = size_value(required(j, "image_channels", file), "image_channels", file);
  const nlohmann::json& cardinalities = required(j, "embedding_cardinalities", file);
  if (!cardinalities.is_array()) throw InputError(file, "\"embedding_cardinalities\" must be a list");
  for (const nlohmann::json& c : cardinalities) {
    s.embedding_cardinalities.push_back(size_value(c, "embedding_cardinalities[]", file));
    if (s.embedding_cardinalities.back() < 1) throw InputError(file, "an embedding with no category");
  }
  // IDX images are one channel; RGB(A) would be at most four.
  if (s.image_channels > 4) throw InputError(file, fmt::format("{} image channels", s.image_channels));
  if (s.image_channels == 0 && s.input_dim == 0 && s.embedding_cardinalities.empty()) {
    throw InputError(file, "a table model without inputs");
  }
  if (j.contains("image_norm")) {
    const nlohmann::json& norm = j["image_norm"];
    ImageNormalization n{number_value(required(norm, "mean", file), "image_norm.mean", file),
                         number_value(required(norm, "std", file), "image_norm.std", file)};
    if (!(n.std > 0)) throw InputError(file, "\"image_norm.std\" must be positive");
    m.image_norm = n;
  }
  if (m.task == Task::Regression) return m;
  if (m.task == Task::Multiclass && s.classes < 2) {
    throw InputError(file, fmt::format("a multiclass model with {} classes", s.classes));
  }
  const auto expected = static_cast<std::size_t>(m.task == Task::Binary ? 2 : s.classes);
  if (m.class_names.size() != expected) {
    throw InputError(file, fmt::format("{} class names for a {} model with {} classes", m.class_names.size(),
                                       to_string(m.task), expected));
  }
  return m;
}

void check_transform_matches(const ModelMetadata& meta, const FittedTransform& transform, const std::string& file) {
  const std::vector<std::size_t> ids = transform.embedding_cardinalities();
  const std::vector<int64_t> expected(ids.begin(), ids.end());
  if (static_cast<int64_t>(transform.dense_width()) != meta.shape.input_dim ||
      expected != meta.shape.embedding_cardinalities) {
    throw InputError(file,
                     fmt::format("does not match meta.json: {} dense and {} id columns, the network takes {} and {}",
                                 transform.dense_width(), ids.size(), meta.shape.input_dim,
                                 meta.shape.embedding_cardinalities.size()));
  }
}

std::vector<EnsembleMember> normalized_members(std::vector<EnsembleMember> members, const std::string& where) {
  if (members.empty()) throw InputError(where, "an ensemble needs a member");
  double total = 0;
  for (const EnsembleMember& m : members) {
    if (!(m.weight >= 0) || !std::isfinite(m.weight)) {
      throw InputError(where, fmt::format("ensemble weight {} of {} is not a non-negative number", m.weight, m.path));
    }
    total += m.weight;
  }
  if (!(total > 0) || !std::isfinite(total))
    throw InputError(where, "ensemble weights do not sum to a positive number");
  for (EnsembleMember& m : members) m.weight /= total;
  return members;
}

EnsembleIndex parse_ensemble_index(const nlohmann::json& j, const std::string& file) {
  const nlohmann::json& format = required(j, "format", file);
  if (format != kEnsembleFormat && format != kFirstEnsembleFormat) {
    throw InputError(file, "not an nnrecipe ensemble (format " + format.dump() + ")");
  }
  EnsembleIndex index;
  index.task = parse_saved_task(string_value(required(j, "task", file), "task", file), file);
  index.class_names = string_list(required(j, "class_names", file), "class_names", file);
  check_class_names(index.task, index.class_names.size(), file);
  std::vector<EnsembleMember> members =
      format == kFirstEnsembleFormat ? first_format_members(j, file) : members_of(j, file);
  for (const EnsembleMember& m : members) check_member_path(m.path, file);
  index.members = normalized_members(std::move(members), file);
  return index;
}

nlohmann::json ensemble_index_json(const EnsembleIndex& index) {
  nlohmann::json members = nlohmann::json::array();
  for (const EnsembleMember& m : index.members) {
    members.push_back({{"path", m.path}, {"kind", m.xgboost ? "xgboost" : "network"}, {"weight", m.weight}});
  }
  return {{"format", kEnsembleFormat},
          {"task", to_string(index.task)},
          {"class_names", index.class_names},
          {"members", members}};
}

}  // namespace nnrecipe
