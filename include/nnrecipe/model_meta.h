#pragma once
/// @file
/// @brief What a saved model directory says about itself (meta.json, ensemble.json), read without LibTorch.
///
/// The network's shape, the task and class names (meta.json), image
/// normalization, and an ensemble's index (ensemble.json). Parsed from
/// untrusted files: every reader here validates and throws InputError naming
/// the file and the key, never indexes a missing key or a short array.
///
/// @code
/// const std::string file = dir + "/meta.json";
/// const nlohmann::json j = nlohmann::json::parse(std::ifstream(file));
/// const nnrecipe::ModelMetadata meta = nnrecipe::parse_model_metadata(j, file);
/// const auto transform = nnrecipe::FittedTransform::load(dir + "/transform.json");
/// nnrecipe::check_transform_matches(meta, transform, dir + "/transform.json");
/// std::cout << nnrecipe::to_string(meta.task) << ", " << meta.shape.input_dim << " inputs\n";
/// @endcode
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/idx.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// What a network must fit: input shape and outputs.
struct ModelShape {
  Task task = Task::Regression;
  int64_t classes = 0;    ///< classification: number of classes
  int64_t input_dim = 0;  ///< tabular: dense columns
  std::vector<int64_t> embedding_cardinalities;
  /// tabular: dense columns that hold a numeric feature (not one-hot or a
  /// missing indicator); a numeric embedding embeds these. Not in
  /// meta.json: read from the transform.
  std::vector<int64_t> numeric_columns;
  int64_t image_channels = 0;  ///< images: channels (> 0 means image data)
};

/// Per-channel normalization of images, fitted on the training images.
struct ImageNormalization {
  double mean = 0.0;  ///< of pixel / 255
  double std = 1.0;
  static ImageNormalization fit(const ImageSet& train);
};

/// The content of a model directory's meta.json.
struct ModelMetadata {
  Task task = Task::Regression;
  ModelShape shape;
  std::vector<std::string> class_names;  ///< classification
  std::optional<ImageNormalization> image_norm;
};

/// meta.json as save_model writes it ("format": "nnrecipe.model/1").
nlohmann::json model_metadata_json(const ModelMetadata& meta);
/// Parses and checks meta.json: required keys with their types, sizes that
/// are not negative, class names that match the task and class count.
/// Throws InputError naming `file`.
ModelMetadata parse_model_metadata(const nlohmann::json& meta, const std::string& file);
/// Throws InputError naming `file` (a transform.json) when the transform's
/// dense width or embedding cardinalities differ from the network's shape.
void check_transform_matches(const ModelMetadata& meta, const FittedTransform& transform, const std::string& file);

/// One model of an ensemble directory.
struct EnsembleMember {
  std::string path;  ///< a network model directory, or an xgboost model file
  bool xgboost = false;
  double weight = 1;  ///< non-negative; normalized over the members
};

/// The content of an ensemble directory's ensemble.json.
struct EnsembleIndex {
  Task task = Task::Regression;
  std::vector<std::string> class_names;
  std::vector<EnsembleMember> members;  ///< paths relative to the directory; weights sum to 1
};

/// The members with their weights normalized to sum 1. Throws InputError
/// (naming `where`) on no member, or a negative, non-finite or all-zero weight.
std::vector<EnsembleMember> normalized_members(std::vector<EnsembleMember> members, const std::string& where);
/// Parses and checks ensemble.json of either format ("nnrecipe.ensemble/2",
/// or the first one): member paths inside the directory, weights, class
/// names that match the task. Throws InputError naming `file`.
EnsembleIndex parse_ensemble_index(const nlohmann::json& index, const std::string& file);
/// ensemble.json in the current format for members at `members[i].path`.
nlohmann::json ensemble_index_json(const EnsembleIndex& index);

}  // namespace nnrecipe
