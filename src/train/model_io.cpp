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

namespace {

// A model directory is input like any other file: its metadata is checked
// against itself and the transform before a network is built from it (a
// damaged meta.json must be an error naming it, not a crash in LibTorch).
void check_shape(const PreparedData& meta, const std::string& file) {
  const ModelShape& s = meta.shape;
  const auto bad = [&](const std::string& what) { throw InputError(file, "inconsistent model metadata: " + what); };
  if (s.input_dim < 0 || s.image_channels < 0 || s.classes < 0) bad("a negative size");
  if (s.image_channels == 0 && s.input_dim == 0 && s.embedding_cardinalities.empty())
    bad("a table model without inputs");
  for (int64_t cardinality : s.embedding_cardinalities) {
    if (cardinality < 1) bad("an embedding with no category");
  }
  if (meta.task == Task::Regression) return;
  const auto expected = static_cast<std::size_t>(meta.task == Task::Binary ? 2 : std::max<int64_t>(s.classes, 2));
  if (meta.task == Task::Multiclass && s.classes < 2) bad(fmt::format("a multiclass model with {} classes", s.classes));
  if (meta.class_names.size() != expected) {
    bad(fmt::format("{} class names for a {} model with {} classes", meta.class_names.size(), to_string(meta.task),
                    expected));
  }
}

void check_transform(const PreparedData& meta, const FittedTransform& ft, const std::string& file) {
  const std::vector<std::size_t> ids = ft.embedding_cardinalities();
  const std::vector<int64_t> expected(ids.begin(), ids.end());
  if (static_cast<int64_t>(ft.dense_width()) != meta.shape.input_dim ||
      expected != meta.shape.embedding_cardinalities) {
    throw InputError(
        file,
        fmt::format("does not match meta.json: {} dense and {} id columns, the network takes {} and {}",
                    ft.dense_width(), ids.size(), meta.shape.input_dim, meta.shape.embedding_cardinalities.size()));
  }
}

}  // namespace

LoadedModel load_model(const std::string& model_dir) {
  LoadedModel m;
  const std::string meta_path = model_dir + "/meta.json";
  const nlohmann::json meta = read_json_file(meta_path);
  try {
    m.meta.task = parse_saved_task(meta.at("task").get<std::string>(), meta_path);
    m.meta.class_names = meta.at("class_names").get<std::vector<std::string>>();
    m.meta.shape.task = m.meta.task;
    m.meta.shape.input_dim = meta.at("input_dim");
    m.meta.shape.classes = meta.at("classes");
    m.meta.shape.embedding_cardinalities = meta.at("embedding_cardinalities").get<std::vector<int64_t>>();
    m.meta.shape.image_channels = meta.at("image_channels");
    if (meta.contains("image_norm"))
      m.meta.image_norm = ImageNormalization{meta["image_norm"]["mean"], meta["image_norm"]["std"]};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(meta_path, std::string("malformed: ") + e.what());
  }
  check_shape(m.meta, meta_path);
  m.config = load_config(model_dir + "/config.yaml");
  if (m.meta.shape.image_channels == 0) {
    m.meta.transform = FittedTransform::load(model_dir + "/transform.json");
    check_transform(m.meta, *m.meta.transform, model_dir + "/transform.json");
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

std::size_t predict_csv(const LoadedModel& model, const std::string& data_csv, const std::string& out_csv) {
  if (!model.meta.transform)
    throw InputError(data_csv, "this model was trained on images; predict takes CSV data for tabular models");
  CsvOptions csv;
  csv.type_overrides = model.meta.transform->column_types();
  const Predictions p = predict_table(model, read_csv(data_csv, csv));
  write_predictions_csv(p, model.meta.class_names, out_csv);
  return p.rows;
}

}  // namespace nnrecipe
