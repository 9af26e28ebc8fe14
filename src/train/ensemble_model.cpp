// Ensemble model directories (prediction.h): what `nnrecipe run` saves when
// an average of networks (and xgboost) wins, so that `nnrecipe predict`
// scores with the winner itself rather than a stand-in.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/prediction.h"

namespace nnrecipe {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFormat = "nnrecipe.ensemble/1";

void add_into(std::vector<double>& sum, const std::vector<double>& part, double weight, const std::string& who) {
  if (part.size() != sum.size()) throw InputError(who, "predicts a different number of values than the other members");
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += weight * part[i];
}

/// The weights normalized to sum 1; equal ones when `weights` is empty.
/// Throws InputError (naming `where`) on a wrong count or a negative or
/// all-zero weight.
std::vector<double> normalized_weights(std::vector<double> weights, std::size_t members, const std::string& where) {
  if (weights.empty()) weights.assign(members, 1.0);
  if (weights.size() != members) {
    throw InputError(where, fmt::format("{} weights for {} ensemble members", weights.size(), members));
  }
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) throw InputError(where, fmt::format("ensemble weight {} is not a non-negative number", w));
    total += w;
  }
  if (total <= 0) throw InputError(where, "ensemble weights are all zero");
  for (double& w : weights) w /= total;
  return weights;
}

}  // namespace

void save_ensemble(const std::string& dir, const std::vector<std::string>& network_model_dirs,
                   const std::string& xgboost_json, const FittedTransform& transform, Task task,
                   const std::vector<std::string>& class_names, const std::vector<double>& weights) {
  if (network_model_dirs.empty() && xgboost_json.empty()) throw InputError(dir, "an ensemble needs a member");
  const std::vector<double> normalized =
      normalized_weights(weights, network_model_dirs.size() + (xgboost_json.empty() ? 0 : 1), dir);
  // Built beside the target and renamed over it: a reader never sees half
  // an ensemble.
  const std::string staging = dir + ".tmp";
  std::error_code ec;
  fs::remove_all(staging, ec);
  make_directories(staging + "/members");
  nlohmann::json members = nlohmann::json::array();
  for (std::size_t i = 0; i < network_model_dirs.size(); ++i) {
    const std::string rel = fmt::format("members/{}", i);
    fs::copy(network_model_dirs[i], staging + "/" + rel, fs::copy_options::recursive);
    members.push_back(rel);
  }
  nlohmann::json xgboost = nullptr;
  if (!xgboost_json.empty()) {
    fs::copy_file(xgboost_json, staging + "/xgboost.json");
    xgboost = "xgboost.json";
  }
  transform.save(staging + "/transform.json");
  write_json_atomic(staging + "/ensemble.json", {{"format", kFormat},
                                                 {"task", to_string(task)},
                                                 {"class_names", class_names},
                                                 {"members", members},
                                                 {"xgboost", xgboost},
                                                 {"weights", normalized}});
  fs::remove_all(dir, ec);
  fs::rename(staging, dir);
}

bool is_ensemble_dir(const std::string& dir) { return path_exists(dir + "/ensemble.json"); }

std::size_t predict_model_csv(const std::string& model_dir, const std::string& data_csv, const std::string& out_csv) {
  if (!is_ensemble_dir(model_dir)) return predict_csv(load_model(model_dir), data_csv, out_csv);
  const std::string index = model_dir + "/ensemble.json";
  const nlohmann::json j = read_json_file(index);
  Task task = Task::Regression;
  std::vector<std::string> class_names, members;
  std::string xgboost;
  std::vector<double> weights;
  try {
    if (j.at("format") != kFormat) throw InputError(index, "not an nnrecipe ensemble (format " + j.at("format").dump() + ")");
    task = *parse_task(j.at("task").get<std::string>());
    class_names = j.at("class_names").get<std::vector<std::string>>();
    members = j.at("members").get<std::vector<std::string>>();
    if (!j.at("xgboost").is_null()) xgboost = j.at("xgboost").get<std::string>();
    if (j.contains("weights")) weights = j.at("weights").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(index, std::string("malformed: ") + e.what());
  }
  weights = normalized_weights(weights, members.size() + (xgboost.empty() ? 0 : 1), index);
  const FittedTransform ft = FittedTransform::load(model_dir + "/transform.json");
  CsvOptions csv;
  csv.type_overrides = ft.column_types();
  const Table table = read_csv(data_csv, csv);

  Predictions mean;
  std::size_t count = 0;
  const auto add = [&](const Predictions& p, const std::string& who) {
    const double w = weights[count];
    if (count++ == 0) {
      mean = p;
      for (double& v : task == Task::Regression ? mean.values : mean.probs) v *= w;
      return;
    }
    add_into(task == Task::Regression ? mean.values : mean.probs, task == Task::Regression ? p.values : p.probs, w, who);
  };
  for (const std::string& m : members) add(predict_table(load_model(model_dir + "/" + m), table), model_dir + "/" + m);
  if (!xgboost.empty()) {
    const XgboostBaseline model = XgboostBaseline::load(model_dir + "/" + xgboost, ft);
    add(model.predict(ft.apply(table, /*require_target=*/false)), model_dir + "/" + xgboost);
  }
  write_predictions_csv(mean, class_names, out_csv);
  return mean.rows;
}

}  // namespace nnrecipe
