#pragma once
// Doctor: the preflight checks and training monitors of ../shared/RECIPE.md,
// attachable to any LibTorch model, optimizer and training loop in a few
// lines. nnrecipe's own trainer uses it the same way.
//
//   nnrecipe::Doctor doctor(*model, optimizer);
//   doctor.preflight(batch_x, batch_y, forward, loss);   // before training
//   for (...) {
//     optimizer.zero_grad();
//     auto l = loss(forward(x), y);
//     l.backward();
//     doctor.after_backward();
//     optimizer.step();
//     doctor.after_step(l.item<double>());
//     if (doctor.should_stop()) break;                   // train.nan, train.diverging
//   }
//   doctor.findings();                                    // everything found, errors first
//
// Preflight leaves the model, its buffers (batch-norm statistics), its
// gradients and the optimizer exactly as it found them: it trains copies.
#include <torch/torch.h>

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
  int64_t classes = 0;                 ///< classification
  std::vector<int64_t> class_counts;   ///< training rows per class; empty = unknown
  bool standardized_target = true;     ///< regression: target has mean 0, std 1
  bool init_output_bias = true;        ///< whether the output bias is meant to hold the prior
};

struct DoctorOptions {
  std::vector<std::string> ignore;     ///< finding ids to silence (checks.ignore)
  int64_t check_every = 20;            ///< monitors run every this many steps
  // Preflight (defaults from the catalogue, src/doctor/catalogue.cpp).
  double init_loss_tolerance = 0.5;    ///< init.loss: relative difference from theory
  int64_t overfit_rows = 16;           ///< overfit.one_batch [TheDeepChecker: 16 rows]
  int64_t overfit_steps = 300;
  double overfit_lr = 1e-2;            ///< Adam on a copy of the model (fast: 16 rows)
  double overfit_ratio = 0.1;          ///< must reach 10% of its initial loss
  int64_t unchanged_steps = 20;        ///< train.unchanged_params after this many steps
  double diverging_factor = 2.0;       ///< train.diverging: 20-step average > 2x its running minimum
  int64_t warmup_steps = 50;           ///< train.diverging waits this long
  int64_t not_decreasing_steps = 200;  ///< train.not_decreasing: judged once, at this step
  double not_decreasing_fall = 0.05;   ///< the loss must fall at least 5% [TheDeepChecker]
  int64_t update_ratio_checks = 5;     ///< train.update_ratio: over the first 5 checks
  double update_ratio_low = 1e-4;      ///< [CS231n, TheDeepChecker: want ~1e-3]
  double update_ratio_high = 1e-1;
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
  /// True once an error monitor (train.nan, train.diverging) has fired.
  bool should_stop() const { return stop_; }

  /// Everything found so far (ignore list applied), errors first.
  const FindingSet& findings() const { return findings_; }
  /// Findings recorded since the last call (for printing as they happen).
  std::vector<Finding> take_new_findings();

 private:
  struct Snapshot;
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
  std::vector<Finding> new_;  ///< recorded since the last take_new_findings()
  bool stop_ = false;
  // Monitors.
  int64_t step_ = 0;
  double min_smoothed_ = 0;    ///< lowest 20-step average loss so far
  double first_smoothed_ = 0;  ///< the first 20-step average
  std::vector<double> losses_;
  std::vector<torch::Tensor> start_values_;  ///< parameters at the first check, for train.unchanged_params
  int64_t start_step_ = 0;
  std::vector<std::pair<std::string, torch::Tensor>> before_step_;  ///< weights before a checked step
  std::map<std::string, std::vector<double>> update_ratios_;
  int64_t update_checks_ = 0;
  std::vector<std::string> fired_;           ///< monitor ids fired once (each fires once per run)
  // train.grad_accumulation: gradient hooks see, at the first backward
  // after a step, whether .grad still holds the previous step's values.
  std::vector<std::pair<std::string, torch::Tensor>> watched_;  ///< trainable parameters, hooked
  std::vector<unsigned> hooks_;
  bool armed_ = false;             ///< the next backward is the first after a checked step
  std::vector<std::string> stale_; ///< parameters whose .grad was not zeroed
};

}  // namespace nnrecipe
