#pragma once
// Predictions of saved models on a table, for `nnrecipe predict`: a
// network's model directory (save_model), or an ensemble directory that
// `nnrecipe run` writes when an ensemble or the trees win:
//   MODEL_DIR/ensemble.json   {"format": "nnrecipe.ensemble/1", "task",
//                              "class_names", "members": ["members/0", ...],
//                              "xgboost": "xgboost.json" or null,
//                              "weights": [w_member0, ..., w_xgboost]}
//   MODEL_DIR/transform.json  the transforms every member was trained with
//   MODEL_DIR/members/N/      network model directories
//   MODEL_DIR/xgboost.json    the xgboost model (XgboostBaseline::save)
// An ensemble predicts the weighted mean of its members' probabilities
// (classification) or values (regression, original units); "weights" (one
// per member, then xgboost's) is optional, equal weights without it.
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
void write_predictions_csv(const Predictions& p, const std::vector<std::string>& class_names, const std::string& out_csv);

/// Writes `dir` as an ensemble of copies of the network model directories
/// and, if `xgboost_json` is not empty, that xgboost model; `transform` is
/// the one all members were trained with; `weights` (empty: equal) has one
/// non-negative weight per network, then xgboost's. Replaces an existing
/// `dir`.
void save_ensemble(const std::string& dir, const std::vector<std::string>& network_model_dirs,
                   const std::string& xgboost_json, const FittedTransform& transform, Task task,
                   const std::vector<std::string>& class_names, const std::vector<double>& weights = {});
bool is_ensemble_dir(const std::string& dir);

/// `nnrecipe predict`: a model or an ensemble directory on a CSV; returns
/// the row count. Throws InputError naming the file on bad input.
std::size_t predict_model_csv(const std::string& model_dir, const std::string& data_csv, const std::string& out_csv);

}  // namespace nnrecipe
