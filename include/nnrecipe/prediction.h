#pragma once
/// @file
/// @brief Predictions of saved models on a table (`nnrecipe predict`), and ensemble directories.
///
/// A saved model is a network's model directory (save_model), or an ensemble
/// directory that `nnrecipe run` writes when an ensemble, a cross-fitted model
/// or the trees win:
/// @code{.unparsed}
///   MODEL_DIR/ensemble.json   {"format": "nnrecipe.ensemble/2", "task",
///                              "class_names", "members": [{"path":
///                              "members/0", "kind": "network" | "xgboost",
///                              "weight": 0.25}, ...]}
///   MODEL_DIR/transform.json  the transforms every member was trained with
///   MODEL_DIR/members/N       a network model directory, or an xgboost
///                             model file (XgboostBaseline::save)
/// @endcode
/// An ensemble predicts the weighted mean of its members' probabilities
/// (classification) or values (regression, original units); the weights sum
/// to 1. The first format, "nnrecipe.ensemble/1" (members as paths of
/// networks, one optional "xgboost" path, optional "weights"), still loads.
///
/// @code
/// const std::string model = "runs/credit/model";  // a network's model directory or an ensemble's
/// const std::size_t rows = nnrecipe::predict_model_csv(model, "new.csv", "scored/predictions.csv");
/// std::cout << rows << " rows scored by " << (nnrecipe::is_ensemble_dir(model) ? "an ensemble" : "a network") << "\n";
/// const nnrecipe::TablePredictor predict = nnrecipe::load_predictor(model);  // loaded once
/// const nnrecipe::Predictions p = predict(table);                            // any table of the feature columns
/// nnrecipe::save_ensemble("runs/mix/model", {{"runs/a/model", false, 0.5}, {"runs/b/xgboost.json", true, 0.5}},
///                         transform, nnrecipe::Task::Binary, {"bad", "good"});
/// @endcode
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "nnrecipe/baselines.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/table.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe {

/// Writes `dir` as an ensemble of copies of `members`; `transform` is the
/// one all were trained with. Replaces an existing `dir`; InputError (naming
/// `dir`) when there is no member or a weight is negative or all are zero.
void save_ensemble(const std::string& dir, const std::vector<EnsembleMember>& members, const FittedTransform& transform,
                   Task task, const std::vector<std::string>& class_names);
bool is_ensemble_dir(const std::string& dir);

/// A saved model loaded once, to predict many tables: call it with a table
/// of the training feature columns (the target may be absent) for what
/// `nnrecipe predict` would write. Loads a network's model directory or an
/// ensemble directory; throws InputError naming the file on a damaged one.
using TablePredictor = std::function<Predictions(const Table&)>;
TablePredictor load_predictor(const std::string& model_dir);

/// `nnrecipe predict`: a model or an ensemble directory on a CSV; returns
/// the row count. Throws InputError naming the file on bad input.
std::size_t predict_model_csv(const std::string& model_dir, const std::string& data_csv, const std::string& out_csv,
                              const CsvOptions& csv = {});

}  // namespace nnrecipe
