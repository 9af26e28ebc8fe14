#pragma once
// Predictions of saved models on a table, for `nnrecipe predict`: a
// network's model directory (save_model), or an ensemble directory that
// `nnrecipe run` writes when an ensemble, a cross-fitted model or the trees
// win:
//   MODEL_DIR/ensemble.json   {"format": "nnrecipe.ensemble/2", "task",
//                              "class_names", "members": [{"path":
//                              "members/0", "kind": "network" | "xgboost",
//                              "weight": 0.25}, ...]}
//   MODEL_DIR/transform.json  the transforms every member was trained with
//   MODEL_DIR/members/N       a network model directory, or an xgboost
//                             model file (XgboostBaseline::save)
// An ensemble predicts the weighted mean of its members' probabilities
// (classification) or values (regression, original units); the weights sum
// to 1. The first format, "nnrecipe.ensemble/1" (members as paths of
// networks, one optional "xgboost" path, optional "weights"), still loads.
#include <cstddef>
#include <string>
#include <vector>

#include "nnrecipe/baselines.h"
#include "nnrecipe/table.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe {

/// A loaded network's predictions on a table with the training feature
/// columns (the target may be absent). Tabular models only (InputError for
/// an image model).
Predictions predict_table(const LoadedModel& model, const Table& table);

/// Writes predictions as `nnrecipe predict` does: `prediction` plus
/// `prob_<class>` columns (classification), or `prediction` in the target's
/// original units (regression). Atomically.
void write_predictions_csv(const Predictions& p, const std::vector<std::string>& class_names,
                           const std::string& out_csv);

/// One model of an ensemble directory.
struct EnsembleMember {
  std::string path;  ///< a network model directory, or an xgboost model file
  bool xgboost = false;
  double weight = 1;  ///< non-negative; normalized over the members
};

/// Writes `dir` as an ensemble of copies of `members`; `transform` is the
/// one all were trained with. Replaces an existing `dir`; InputError (naming
/// `dir`) when there is no member or a weight is negative or all are zero.
void save_ensemble(const std::string& dir, const std::vector<EnsembleMember>& members, const FittedTransform& transform,
                   Task task, const std::vector<std::string>& class_names);
bool is_ensemble_dir(const std::string& dir);

/// `nnrecipe predict`: a model or an ensemble directory on a CSV; returns
/// the row count. Throws InputError naming the file on bad input.
std::size_t predict_model_csv(const std::string& model_dir, const std::string& data_csv, const std::string& out_csv);

}  // namespace nnrecipe
