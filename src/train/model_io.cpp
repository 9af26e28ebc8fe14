// A trained model on disk (run_dir/model): weights.pt, config.yaml,
// transform.json (tables), meta.json (task, classes, shape) — enough for
// `nnrecipe predict` to score a new CSV.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/prediction.h"
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
  nlohmann::json meta = {{"format", "nnrecipe.model/1"},
                         {"task", to_string(data.task)},
                         {"class_names", data.class_names},
                         {"input_dim", data.shape.input_dim},
                         {"classes", data.shape.classes},
                         {"embedding_cardinalities", data.shape.embedding_cardinalities},
                         {"image_channels", data.shape.image_channels}};
  if (data.image_norm) meta["image_norm"] = {{"mean", data.image_norm->mean}, {"std", data.image_norm->std}};
  write_json_atomic(model_dir + "/meta.json", meta);
}

LoadedModel load_model(const std::string& model_dir) {
  LoadedModel m;
  const nlohmann::json meta = read_json_file(model_dir + "/meta.json");
  try {
    m.meta.task = *parse_task(meta.at("task").get<std::string>());
    m.meta.class_names = meta.at("class_names").get<std::vector<std::string>>();
    m.meta.shape.task = m.meta.task;
    m.meta.shape.input_dim = meta.at("input_dim");
    m.meta.shape.classes = meta.at("classes");
    m.meta.shape.embedding_cardinalities = meta.at("embedding_cardinalities").get<std::vector<int64_t>>();
    m.meta.shape.image_channels = meta.at("image_channels");
    if (meta.contains("image_norm")) m.meta.image_norm = ImageNormalization{meta["image_norm"]["mean"], meta["image_norm"]["std"]};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(model_dir + "/meta.json", std::string("malformed: ") + e.what());
  }
  m.config = load_config(model_dir + "/config.yaml");
  if (m.meta.shape.image_channels == 0) m.meta.transform = FittedTransform::load(model_dir + "/transform.json");
  m.net = build_network(m.config.model, m.meta.shape);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(model_dir + "/weights.pt");
    m.net->load(archive);
  } catch (const c10::Error& e) {
    throw InputError(model_dir + "/weights.pt", "cannot load the weights: " + std::string(e.what_without_backtrace()));
  }
  m.net->eval();
  return m;
}

Predictions predict_table(const LoadedModel& model, const Table& table) {
  if (!model.meta.transform) throw InputError("this model was trained on images; predict takes CSV data for tabular models");
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
  const torch::Tensor probs = (p.task == Task::Binary ? torch::cat({1 - torch::sigmoid(out), torch::sigmoid(out)}, 1)
                                                      : torch::softmax(out, 1))
                                  .contiguous();
  p.classes = static_cast<std::size_t>(probs.size(1));
  p.probs.assign(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
  return p;
}

void write_predictions_csv(const Predictions& p, const std::vector<std::string>& class_names, const std::string& out_csv) {
  std::ostringstream text;
  if (p.task == Task::Regression) {
    text << "prediction\n";
    for (double v : p.values) text << fmt::format("{}\n", v);
  } else {
    text << "prediction";
    for (const std::string& c : class_names) text << "," << csv_field("prob_" + c);
    text << "\n";
    for (std::size_t i = 0; i < p.rows; ++i) {
      const auto row = p.probs.begin() + static_cast<std::ptrdiff_t>(i * p.classes);
      const auto best = static_cast<std::size_t>(std::max_element(row, row + static_cast<std::ptrdiff_t>(p.classes)) - row);
      text << csv_field(class_names[best]);
      for (std::size_t k = 0; k < p.classes; ++k) text << fmt::format(",{:.6g}", row[static_cast<std::ptrdiff_t>(k)]);
      text << "\n";
    }
  }
  write_file_atomic(out_csv, text.str());
}

std::size_t predict_csv(const LoadedModel& model, const std::string& data_csv, const std::string& out_csv) {
  if (!model.meta.transform) throw InputError(data_csv, "this model was trained on images; predict takes CSV data for tabular models");
  CsvOptions csv;
  csv.type_overrides = model.meta.transform->column_types();
  const Predictions p = predict_table(model, read_csv(data_csv, csv));
  write_predictions_csv(p, model.meta.class_names, out_csv);
  return p.rows;
}

}  // namespace nnrecipe
