// Ensemble model directories (prediction.h): what `nnrecipe run` saves when
// an average of networks (and xgboost) wins, so that `nnrecipe predict`
// scores with the winner itself rather than a stand-in.
#include <fmt/format.h>

#include <algorithm>
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

constexpr const char* kFormat = "nnrecipe.ensemble/2";
constexpr const char* kFirstFormat = "nnrecipe.ensemble/1";

void add_into(std::vector<double>& sum, const std::vector<double>& part, double weight, const std::string& who) {
  if (part.size() != sum.size()) throw InputError(who, "predicts a different number of values than the other members");
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += weight * part[i];
}

/// The members with their weights normalized to sum 1. Throws InputError
/// (naming `where`) on no member, or a negative or all-zero weight.
std::vector<EnsembleMember> normalized(std::vector<EnsembleMember> members, const std::string& where) {
  if (members.empty()) throw InputError(where, "an ensemble needs a member");
  double total = 0;
  for (const EnsembleMember& m : members) {
    if (!(m.weight >= 0) || !std::isfinite(m.weight)) {
      throw InputError(where, fmt::format("ensemble weight {} of {} is not a non-negative number", m.weight, m.path));
    }
    total += m.weight;
  }
  if (total <= 0) throw InputError(where, "ensemble weights are all zero");
  for (EnsembleMember& m : members) m.weight /= total;
  return members;
}

/// A member path must stay inside the ensemble directory: relative, without
/// "..", so that a model directory from elsewhere reads only its own files.
void check_member_path(const std::string& path, const std::string& index) {
  const fs::path p(path);
  bool escapes = path.empty() || p.is_absolute();
  for (const fs::path& part : p) escapes = escapes || part == "..";
  if (escapes) throw InputError(index, "ensemble member path \"" + path + "\" is not inside the ensemble directory");
}

/// The entries of an ensemble.json of either format, as written.
std::vector<EnsembleMember> read_member_entries(const nlohmann::json& j, const std::string& index) {
  std::vector<EnsembleMember> out;
  if (j.at("format") == kFirstFormat) {
    for (const auto& path : j.at("members")) out.push_back({path.get<std::string>(), false, 1});
    if (!j.at("xgboost").is_null()) out.push_back({j.at("xgboost").get<std::string>(), true, 1});
    if (j.contains("weights")) {
      const auto weights = j.at("weights").get<std::vector<double>>();
      if (weights.size() != out.size()) {
        throw InputError(index, fmt::format("{} weights for {} ensemble members", weights.size(), out.size()));
      }
      for (std::size_t i = 0; i < out.size(); ++i) out[i].weight = weights[i];
    }
    return out;
  }
  for (const auto& m : j.at("members")) {
    const std::string kind = m.at("kind").get<std::string>();
    if (kind != "network" && kind != "xgboost") {
      throw InputError(index, "ensemble member kind \"" + kind + "\" (network or xgboost)");
    }
    out.push_back({m.at("path").get<std::string>(), kind == "xgboost", m.at("weight").get<double>()});
  }
  return out;
}

/// The members of an ensemble.json of either format (paths relative to
/// the ensemble directory); InputError naming `index` on a bad entry.
std::vector<EnsembleMember> read_members(const nlohmann::json& j, const std::string& index) {
  std::vector<EnsembleMember> out = read_member_entries(j, index);
  for (const EnsembleMember& m : out) check_member_path(m.path, index);
  return out;
}

}  // namespace

void save_ensemble(const std::string& dir, const std::vector<EnsembleMember>& members, const FittedTransform& transform,
                   Task task, const std::vector<std::string>& class_names) {
  const std::vector<EnsembleMember> weighted = normalized(members, dir);
  // Built beside the target and renamed over it: a reader never sees half
  // an ensemble.
  const std::string staging = dir + ".tmp";
  std::error_code ec;
  fs::remove_all(staging, ec);
  try {
    make_directories(staging + "/members");
    nlohmann::json index = nlohmann::json::array();
    for (std::size_t i = 0; i < weighted.size(); ++i) {
      const std::string rel = fmt::format("members/{}", i);
      if (weighted[i].xgboost) {
        fs::copy_file(weighted[i].path, staging + "/" + rel);
      } else {
        fs::copy(weighted[i].path, staging + "/" + rel, fs::copy_options::recursive);
      }
      index.push_back(
          {{"path", rel}, {"kind", weighted[i].xgboost ? "xgboost" : "network"}, {"weight", weighted[i].weight}});
    }
    transform.save(staging + "/transform.json");
    write_json_atomic(
        staging + "/ensemble.json",
        {{"format", kFormat}, {"task", to_string(task)}, {"class_names", class_names}, {"members", index}});
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(staging, ec);
    throw_file_error(dir, "cannot write the ensemble", e.code().value());
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  fs::remove_all(dir, ec);
  fs::rename(staging, dir, ec);
  if (ec) throw_file_error(dir, "cannot write the ensemble", ec.value());
}

bool is_ensemble_dir(const std::string& dir) { return path_exists(dir + "/ensemble.json"); }

std::size_t predict_model_csv(const std::string& model_dir, const std::string& data_csv, const std::string& out_csv) {
  if (!is_ensemble_dir(model_dir)) return predict_csv(load_model(model_dir), data_csv, out_csv);
  const std::string index = model_dir + "/ensemble.json";
  const nlohmann::json j = read_json_file(index);
  Task task = Task::Regression;
  std::vector<std::string> class_names;
  std::vector<EnsembleMember> members;
  try {
    if (j.at("format") != kFormat && j.at("format") != kFirstFormat) {
      throw InputError(index, "not an nnrecipe ensemble (format " + j.at("format").dump() + ")");
    }
    task = parse_saved_task(j.at("task").get<std::string>(), index);
    class_names = j.at("class_names").get<std::vector<std::string>>();
    members = normalized(read_members(j, index), index);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(index, std::string("malformed: ") + e.what());
  }
  if ((task == Task::Binary && class_names.size() != 2) || (task == Task::Multiclass && class_names.size() < 2)) {
    throw InputError(index, fmt::format("{} class names for a {} task", class_names.size(), to_string(task)));
  }
  const FittedTransform ft = FittedTransform::load(model_dir + "/transform.json");
  CsvOptions csv;
  csv.type_overrides = ft.column_types();
  const Table table = read_csv(data_csv, csv);

  Predictions mean;
  for (std::size_t k = 0; k < members.size(); ++k) {
    const std::string path = model_dir + "/" + members[k].path;
    const Predictions p = members[k].xgboost
                              ? XgboostBaseline::load(path, ft).predict(ft.apply(table, /*require_target=*/false))
                              : predict_table(load_model(path), table);
    if (p.task != task)
      throw InputError(path, std::string("member predicts a ") + to_string(p.task) + " task, the ensemble a " +
                                 to_string(task) + " one");
    if (task != Task::Regression && p.classes != class_names.size()) {
      throw InputError(path,
                       fmt::format("member predicts {} classes, the ensemble names {}", p.classes, class_names.size()));
    }
    if (k == 0) {
      mean = p;
      std::fill(mean.outputs().begin(), mean.outputs().end(), 0.0);
    }
    add_into(mean.outputs(), p.outputs(), members[k].weight, path);
  }
  write_predictions_csv(mean, class_names, out_csv);
  return mean.rows;
}

}  // namespace nnrecipe
