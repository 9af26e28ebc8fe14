#pragma once
/// @file
/// @brief The Doctor: preflight checks and training monitors for any LibTorch model, optimizer and loop.
///
/// The preflight checks and training monitors of docs/checks.md, attachable to
/// any LibTorch model, optimizer and training loop in a few lines. nnrecipe's
/// own trainer uses it the same way (examples/custom_loop.cpp is a whole
/// program):
///
/// @code
/// nnrecipe::Doctor doctor(*model, optimizer);
/// doctor.preflight(batch_x, batch_y, forward, loss_fn);  // before training: forward(x), loss_fn(out, y)
/// for (int64_t step = 0; step < steps && !doctor.should_stop(); ++step) {  // stops on train.nan, train.diverging
///   auto [x, y] = next_batch();
///   optimizer.zero_grad();
///   torch::Tensor loss = loss_fn(forward(x), y);
///   loss.backward();
///   doctor.after_backward();
///   optimizer.step();
///   doctor.after_step(loss.item<double>());
/// }
/// doctor.after_training();  // optional, once: a short run's loss trend
/// std::cout << nnrecipe::render_findings(doctor.findings());  // everything found, errors first
/// @endcode
///
/// Optionally, doctor.after_epoch({epoch, train_loss, val_loss}) after each
/// epoch adds the epoch monitors (overfitting, ...); doctor.set_target()
/// enables the checks of the loss and output bias at init. In forward(),
/// doctor.observe_activation(name, "relu", x) before each activation adds the
/// dead-ReLU and saturation monitors.
///
/// Preflight leaves the model, its buffers (batch-norm statistics), its
/// gradients and the optimizer exactly as it found them: it trains the model
/// briefly (one-batch overfitting, input dependence) and restores every tensor.
#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nnrecipe/findings.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// What the model predicts, so that the loss at init can be checked against
/// theory (init.loss) and the output bias against the prior (init.output_bias).
struct TargetInfo {
  Task task = Task::Regression;
  int64_t classes = 0;                    ///< classification
  std::vector<int64_t> class_counts;      ///< training rows per class; empty = unknown
  bool standardized_target = true;        ///< regression: target has mean 0, std 1
  std::optional<double> target_mean;      ///< regression, not standardized: training mean ...
  std::optional<double> target_variance;  ///< ... and variance (what predicting the mean scores in MSE)
  bool init_output_bias = true;           ///< whether the output bias is meant to hold the prior
};

