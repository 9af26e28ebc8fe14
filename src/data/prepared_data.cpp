// From a Config to tensors: load, split, fit transforms on train only.
#include <fmt/format.h>
#include <torch/torch.h>

#include "nnrecipe/data_source.h"
#include "nnrecipe/dataset.h"
#include "nnrecipe/error.h"
#include "nnrecipe/prepared_data.h"
#include "nnrecipe/split.h"

namespace nnrecipe {

std::string resolved_loss(const Config& c, Task task) {
  if (c.train.loss != "auto") return c.train.loss;
  return task == Task::Binary ? "bce" : task == Task::Multiclass ? "ce" : "mse";
}

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

namespace {

bool column_varies(const Column& c) {
  if (c.missing_count == c.size()) return false;
  if (c.missing_count > 0) return true;  // the missing indicator tells rows apart
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (c.is_categorical() ? c.codes[i] != c.codes[0] : c.values[i] != c.values[0]) return true;
  }
  return false;
}

// Splits that training, early stopping and the test score can use, and a
// feature that tells rows apart: otherwise a clear error, before any model.
void require_trainable(const Config& config, const DatasetSplits& splits) {
  const std::size_t train = splits.train.rows(), val = splits.val.rows(), test = splits.test.rows();
  // A split the config asks to be empty (a zero fraction and no file) may be.
  const bool wants_val = config.data.val_fraction > 0 || !config.data.val.empty();
  const bool wants_test = config.data.test_fraction > 0 || !config.data.test.empty();
  if (train < 2 || (wants_val && val == 0) || (wants_test && test == 0)) {
    const SplitOptions options{config.data.val_fraction, config.data.test_fraction, 0};
    throw InputError(
        config.data.train,
        fmt::format("{} rows with a target give {} training, {} validation and {} test rows: every split "
                    "needs rows (a {:g}/{:g} validation/test split needs at least {} rows, more when "
                    "small classes are split apart); add rows, or give data.val and data.test files",
                    train + (config.data.val.empty() ? val : 0) + (config.data.test.empty() ? test : 0), train, val,
                    test, config.data.val_fraction, config.data.test_fraction, minimum_rows_for_split(options)));
  }
  std::vector<std::string> flat;
  for (const Column& c : splits.train.columns()) {
    if (c.name == config.data.target) continue;
    if (column_varies(c)) return;
    flat.push_back(c.name);
  }
  throw InputError(
      config.data.train,
      flat.empty()
          ? fmt::format("no feature column besides the target '{}': add the columns to learn from", config.data.target)
          : fmt::format("no usable feature: every column besides the target '{}' holds one value "
                        "(or none) in the training rows ({}); add columns that vary",
                        config.data.target, fmt::join(flat, ", ")));
}

}  // namespace

CsvOptions csv_options(const DataConfig& data) {
  CsvOptions options;
  // The config parser has checked both keys' syntax (src/config/options.cpp).
  if (data.delimiter == "tab") {
    options.delimiter = '\t';
  } else if (data.delimiter.size() == 1) {
    options.delimiter = data.delimiter[0];
  }
  for (const std::string& spec : data.types) {
    const auto eq = spec.rfind('=');
    const auto type = eq == std::string::npos ? std::nullopt : parse_column_type(spec.substr(eq + 1));
    if (!type) throw InputError(fmt::format("data.types '{}': expected COLUMN=numeric|categorical|boolean", spec));
    options.type_overrides[spec.substr(0, eq)] = *type;
  }
  return options;
}

DatasetSplits load_config_splits(const Config& config) {
  if (config.data.train.empty()) throw InputError("data.train: no training data given");
  if (config.data.target.empty()) throw InputError("data.target: no target column given");
  DatasetSources sources;
  sources.train = config.data.train;
  sources.val = config.data.val;
  sources.test = config.data.test;
  sources.target = config.data.target;
  sources.csv = csv_options(config.data);
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
  require_trainable(config, splits);
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
  out.shape.numeric_columns = splits.transform.numeric_dense_columns();
  for (std::size_t n : splits.transform.embedding_cardinalities())
    out.shape.embedding_cardinalities.push_back(static_cast<int64_t>(n));
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
