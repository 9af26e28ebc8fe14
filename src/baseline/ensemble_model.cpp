// Ensemble model directories (prediction.h): what `nnrecipe run` saves when
// an average of networks (and xgboost) wins, so that `nnrecipe predict`
// scores with the winner itself rather than a stand-in.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/prediction.h"

namespace nnrecipe {
namespace fs = std::filesystem;
namespace {

void add_into(std::vector<double>& sum, const std::vector<double>& part, double weight, const std::string& who) {
  if (part.size() != sum.size()) throw InputError(who, "predicts a different number of values than the other members");
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += weight * part[i];
}

}  // namespace

void save_ensemble(const std::string& dir, const std::vector<EnsembleMember>& members, const FittedTransform& transform,
                   Task task, const std::vector<std::string>& class_names) {
  const std::vector<EnsembleMember> weighted = normalized_members(members, dir);
  // Built beside the target and renamed over it: a reader never sees half
  // an ensemble.
  const std::string staging = dir + ".tmp";
  std::error_code ec;
  fs::remove_all(staging, ec);
  try {
    make_directories(staging + "/members");
    EnsembleIndex index{task, class_names, {}};
    for (std::size_t i = 0; i < weighted.size(); ++i) {
      const std::string rel = fmt::format("members/{}", i);
      if (weighted[i].xgboost) {
        fs::copy_file(weighted[i].path, staging + "/" + rel);
      } else {
        fs::copy(weighted[i].path, staging + "/" + rel, fs::copy_options::recursive);
      }
      index.members.push_back({rel, weighted[i].xgboost, weighted[i].weight});
    }
    transform.save(staging + "/transform.json");
    write_json_atomic(staging + "/ensemble.json", ensemble_index_json(index));
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(staging, ec);
    throw_file_error(dir, "cannot write the ensemble", e.code().value());
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  publish_directory(staging, dir);
}

bool is_ensemble_dir(const std::string& dir) { return path_exists(dir + "/ensemble.json"); }

namespace {

/// An ensemble directory's predictor from its parsed index and transform
/// (each read once by the caller).
TablePredictor ensemble_predictor(const std::string& model_dir, const EnsembleIndex& parsed,
                                  std::shared_ptr<const FittedTransform> ft) {
  struct Member {
    std::string path;
    double weight = 0;
    TablePredictor predict;
  };
  std::vector<Member> members;
  for (const EnsembleMember& m : parsed.members) {
    Member member{model_dir + "/" + m.path, m.weight, {}};
    if (m.xgboost) {
      auto trees = std::make_shared<const XgboostBaseline>(XgboostBaseline::load(member.path, *ft));
      member.predict = [trees, ft](const Table& table) {
        return trees->predict(ft->apply(table, /*require_target=*/false));
      };
    } else {
      member.predict = load_predictor(member.path);
    }
    members.push_back(std::move(member));
  }
  const Task task = parsed.task;
  const std::size_t classes = parsed.class_names.size();
  return [members, task, classes](const Table& table) {
    Predictions mean;
    for (std::size_t k = 0; k < members.size(); ++k) {
      const Predictions p = members[k].predict(table);
      if (p.task != task)
        throw InputError(members[k].path, std::string("member predicts a ") + to_string(p.task) +
                                              " task, the ensemble a " + to_string(task) + " one");
      if (task != Task::Regression && p.classes != classes) {
        throw InputError(members[k].path,
                         fmt::format("member predicts {} classes, the ensemble names {}", p.classes, classes));
      }
      if (k == 0) {
        mean = p;
        std::fill(mean.outputs().begin(), mean.outputs().end(), 0.0);
      }
      add_into(mean.outputs(), p.outputs(), members[k].weight, members[k].path);
    }
    return mean;
  };
}

EnsembleIndex read_ensemble_index(const std::string& model_dir) {
  const std::string index = model_dir + "/ensemble.json";
  return parse_ensemble_index(read_json_file(index), index);
}

}  // namespace

TablePredictor load_predictor(const std::string& model_dir) {
  if (!is_ensemble_dir(model_dir)) {
    auto model = std::make_shared<const LoadedModel>(load_model(model_dir));
    return [model](const Table& table) { return predict_table(*model, table); };
  }
  return ensemble_predictor(
      model_dir, read_ensemble_index(model_dir),
      std::make_shared<const FittedTransform>(FittedTransform::load(model_dir + "/transform.json")));
}

std::size_t predict_model_csv(const std::string& model_dir, const std::string& data_csv, const std::string& out_csv,
                              const CsvOptions& user_csv) {
  if (!is_ensemble_dir(model_dir)) return predict_csv(load_model(model_dir), data_csv, out_csv, user_csv);
  const EnsembleIndex parsed = read_ensemble_index(model_dir);
  const auto ft = std::make_shared<const FittedTransform>(FittedTransform::load(model_dir + "/transform.json"));
  CsvOptions csv = user_csv;
  csv.type_overrides = ft->column_types();
  const Predictions mean = ensemble_predictor(model_dir, parsed, ft)(read_csv(data_csv, csv));
  write_predictions_csv(mean, parsed.class_names, out_csv);
  return mean.rows;
}

}  // namespace nnrecipe