struct DoctorOptions {
  std::vector<std::string> ignore;  ///< finding ids to silence (checks.ignore)
  /// Monitors run every this many steps. At 20, a 32-64-64-1 MLP's epoch
  /// took ~8% longer with checks (bench/train_throughput, --impl doctor,
  /// wall-clock pairs); at 50 their own measured time is under 2%.
  int64_t check_every = 50;
  // Preflight (defaults from the catalogue, src/doctor/catalogue.cpp).
  double init_loss_tolerance = 0.5;  ///< init.loss: relative difference from theory
  int64_t overfit_rows = 16;         ///< overfit.one_batch [TheDeepChecker: 16 rows]
  int64_t overfit_steps = 300;
  double overfit_lr = 1e-2;          ///< Adam on a copy of the model (fast: 16 rows)
  double overfit_ratio = 0.1;        ///< must remove 90% of the removable loss (warn) ...
  double overfit_error_share = 0.5;  ///< ... and at least half of it (error: something is broken)
  int64_t unchanged_steps = 20;      ///< train.unchanged_params after this many steps
  // train.diverging, on 20-step windows (monitors.cpp).
  double diverging_factor = 2.0;       ///< warn: window median > 2x the lowest window's (and > half the first) ...
  int64_t diverging_windows = 3;       ///< ... for this many windows in a row
  double exploding_factor = 10.0;      ///< error (stops): 5 of the last 20 losses > 10x the lowest and first medians
  int64_t warmup_steps = 50;           ///< train.diverging's warning waits this long
  int64_t not_decreasing_steps = 200;  ///< train.not_decreasing: judged once, at this step
  double not_decreasing_fall = 0.05;   ///< the loss must fall at least 5% [TheDeepChecker]; a flat loss is
                                       ///< reported when the weights moved < update_ratio_low * sqrt(steps)
  // ... and when training ends, where the preflight's reference beat the
  // constant by 4x that fall, a run whose weights moved more than their own
  // norm must come a quarter of its way.
  double not_decreasing_reference = 4;
  double reference_progress = 0.25;
  int64_t update_ratio_checks = 5;  ///< train.update_ratio: over the first 5 checks
  double update_ratio_low = 1e-4;   ///< [CS231n, TheDeepChecker: want ~1e-3]
  double update_ratio_high = 1e-1;
  // Gradient flow: first / last weight matrix gradient norms [AUTOTRAINER].
  int64_t grad_ratio_checks = 5;   ///< median of the first 5 checks
  double vanishing_ratio = 1e-3;   ///< train.vanishing_grad below this
  double exploding_ratio = 70.0;   ///< train.exploding_grad above this
  double grad_spike = 10.0;        ///< ... or a gradient norm 10x the median of earlier checks
  int64_t grad_spike_history = 5;  ///< checks needed before a spike is judged
  int64_t grad_spike_checks = 3;   ///< consecutive checks a spike must last
  // Activations [AUTOTRAINER, DeepDiagnosis].
  double dead_relu_share = 0.7;   ///< train.dead_relu: share of a layer's units inactive on a batch
  double saturation_bound = 5.0;  ///< train.saturation: |sigmoid/tanh input| beyond this ...
  double saturation_share = 0.5;  ///< ... for more than this share of the inputs
  int64_t activation_checks = 3;  ///< consecutive checks a layer must fail during training
  // baseline.input_independent: a copy trained on the real inputs must beat
  // the best constant (what zeroed inputs allow) on rows it did not see; it
  // fires when it beats it by under input_check_margin with 99% confidence.
  int64_t input_check_min_rows = 64;  ///< needs at least this many rows in the preflight batch
  int64_t input_check_steps = 100;
  double input_check_lr = 3e-3;
  double input_check_margin = 0.01;  ///< share of the constant's loss the inputs must be able to win
  // Epoch monitors (after_epoch).
  int64_t overfitting_epochs = 3;  ///< train.overfitting: epochs since the best validation loss ...
  double overfitting_rise = 0.05;  ///< ... that it has risen above by this share
  int64_t plateau_epochs = 5;      ///< train.underfitting: no 1% gain in this many epochs ...
  double plateau_gain = 0.01;
  double underfitting_gap = 0.05;     ///< ... with validation loss within 5% of training loss
  double val_better_margin = 0.05;    ///< train.val_better_than_train: accuracy points [UMLAUT] ...
  int64_t val_better_epochs = 3;      ///< ... in this many consecutive epochs ...
  int64_t val_better_from_epoch = 5;  ///< ... judged from this epoch on
  int64_t oscillation_windows = 10;   ///< train.oscillating: the last 10 20-step loss averages ...
  double oscillation_share = 0.2;     ///< ... move by 20% of their mean from one to the next
};

/// One epoch's summary for the epoch monitors (train.overfitting,
/// train.underfitting, train.val_better_than_train, train.oscillating).
struct EpochStats {
  int64_t epoch = 0;      ///< 1-based
  double train_loss = 0;  ///< mean training loss over the epoch (train mode)
  std::optional<double> val_loss;
  std::optional<double> train_accuracy;  ///< classification, in [0, 1], as measured while training
  std::optional<double> val_accuracy;
};

/// Runs the model on a batch: forward(x) -> outputs. The loss takes
/// (outputs, targets) and returns a scalar.
using ForwardFn = std::function<torch::Tensor(const torch::Tensor&)>;
using LossFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

class Doctor {
 public:
  Doctor(torch::nn::Module& model, torch::optim::Optimizer& optimizer, DoctorOptions options = {});
  ~Doctor();
  Doctor(const Doctor&) = delete;
  Doctor& operator=(const Doctor&) = delete;

  /// Describes the target (enables init.loss and init.output_bias).
  void set_target(TargetInfo target) { target_ = std::move(target); }
  /// Names the output layer's bias (init.output_bias), e.g. "output.bias".
  void set_output_bias(std::string parameter_name) { output_bias_ = std::move(parameter_name); }
  /// Marks the loss as one that takes logits (bce/ce with logits), for output.range.
  void set_logits_loss(bool logits) { logits_loss_ = logits; }

  /// Preflight on one real batch; returns (and records) its findings.
  std::vector<Finding> preflight(const torch::Tensor& x, const torch::Tensor& y, const ForwardFn& forward,
                                 const LossFn& loss);

  /// Call after loss.backward(), before optimizer.step().
  void after_backward();
  /// Call after optimizer.step() with the step's loss.
  void after_step(double loss);
  /// Call after each epoch's validation (optional).
  void after_epoch(const EpochStats& stats);
  /// Call once when training ends (optional): a run shorter than the 200
  /// steps train.not_decreasing waits for (early stopping on a small table)
  /// is judged on its first and last 20 steps.
  void after_training();

