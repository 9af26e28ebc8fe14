#pragma once
// FastAdam: Adam and AdamW with the math of torch::optim::Adam / AdamW
// (bias correction, eps outside the square root, L2 weight decay added to the
// gradient for Adam, decoupled decay for AdamW; no amsgrad), but a step that
// costs a few operations for the whole model instead of ~8 per parameter
// tensor.
//
// Two step implementations, same math:
//  - fused (default where it applies: CPU, float32, contiguous): one pass over
//    all parameters that reads parameter, gradient and both moments once and
//    writes them once, in one parallel loop; no allocation per step;
//  - foreach (anything else: other devices or dtypes, fused(false)): one pass
//    of at::_foreach_* ops over all parameters of a group, op for op what the
//    stock optimizer does per tensor.
//
// Its state is the stock one (torch::optim::AdamParamState per parameter, in
// Optimizer::state()), and save/load write and read the stock archive format:
// a checkpoint written by torch::optim::Adam or AdamW loads into FastAdam and
// the other way round, and a resumed run continues exactly.
#include <torch/optim/adam.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <memory>
#include <tuple>
#include <vector>

namespace nnrecipe {

struct FastAdamOptions : public torch::optim::OptimizerCloneableOptions<FastAdamOptions> {
  FastAdamOptions(double lr = 1e-3);  // NOLINT: implicit, as torch::optim::AdamOptions
  TORCH_ARG(double, lr) = 1e-3;
  typedef std::tuple<double, double> betas_t;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;
  /// false: Adam (weight_decay * param added to the gradient, L2);
  /// true: AdamW (param *= 1 - lr * weight_decay before the update).
  /// Not part of the archive (the stock format has no such key): load() keeps
  /// the value the optimizer was built with.
  TORCH_ARG(bool, decoupled_weight_decay) = false;
  /// Use the fused single-pass CPU kernel where the parameters allow it
  /// (CPU, float32, contiguous, gradients the same); false = always foreach.
  TORCH_ARG(bool, fused) = true;

 public:
  /// Writes and reads the keys of torch::optim::AdamOptions (lr, betas, eps,
  /// weight_decay, amsgrad = false).
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

/// FastAdamOptions for AdamW: decoupled weight decay, torch's AdamW default
/// weight_decay of 1e-2.
FastAdamOptions fast_adamw_options(double lr = 1e-3, double weight_decay = 1e-2);

class FastAdam : public torch::optim::Optimizer {
 public:
  explicit FastAdam(std::vector<torch::optim::OptimizerParamGroup> param_groups, FastAdamOptions defaults = {});
  explicit FastAdam(std::vector<torch::Tensor> params, FastAdamOptions defaults = {});
  ~FastAdam() override;

  /// One update of every parameter that has a gradient (parameters without
  /// one are skipped and their step count stays, as in the stock optimizer).
  torch::Tensor step(LossClosure closure = nullptr) override;

  /// Optimizer::zero_grad() (zeroes gradients in place, no reallocation) is
  /// kept; this overload can instead drop them (set_to_none), which saves the
  /// zeroing pass and lets backward hand its gradient buffers over.
  using torch::optim::Optimizer::zero_grad;
  void zero_grad(bool set_to_none);

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

  /// Steps taken by the fused kernel and by the foreach path (for tests and
  /// benchmarks: which implementation ran).
  int64_t fused_steps() const { return fused_steps_; }
  int64_t foreach_steps() const { return foreach_steps_; }

 private:
  // Per group, the tensors of the last step, so that a step looks nothing up
  // by name; rebuilt when the parameters or the state change.
  struct GroupCache {
    std::vector<torch::Tensor> params, exp_avg, exp_avg_sq;
    std::vector<torch::optim::AdamParamState*> states;
  };
  void validate(const FastAdamOptions& options) const;
  void rebuild_cache();
  bool cache_valid() const;
  void step_group(std::size_t group_index);

  struct Scratch;
  std::vector<GroupCache> cache_;
  std::unique_ptr<Scratch> scratch_;
  int64_t fused_steps_ = 0;
  int64_t foreach_steps_ = 0;
};

}  // namespace nnrecipe
