// From a Config to tensors: load, split, fit transforms on train only.
#include <torch/torch.h>

#include "nnrecipe/data_source.h"
#include "nnrecipe/dataset.h"
#include "nnrecipe/error.h"
#include "nnrecipe/split.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe {
namespace {

std::vector<int64_t> count_classes(const torch::Tensor& y, int64_t classes) {
  std::vector<int64_t> counts(static_cast<std::size_t>(classes), 0);
  const auto acc = y.accessor<int64_t, 1>();
  for (int64_t i = 0; i < acc.size(0); ++i) ++counts[static_cast<std::size_t>(acc[i])];
  return counts;
}

PreparedData prepare_images(const Config& config, ImageDataset images) {
  PreparedData out;
  out.task = Task::Multiclass;
  out.shape.task = Task::Multiclass;
  out.shape.classes = static_cast<int64_t>(images.classes);
  out.shape.image_channels = 1;
  for (std::size_t k = 0; k < images.classes; ++k) out.class_names.push_back(std::to_string(k));
  // Validation comes out of the training images (stratified); the test
  // images are the dataset's own test split.
  SplitOptions split{config.data.val_fraction, 0.0, static_cast<uint64_t>(config.train.seed.value_or(0))};
  const SplitIndices idx = split_rows(images.train.count, split, &images.train.labels);
  auto subset = [&](const std::vector<std::size_t>& rows) {
    ImageSet s;
    s.rows = images.train.rows;
    s.cols = images.train.cols;
    s.count = rows.size();
    const std::size_t px = s.rows * s.cols;
    s.pixels.resize(rows.size() * px);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      std::copy_n(images.train.image(rows[i]), px, s.pixels.begin() + static_cast<std::ptrdiff_t>(i * px));
      s.labels.push_back(images.train.labels[rows[i]]);
    }
    return s;
  };
  const ImageSet train = subset(idx.train), val = subset(idx.val);
  out.image_norm = ImageNormalization::fit(train);
  out.train = to_tensors(train, *out.image_norm);
  out.val = to_tensors(val, *out.image_norm);
  out.test = to_tensors(images.test, *out.image_norm);
  out.class_counts = count_classes(out.train.y, out.shape.classes);
  return out;
}

}  // namespace

DatasetSplits load_config_splits(const Config& config) {
  if (config.data.train.empty()) throw InputError("data.train: no training data given");
  if (config.data.target.empty()) throw InputError("data.target: no target column given");
  DatasetSources sources;
  sources.train = config.data.train;
  sources.val = config.data.val;
  sources.test = config.data.test;
  sources.target = config.data.target;
  if (config.data.task != "auto") sources.task = parse_task(config.data.task);
  sources.split = {config.data.val_fraction, config.data.test_fraction,
                   static_cast<uint64_t>(config.train.seed.value_or(0))};
  DatasetSplits splits = load_splits(sources);
  for (const std::string& name : config.data.drop) {
    if (name == config.data.target) throw InputError("data.drop: '" + name + "' is the target column");
    splits.train.require_column(name, config.data.train, "data.drop column");
    splits.train.drop_column(name);
    splits.val.drop_column(name);
    splits.test.drop_column(name);
  }
  return splits;
}

EncodedSplits encode_splits(const Config& config, const DatasetSplits& splits) {
  TransformOptions topt;
  topt.target = config.data.target;
  topt.task = splits.task;
  topt.normalize = config.data.normalize;
  topt.normalize_target = config.data.normalize_target.value_or(true);
  topt.log_target = config.data.log_target.value_or(false);
  EncodedSplits out{splits.task, FittedTransform::fit(splits.train, topt), {}, {}, {}, splits.dropped_missing_target};
  out.train = out.transform.apply(splits.train);
  out.val = out.transform.apply(splits.val);
  out.test = out.transform.apply(splits.test);
  return out;
}

EncodedSplits encode_splits(const Config& config) { return encode_splits(config, load_config_splits(config)); }

PreparedData prepare_data(const EncodedSplits& splits) {
  PreparedData out;
  out.task = splits.task;
  out.dropped_missing_target = splits.dropped_missing_target;
  out.transform = splits.transform;
  out.train = to_tensors(splits.train);
  out.val = to_tensors(splits.val);
  out.test = to_tensors(splits.test);
  out.shape.task = splits.task;
  out.shape.input_dim = static_cast<int64_t>(splits.transform.dense_width());
  for (std::size_t n : splits.transform.embedding_cardinalities()) out.shape.embedding_cardinalities.push_back(static_cast<int64_t>(n));
  if (splits.task != Task::Regression) {
    out.class_names = splits.transform.target()->classes;
    out.shape.classes = static_cast<int64_t>(out.class_names.size());
    out.class_counts = count_classes(out.train.y, out.shape.classes);
  }
  return out;
}

PreparedData prepare_data(const Config& config) {
  if (config.data.train.empty()) throw InputError("data.train: no training data given");
  // An image directory, or a CSV (validated here with a clear error).
  if (is_image_directory(config.data.train)) return prepare_images(config, load_image_directory(config.data.train));
  return prepare_data(encode_splits(config));
}

}  // namespace nnrecipe
