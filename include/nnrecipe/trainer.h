#pragma once
/// @file
/// @brief The trainer: the epoch loop, evaluation, run directories with checkpoints, saved models.
///
/// Data preparation from a Config is in prepared_data.h; here: the epoch loop
/// (Adam / AdamW / SGD, losses, class weights, gradient clipping, schedules,
/// early stopping that restores the best weights), evaluation, and the run
/// directory with per-epoch atomic checkpoints that `--resume` continues
/// exactly.
///
/// @code
/// const nnrecipe::Config config = nnrecipe::load_config("examples/configs/credit_mlp.yaml");
/// const nnrecipe::PreparedData data = nnrecipe::prepare_data(config);
/// nnrecipe::TrainerOptions options;
/// options.run_dir = "runs/credit";  // checkpoints, then the model in runs/credit/model
/// options.checks = true;            // the Doctor's preflight and monitors
/// const nnrecipe::TrainOutcome out = nnrecipe::train_network(config, data, options);
/// std::cout << out.selection_metric << " " << out.test.at(out.selection_metric) << "\n";
/// const nnrecipe::LoadedModel model = nnrecipe::load_model("runs/credit/model");
/// nnrecipe::predict_csv(model, "new.csv", "predictions.csv");
/// @endcode
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nnrecipe/config.h"
#include "nnrecipe/dataset.h"
#include "nnrecipe/findings.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/models.h"
#include "nnrecipe/prepared_data.h"
#include "nnrecipe/table.h"
#include "nnrecipe/tensors.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

struct EpochLog {
  int64_t epoch = 0;  ///< 1-based
  double train_loss = 0, val_loss = 0, lr = 0, seconds = 0;
  std::map<std::string, double> train_metrics, val_metrics;
};

struct TrainOutcome {
  std::vector<EpochLog> history;
  int64_t best_epoch = 0;
  std::string selection_metric;
  std::map<std::string, double> val, test;
  double test_loss = 0;
  int64_t params = 0;
  double seconds = 0;
  bool stopped_early = false;
  /// The doctor's preflight findings and monitors (TrainerOptions::checks).
  FindingSet findings;
  /// An error finding stopped the run: a preflight error before training,
  /// or train.nan / train.diverging during it (the last checkpoint is the
  /// last good epoch's).
  bool stopped_by_check = false;
  /// TrainerOptions::stop_after_epoch ended the run.
  bool stopped_by_scheduler = false;
  /// SIGINT/SIGTERM (interrupt.h) ended the run within a step: the epoch it
  /// cut leaves no checkpoint, and the best weights so far are the model.
  bool interrupted = false;
  /// Seconds the monitors took during training (Doctor::monitor_seconds()).
  double monitor_seconds = 0;
};

struct TrainerOptions {
  std::string run_dir;  ///< "" = write nothing
  bool resume = false;  ///< continue from run_dir/checkpoint.pt
  /// Called after each epoch (progress display); may be empty.
  std::function<void(const EpochLog&, int64_t epochs)> on_epoch;
  /// Called every few steps within an epoch: (epoch, step, steps, loss).
  std::function<void(int64_t, int64_t, int64_t, double)> on_step;
  /// Run the doctor: preflight on a real batch before training (not on
  /// resume), monitors during it; config.checks.ignore applies.
  bool checks = false;
  /// With checks: also the preflight before training (false = monitors only).
  bool preflight = true;
  /// Called with each finding as it happens; may be empty.
  std::function<void(const Finding&)> on_finding;
  /// Asked after each epoch (after its checkpoint): true ends training there,
  /// as a scheduler decides (ASHA in `nnrecipe tune`). May be empty.
  std::function<bool(const EpochLog&)> stop_after_epoch;
  /// Called after every optimizer step (pruning masks re-applied so pruned
  /// weights stay zero while fine-tuning). May be empty.
  std::function<void()> after_optimizer_step;
};

/// Loss and metrics of a network on one split (eval mode, no gradients).
struct Evaluation {
  double loss = 0;
  std::map<std::string, double> metrics;
  std::vector<double> probs;   ///< classification: rows x classes
  std::vector<double> values;  ///< regression: original units
};

class Trainer {
 public:
  Trainer(const Config& config, const PreparedData& data, Network net, TrainerOptions options = {});
  /// Trains, evaluates the best weights on val and test, writes the run
  /// directory. Throws InputError on an invalid loss/task combination.
  TrainOutcome fit();
  /// The doctor's preflight alone, on the configured optimizer and loss and
  /// a batch of up to 256 training rows; leaves the network as it was.
  FindingSet preflight();
  Evaluation evaluate(const TensorData& split);

 private:
  const Config& config_;
  const PreparedData& data_;
  Network net_;
  TrainerOptions options_;
  torch::Device device_;  ///< train.device: cpu, or cuda where LibTorch has it
};

/// train.device as a torch device: auto = cuda when available, else cpu.
/// Throws InputError for cuda without a CUDA device.
torch::Device resolve_device(const std::string& name);

/// The network train_network trains: torch seeded from train.seed, built
/// from the config, output bias at the prior (model.init_output_bias).
Network configured_network(const Config& config, const PreparedData& data);

/// The usual run: seed torch from train.seed, build the configured network,
/// set its output bias to the prior (model.init_output_bias), and fit.
TrainOutcome train_network(const Config& config, const PreparedData& data, TrainerOptions options = {});
/// The fewest epochs a run resumed after `epochs_done` epochs (its best at
/// `best_epoch`) trains before early stopping or train.epochs can end it:
/// early stopping waits train.early_stopping.patience epochs past the best
/// (longer if validation improves again). What a budget must hold for a
/// continuation; at least 1 while epochs remain.
int64_t fewest_resumed_epochs(const TrainConfig& train, int64_t epochs_done, int64_t best_epoch);
/// The doctor's preflight on the network train_network would train (same
/// seed, init and optimizer), without training it.
FindingSet preflight_network(const Config& config, const PreparedData& data);

/// Writes the artefacts of a finished run's model to dir/model: weights,
/// transforms, config and meta (task, classes, shape).
void save_model(const std::string& model_dir, const Config& config, const PreparedData& data, NetworkImpl& net);

/// A trained model loaded back for prediction.
struct LoadedModel {
  Config config;
  PreparedData meta;  ///< shape, task, class names, transforms (no tensors)
  Network net;
};
LoadedModel load_model(const std::string& model_dir);

/// A loaded network's predictions on a table with the training feature
/// columns (the target may be absent). Tabular models only (InputError for
/// an image model).
Predictions predict_table(const LoadedModel& model, const Table& table);

/// Writes predictions as `nnrecipe predict` does: `prediction` plus
/// `prob_<class>` columns (classification), or `prediction` in the target's
/// original units (regression). Atomically.
void write_predictions_csv(const Predictions& p, const std::vector<std::string>& class_names,
                           const std::string& out_csv);

/// Predicts a CSV with a loaded model and writes a predictions CSV: for
/// classification `prediction` plus `prob_<class>` columns, for regression
/// `prediction` in the target's original units. Returns the row count.
/// `csv` gives the delimiter; the columns are read with the types the model was trained on.
std::size_t predict_csv(const LoadedModel& model, const std::string& data_csv, const std::string& out_csv,
                        const CsvOptions& csv = {});

}  // namespace nnrecipe
