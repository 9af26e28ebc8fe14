#pragma once
/// @file
/// @brief The data a training run reads, prepared from a Config: splits, fitted transforms, tensors.
///
/// The splits loaded, transformed (fitted on the training rows only) and turned
/// into tensors, with what the network needs to know (shape, task, class
/// counts). The trainer, the doctor, the baselines and the recipe all start
/// from it.
///
/// @code
/// const nnrecipe::Config config = nnrecipe::load_config("examples/configs/credit_mlp.yaml");
/// const nnrecipe::PreparedData data = nnrecipe::prepare_data(config);  // tensors, for the trainer
/// std::cout << data.train.size() << " training rows, " << data.shape.input_dim << " inputs\n";
/// const nnrecipe::EncodedSplits splits = nnrecipe::encode_splits(config);  // plain vectors, for the baselines
/// @endcode
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnrecipe/config.h"
#include "nnrecipe/dataset.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/tensors.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// Everything a training run reads, prepared from the config: splits as
/// tensors, the fitted transforms, the model shape and the class counts.
struct PreparedData {
  Task task = Task::Regression;
  ModelShape shape;
  std::vector<std::string> class_names;  ///< classification
  std::vector<int64_t> class_counts;     ///< training counts per class
  TensorData train, val, test;
  std::optional<FittedTransform> transform;      ///< tabular data
  std::optional<ImageNormalization> image_norm;  ///< image data
  std::size_t dropped_missing_target = 0;
};

/// Tabular splits after the transforms, before they become tensors (what
/// the xgboost and prior baselines take).
struct EncodedSplits {
  Task task = Task::Regression;
  FittedTransform transform;
  EncodedData train, val, test;
  std::size_t dropped_missing_target = 0;
};

/// train.loss with "auto" resolved for the task: bce, ce or mse.
std::string resolved_loss(const Config& config, Task task);

/// How the config's CSV files are read: data.delimiter and data.types (the
/// same as the --delimiter and --type options of every command that reads a
/// CSV).
CsvOptions csv_options(const DataConfig& data);
/// Loads data.train as a CSV and splits it (seeded, stratified) or reads
/// data.val / data.test; data.drop columns are removed (InputError naming a
/// column that is not there).
DatasetSplits load_config_splits(const Config& config);
/// Fits the transforms on `raw.train` only and applies them to every split.
EncodedSplits encode_splits(const Config& config, const DatasetSplits& raw);
/// load_config_splits then encode_splits.
EncodedSplits encode_splits(const Config& config);

/// Loads data.train (CSV or image directory) as encode_splits does, or an
/// image directory (validation split from its training images), as tensors.
PreparedData prepare_data(const Config& config);
/// The same from already encoded tabular splits.
PreparedData prepare_data(const EncodedSplits& splits);

}  // namespace nnrecipe
