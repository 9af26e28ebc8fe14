// A trained model on disk (run_dir/model): weights.pt, config.yaml,
// transform.json (tables), meta.json (task, classes, shape) — enough for
// `nnrecipe predict` to score a new CSV.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/trainer.h"
#include "train/archive_io.h"

namespace nnrecipe {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

void save_model(const std::string& model_dir, const Config& config, const PreparedData& data, NetworkImpl& net) {
  make_directories(model_dir);
  torch::serialize::OutputArchive archive;
  net.save(archive);
  save_archive_atomic(archive, model_dir + "/weights.pt");
  write_file_atomic(model_dir + "/config.yaml", to_yaml(config));
  if (data.transform) data.transform->save(model_dir + "/transform.json");
  const ModelMetadata meta{data.task, data.shape, data.class_names, data.image_norm};
  write_json_atomic(model_dir + "/meta.json", model_metadata_json(meta));
}

LoadedModel load_model(const std::string& model_dir) {
  LoadedModel m;
  const std::string meta_path = model_dir + "/meta.json";
  // A model directory is input like any other file: its metadata is checked
  // against itself and the transform before a network is built from it (a
  // damaged meta.json must be an error naming it, not a crash in LibTorch).
  const ModelMetadata meta = parse_model_metadata(read_json_file(meta_path), meta_path);
  m.meta.task = meta.task;
  m.meta.shape = meta.shape;
  m.meta.class_names = meta.class_names;
  m.meta.image_norm = meta.image_norm;
  m.config = load_config(model_dir + "/config.yaml");
  if (m.meta.shape.image_channels == 0) {
    m.meta.transform = FittedTransform::load(model_dir + "/transform.json");
    check_transform_matches(meta, *m.meta.transform, model_dir + "/transform.json");
    m.meta.shape.numeric_columns = m.meta.transform->numeric_dense_columns();
  }
  m.net = build_network(m.config.model, m.meta.shape);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(model_dir + "/weights.pt");
    m.net->load(archive);
  } catch (const c10::Error& e) {
    const std::string why = e.what_without_backtrace();
    throw InputError(model_dir + "/weights.pt", "cannot load the weights: " + why.substr(0, why.find('\n')));
  }
  m.net->eval();
  return m;
}

Predictions predict_table(const LoadedModel& model, const Table& table) {
  if (!model.meta.transform)
    throw InputError("this model was trained on images; predict takes CSV data for tabular models");
  const FittedTransform& ft = *model.meta.transform;
  TensorData data = to_tensors(ft.apply(table, /*require_target=*/false));
  torch::NoGradGuard no_grad;
  const torch::Tensor out = model.net->forward(data.x, data.ids).to(torch::kFloat64).contiguous();
  Predictions p;
  p.task = model.meta.task;
  p.rows = static_cast<std::size_t>(out.size(0));
  if (p.task == Task::Regression) {
    for (int64_t i = 0; i < out.size(0); ++i) p.values.push_back(ft.inverse_target(out[i][0].item<double>()));
    return p;
  }
  const torch::Tensor probs =
      (p.task == Task::Binary ? torch::cat({1 - torch::sigmoid(out), torch::sigmoid(out)}, 1) : torch::softmax(out, 1))
          .contiguous();
  p.classes = static_cast<std::size_t>(probs.size(1));
  p.probs.assign(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
  return p;
}

void write_predictions_csv(const Predictions& p, const std::vector<std::string>& class_names,
                           const std::string& out_csv) {
  std::ostringstream text;
  if (p.task == Task::Regression) {
    text << "prediction\n";
    for (double v : p.values) text << fmt::format("{}\n", v);
  } else {
    // Loaders check class names against the model; a mismatch here is ours.
    if (class_names.size() != p.classes) throw std::logic_error("write_predictions_csv: class names do not match");
    text << "prediction";
    for (const std::string& c : class_names) text << "," << csv_field("prob_" + c);
    text << "\n";
    for (std::size_t i = 0; i < p.rows; ++i) {
      const auto row = p.probs.begin() + static_cast<std::ptrdiff_t>(i * p.classes);
      const auto best =
          static_cast<std::size_t>(std::max_element(row, row + static_cast<std::ptrdiff_t>(p.classes)) - row);
      text << csv_field(class_names[best]);
      for (std::size_t k = 0; k < p.classes; ++k) text << fmt::format(",{:.6g}", row[static_cast<std::ptrdiff_t>(k)]);
      text << "\n";
    }
  }
  write_file_atomic(out_csv, text.str());
}

std::size_t predict_csv(const LoadedModel& model, const std::string& data_csv, const std::string& out_csv,
                        const CsvOptions& user_csv) {
  if (!model.meta.transform)
    throw InputError(data_csv, "this model was trained on images; predict takes CSV data for tabular models");
  CsvOptions csv = user_csv;
  csv.type_overrides = model.meta.transform->column_types();
  const Predictions p = predict_table(model, read_csv(data_csv, csv));
  write_predictions_csv(p, model.meta.class_names, out_csv);
  return p.rows;
}

}  // namespace nnrecipe