  /// Activation monitors (train.dead_relu, train.saturation): pass the input
  /// of each relu / sigmoid / tanh. Cheap to call always: it looks only on
  /// check steps and in preflight (wants_activations()).
  void observe_activation(const std::string& layer, const std::string& activation, const torch::Tensor& pre_activation);
  bool wants_activations() const { return probing_ || (step_ + 1) % options_.check_every == 0; }
  /// True once train.nan, or train.diverging at error level, has fired.
  bool should_stop() const { return stop_; }

  /// Everything found so far (ignore list applied), errors first.
  const FindingSet& findings() const { return findings_; }
  /// Findings recorded since the last call (for printing as they happen).
  std::vector<Finding> take_new_findings();
  /// Seconds spent in the monitors so far (after_backward, after_step,
  /// after_epoch, observe_activation; not preflight): their cost, measured.
  double monitor_seconds() const { return monitor_seconds_; }

 private:
  struct Snapshot;
  /// Records a monitor's finding unless that id already fired (each fires once).
  void fire_once(Finding finding);
  bool fired(const std::string& id) const;
  /// train.diverging, at every step.
  void judge_divergence();
  /// train.not_decreasing, once: the loss trend (step 200), and the run
  /// against the preflight's reference (after_training).
  void judge_not_decreasing();
  void judge_reference_progress();
  void check_gradient_flow();
  std::vector<Finding> check_input_dependence(const torch::Tensor& x, const torch::Tensor& y, const ForwardFn& forward,
                                              const LossFn& loss);
  /// Adds findings (ignore list applied); true if any was kept.
  bool record(std::vector<Finding> found);
  std::vector<std::pair<std::string, torch::Tensor>> trainable() const;

  torch::nn::Module& model_;
  torch::optim::Optimizer& optimizer_;
  DoctorOptions options_;
  std::optional<TargetInfo> target_;
  std::string output_bias_;
  bool logits_loss_ = true;
  FindingSet findings_;
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  std::vector<Finding> new_;  ///< recorded since the last take_new_findings()
  bool stop_ = false;
  double monitor_seconds_ = 0;
  // Monitors.
  int64_t step_ = 0;
  int64_t checks_ = 0;                  ///< check steps so far
  double first_smoothed_ = 0;           ///< the first 20-step average (train.oscillating's reference)
  std::vector<double> window_medians_;  ///< median loss of each 20-step window (train.diverging)
  double lowest_median_ = 0;
  int64_t rising_windows_ = 0;  ///< consecutive windows past the warning level
  std::vector<double> losses_;
  std::vector<torch::Tensor> initial_weights_;  ///< weight matrices at construction, until step 200
  bool not_decreasing_judged_ = false;
  std::optional<double> relative_move_;  ///< |W - W_init| / |W_init| of the weight matrices, judged then
  /// baseline.input_independent's reference training on held-out rows of
  /// the preflight batch (train.not_decreasing's second rule).
  struct Reference {
    double model_loss = 0, constant_loss = 0;
  };
  std::optional<Reference> reference_;
  std::vector<torch::Tensor> start_values_;  ///< parameters at the first check, for train.unchanged_params
  int64_t start_step_ = 0;
  bool unchanged_judged_ = false;                                   ///< train.unchanged_params is judged once
  std::vector<std::pair<std::string, torch::Tensor>> before_step_;  ///< weights before a checked step
  std::map<std::string, std::vector<double>> update_ratios_;
  int64_t update_checks_ = 0;
  std::vector<std::string> fired_;  ///< monitor ids fired once (each fires once per run)
  // Gradient flow (check steps).
  std::vector<double> grad_ratios_;  ///< first / last weight-matrix gradient norm
  std::vector<double> grad_norms_;   ///< total gradient norm at checks without a spike
  std::vector<double> spike_norms_;  ///< the current streak of spikes
  // Activations: consecutive failing checks per layer; probing_ during preflight's forward.
  bool probing_ = false;
  std::map<std::string, int64_t> dead_streak_, saturated_streak_;
  std::map<std::string, torch::Tensor> dead_since_;  ///< units dead on every check of the current streak
  // Epoch monitors.
  std::vector<EpochStats> epochs_;
  // train.grad_accumulation: gradient hooks see, at the first backward
  // after a check step, whether .grad still holds the previous step's values.
  std::vector<std::pair<std::string, torch::Tensor>> params_;   ///< trainable parameters, at construction
  std::vector<std::pair<std::string, torch::Tensor>> watched_;  ///< those of them in the optimizer
  int64_t flow_first_ = -1, flow_last_ = -1;  ///< watched_ indices of the first and last weight matrix
  std::vector<unsigned> hooks_;               ///< on watched_, for the backward after a check step only
  std::vector<std::string> stale_;            ///< parameters whose .grad was not zeroed
  void arm();
  void disarm();
};

}  // namespace nnrecipe
