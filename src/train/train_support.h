#pragma once
// Pieces of the epoch loop that the learning-rate range test
// (src/train/lr_range_test.cpp) shares with the trainer: the loss of a
// batch and the configured optimizer. Internal to src/train.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/fast_adam.h"
#include "nnrecipe/models.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe::train_detail {

// The loss of a batch: outputs [N, units], targets y (int64 classes or
// float [N, 1]), optional per-class weights.
class LossFunction {
 public:
  LossFunction(std::string name, Task task, int64_t classes, torch::Tensor class_weights)
      : name_(std::move(name)), task_(task), classes_(classes), weights_(std::move(class_weights)) {
    const bool classification = task != Task::Regression;
    if (name_ == "bce" && task != Task::Binary) {
      throw InputError("train.loss: bce needs a binary target; this task is " + std::string(to_string(task)));
    }
    if (name_ == "ce" && !classification) throw InputError("train.loss: ce needs a classification target");
  }

  torch::Tensor operator()(const torch::Tensor& out, const torch::Tensor& y) const {
    if (name_ == "bce") {
      const torch::Tensor t = y.to(torch::kFloat32).view({-1, 1});
      torch::Tensor l = torch::binary_cross_entropy_with_logits(out, t, {}, {}, at::Reduction::None);
      if (weights_.defined()) l = l * weights_.index_select(0, y).view({-1, 1});
      return l.mean();
    }
    if (name_ == "ce")
      return torch::nn::functional::cross_entropy(out, y,
                                                  torch::nn::functional::CrossEntropyFuncOptions().weight(weights_));
    // Regression losses; on a classification target they compare outputs
    // with 0/1 (one-hot) targets, the silent mistake the doctor flags.
    torch::Tensor t = y;
    if (task_ != Task::Regression) {
      t = task_ == Task::Binary ? y.to(torch::kFloat32).view({-1, 1}) : torch::one_hot(y, classes_).to(torch::kFloat32);
    }
    if (name_ == "l1") return torch::l1_loss(out, t);
    if (name_ == "huber") return torch::huber_loss(out, t);
    return torch::mse_loss(out, t);
  }

 private:
  std::string name_;
  Task task_;
  int64_t classes_;
  torch::Tensor weights_;
};

/// The training loss of a batch. A network of several members (TabM) is
/// trained on the mean of its members' own losses, so that each member
/// learns to predict on its own (training their mean prediction would make
/// them one model); `outputs`, when given, receives the combined prediction.
inline torch::Tensor batch_loss(const LossFunction& loss, NetworkImpl& net, const torch::Tensor& x,
                                const torch::Tensor& ids, const torch::Tensor& y, Task task,
                                torch::Tensor* outputs = nullptr) {
  const int64_t k = net.members();
  if (k == 1) {
    torch::Tensor out = net.forward(x, ids);
    if (outputs) *outputs = out;
    return loss(out, y);
  }
  const torch::Tensor members = net.forward_members(x, ids);  // [N, k, units]
  if (outputs) *outputs = combine_members(members.detach(), task);
  return loss(members.reshape({-1, members.size(2)}), y.repeat_interleave(k, 0));
}

/// L-BFGS iterations per epoch (one full-batch step of the trainer), and
/// the curvature pairs it keeps: scipy's default m = 10, which
/// scikit-learn's lbfgs solver uses (LibTorch's default of 100 would hold
/// 200 copies of the parameters).
constexpr int64_t kLbfgsIterationsPerEpoch = 20;
constexpr int64_t kLbfgsHistory = 10;

/// Adam (the default), AdamW, SGD or full-batch L-BFGS as train.* configures them.
inline std::unique_ptr<torch::optim::Optimizer> make_optimizer(const Config& c,
                                                               const std::vector<torch::Tensor>& params) {
  const auto& t = c.train;
  if (t.optimizer == "lbfgs") {
    // A strong-Wolfe line search picks each step's length; lr scales only
    // the first trial step (1 is the usual value). Weight decay is added to
    // the loss by the trainer (L2), as LBFGSOptions has none.
    return std::make_unique<torch::optim::LBFGS>(params, torch::optim::LBFGSOptions(t.lr)
                                                             .max_iter(kLbfgsIterationsPerEpoch)
                                                             .history_size(kLbfgsHistory)
                                                             .line_search_fn("strong_wolfe"));
  }
  if (t.optimizer == "sgd") {
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(t.lr).momentum(t.momentum).weight_decay(t.weight_decay));
  }
  // FastAdam: the stock Adam/AdamW math and checkpoint format in one fused
  // pass over all parameters (per-step overhead dominates small models;
  // bench/train_throughput: optimizer step 191 -> 55 us on a 32-256-256-1 MLP).
  if (t.optimizer == "adamw") return std::make_unique<FastAdam>(params, fast_adamw_options(t.lr, t.weight_decay));
  return std::make_unique<FastAdam>(params, FastAdamOptions(t.lr).weight_decay(t.weight_decay));
}

/// Sets every parameter group's learning rate.
inline void set_lr(torch::optim::Optimizer& opt, double lr) {
  for (auto& group : opt.param_groups()) group.options().set_lr(lr);
}

}  // namespace nnrecipe::train_detail
