#include "nnrecipe/fast_adam.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NNRECIPE_FAST_ADAM_AVX2 1
#endif

namespace nnrecipe {
namespace {

using torch::optim::AdamParamState;

// Optimizer::state() is keyed by the parameter's TensorImpl: the pointer
// printed as a string (LibTorch 1.x, as c10::guts::to_string prints it), or
// the pointer itself (LibTorch 2.x). Same keys as the stock optimizers.
using StateKey = std::decay_t<decltype(std::declval<torch::optim::Optimizer&>().state())>::key_type;

template <typename Key>
Key state_key_as(const torch::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream out;
    out << p.unsafeGetTensorImpl();
    return out.str();
  } else {
    return p.unsafeGetTensorImpl();
  }
}

StateKey state_key(const torch::Tensor& p) { return state_key_as<StateKey>(p); }

// One parameter tensor's share of a fused step. The scalars are the float
// values the stock optimizer's tensor ops use (a double Scalar applied to a
// float tensor is rounded to float first).
struct FusedItem {
  float* p;
  const float* g;
  float* m;
  float* v;
  int64_t n;
  float decay;  // AdamW: p *= decay (1 when off)
  float l2;     // Adam: g += l2 * p (0 when off)
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float bias_correction2_sqrt, eps, neg_step_size;
};

// The stock sequence, per element: p.mul_(decay); g = g.add(p, l2);
// m.mul_(b1).add_(g, 1-b1); v.mul_(b2).addcmul_(g, g, 1-b2);
// d = v.sqrt() / sqrt(bc2) + eps; p.addcdiv_(m, d, -step_size).
void fused_scalar(const FusedItem& it, int64_t begin, int64_t end) {
  const bool decoupled = it.decay != 1.0f, l2 = it.l2 != 0.0f;
  for (int64_t i = begin; i < end; ++i) {
    float p = it.p[i];
    if (decoupled) p = p * it.decay;
    float g = it.g[i];
    if (l2) g = g + it.l2 * p;
    float m = it.m[i] * it.beta1;
    m = m + it.one_minus_beta1 * g;
    float v = it.v[i] * it.beta2;
    v = v + it.one_minus_beta2 * g * g;
    const float d = std::sqrt(v) / it.bias_correction2_sqrt + it.eps;
    it.p[i] = p + it.neg_step_size * m / d;
    it.m[i] = m;
    it.v[i] = v;
  }
}

#ifdef NNRECIPE_FAST_ADAM_AVX2
// The same with 8 lanes and the roundings of ATen's AVX2 kernels, so that
// the result is the stock one bit for bit: `a + alpha * b` (add with alpha)
// is one FMA, addcmul's `self + value * t1 * t2` is contracted into one
// (ATen is built with GCC's default -ffp-contract=fast), and a separate
// op's result is rounded before the next op reads it. opaque() keeps GCC
// from contracting across such an op boundary here.
__attribute__((target("avx2,fma"), always_inline)) inline __m256 opaque(__m256 x) {
  asm("" : "+x"(x));
  return x;
}
__attribute__((target("avx2,fma"), always_inline)) inline float opaque(float x) {
  asm("" : "+x"(x));
  return x;
}

__attribute__((target("avx2,fma"))) void fused_avx2(const FusedItem& it, int64_t begin, int64_t end) {
  const bool decoupled = it.decay != 1.0f, l2 = it.l2 != 0.0f;
  const __m256 decay = _mm256_set1_ps(it.decay), wd = _mm256_set1_ps(it.l2);
  const __m256 b1 = _mm256_set1_ps(it.beta1), omb1 = _mm256_set1_ps(it.one_minus_beta1);
  const __m256 b2 = _mm256_set1_ps(it.beta2), omb2 = _mm256_set1_ps(it.one_minus_beta2);
  const __m256 bc2 = _mm256_set1_ps(it.bias_correction2_sqrt), eps = _mm256_set1_ps(it.eps);
  const __m256 step = _mm256_set1_ps(it.neg_step_size);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    __m256 p = _mm256_loadu_ps(it.p + i);
    if (decoupled) p = opaque(_mm256_mul_ps(p, decay));  // p.mul_(decay)
    __m256 g = _mm256_loadu_ps(it.g + i);
    if (l2) g = _mm256_fmadd_ps(p, wd, g);                            // g.add(p, wd)
    __m256 m = opaque(_mm256_mul_ps(_mm256_loadu_ps(it.m + i), b1));  // m.mul_(b1)
    m = _mm256_fmadd_ps(g, omb1, m);                                  // .add_(g, 1-b1)
    __m256 v = opaque(_mm256_mul_ps(_mm256_loadu_ps(it.v + i), b2));  // v.mul_(b2)
    v = _mm256_fmadd_ps(opaque(_mm256_mul_ps(omb2, g)), g, v);        // .addcmul_(g, g, 1-b2)
    const __m256 d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(v), bc2), eps);
    p = _mm256_add_ps(p, _mm256_div_ps(opaque(_mm256_mul_ps(step, m)), d));  // p.addcdiv_(m, d, -step)
    _mm256_storeu_ps(it.p + i, p);
    _mm256_storeu_ps(it.m + i, m);
    _mm256_storeu_ps(it.v + i, v);
  }
  for (; i < end; ++i) {  // ATen's scalar loop, same roundings
    float p = it.p[i];
    if (decoupled) p = opaque(p * it.decay);
    float g = it.g[i];
    if (l2) g = std::fma(p, it.l2, g);
    float m = opaque(it.m[i] * it.beta1);
    m = std::fma(g, it.one_minus_beta1, m);
    float v = opaque(it.v[i] * it.beta2);
    v = std::fma(opaque(it.one_minus_beta2 * g), g, v);
    const float d = std::sqrt(v) / it.bias_correction2_sqrt + it.eps;
    it.p[i] = p + opaque(it.neg_step_size * m) / d;
    it.m[i] = m;
    it.v[i] = v;
  }
}
bool has_avx2() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return yes;
}
#endif

void run_fused(const FusedItem& it, int64_t begin, int64_t end) {
#ifdef NNRECIPE_FAST_ADAM_AVX2
  if (has_avx2()) {
    fused_avx2(it, begin, end);
    return;
  }
#endif
  fused_scalar(it, begin, end);
}

// One parallel loop over the elements of all items, as if they were one
// flat buffer: a small model costs one fork/join, not one per tensor.
void fused_step(const std::vector<FusedItem>& items, std::vector<int64_t>& offsets) {
  offsets.assign(items.size() + 1, 0);
  for (std::size_t i = 0; i < items.size(); ++i) offsets[i + 1] = offsets[i] + items[i].n;
  // ATen's grain for elementwise ops: below it, one thread does everything.
  constexpr int64_t kGrain = 32768;
  at::parallel_for(0, offsets.back(), kGrain, [&](int64_t begin, int64_t end) {
    auto item = static_cast<std::size_t>(std::upper_bound(offsets.begin(), offsets.end(), begin) - offsets.begin() - 1);
    for (int64_t pos = begin; pos < end; ++item) {
      const int64_t stop = std::min(end, offsets[item + 1]);
      run_fused(items[item], pos - offsets[item], stop - offsets[item]);
      pos = stop;
    }
  });
}

bool fusable(const torch::Tensor& t, const torch::Tensor& like) {
  return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.layout() == torch::kStrided &&
         t.is_contiguous() && t.numel() == like.numel();
}

}  // namespace

// Per-step working lists, kept between steps so that a step allocates nothing.
struct FastAdam::Scratch {
  std::vector<std::size_t> active;  // indices (in the group) of parameters with a gradient
  std::vector<torch::Tensor> grads;
  std::vector<double> step_size, bias_correction2_sqrt;
  std::vector<FusedItem> items;
  std::vector<int64_t> offsets;
};

FastAdamOptions::FastAdamOptions(double lr) : lr_(lr) {}

void FastAdamOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(betas);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
  archive.write("amsgrad", c10::IValue(false));
}

void FastAdamOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(betas_t, betas);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
}

FastAdamOptions fast_adamw_options(double lr, double weight_decay) {
  return FastAdamOptions(lr).weight_decay(weight_decay).decoupled_weight_decay(true);
}

FastAdam::FastAdam(std::vector<torch::optim::OptimizerParamGroup> param_groups, FastAdamOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<FastAdamOptions>(defaults)),
      scratch_(std::make_unique<Scratch>()) {
  validate(defaults);
  for (std::size_t g = 0; g < param_groups_.size(); ++g) {
    const auto* options = dynamic_cast<const FastAdamOptions*>(&param_groups_[g].options());
    if (options == nullptr) {
      throw std::invalid_argument("FastAdam: parameter group " + std::to_string(g) +
                                  " has options of another optimizer");
    }
    validate(*options);
  }
}

FastAdam::FastAdam(std::vector<torch::Tensor> params, FastAdamOptions defaults)
    : FastAdam(std::vector<torch::optim::OptimizerParamGroup>{torch::optim::OptimizerParamGroup(std::move(params))},
               defaults) {}

FastAdam::~FastAdam() = default;

void FastAdam::validate(const FastAdamOptions& o) const {
  const auto [beta1, beta2] = o.betas();
  if (!(o.lr() >= 0)) throw std::invalid_argument("FastAdam: lr must be >= 0, got " + std::to_string(o.lr()));
  if (!(o.eps() >= 0)) throw std::invalid_argument("FastAdam: eps must be >= 0, got " + std::to_string(o.eps()));
  if (!(beta1 >= 0 && beta1 < 1))
    throw std::invalid_argument("FastAdam: beta1 must be in [0, 1), got " + std::to_string(beta1));
  if (!(beta2 >= 0 && beta2 < 1))
    throw std::invalid_argument("FastAdam: beta2 must be in [0, 1), got " + std::to_string(beta2));
  if (!(o.weight_decay() >= 0)) {
    throw std::invalid_argument("FastAdam: weight_decay must be >= 0, got " + std::to_string(o.weight_decay()));
  }
}

bool FastAdam::cache_valid() const {
  if (cache_.size() != param_groups_.size()) return false;
  std::size_t states = 0;
  for (std::size_t g = 0; g < cache_.size(); ++g) {
    const auto& params = param_groups_[g].params();
    const GroupCache& c = cache_[g];
    if (c.params.size() != params.size()) return false;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (c.params[i].unsafeGetTensorImpl() != params[i].unsafeGetTensorImpl()) return false;
      if (c.states[i] != nullptr) ++states;
    }
  }
  // State added or dropped behind our back (Optimizer::state() is public).
  return states == state_.size();
}

void FastAdam::rebuild_cache() {
  cache_.assign(param_groups_.size(), GroupCache{});
  for (std::size_t g = 0; g < param_groups_.size(); ++g) {
    if (dynamic_cast<const FastAdamOptions*>(&param_groups_[g].options()) == nullptr) {
      throw std::invalid_argument("FastAdam: parameter group " + std::to_string(g) +
                                  " has options of another optimizer");
    }
    GroupCache& c = cache_[g];
    c.params = param_groups_[g].params();
    c.exp_avg.resize(c.params.size());
    c.exp_avg_sq.resize(c.params.size());
    c.states.assign(c.params.size(), nullptr);
    for (std::size_t i = 0; i < c.params.size(); ++i) {
      auto it = state_.find(state_key(c.params[i]));
      if (it == state_.end()) continue;
      auto* s = dynamic_cast<AdamParamState*>(it->second.get());
      if (s == nullptr) throw std::invalid_argument("FastAdam: the state of a parameter is not Adam's");
      const auto where = "FastAdam: parameter " + std::to_string(i) + " of group " + std::to_string(g);
      if (s->max_exp_avg_sq().defined()) {
        throw std::invalid_argument(where + " has amsgrad state; FastAdam implements Adam without amsgrad");
      }
      if (!s->exp_avg().defined() || !s->exp_avg_sq().defined() || s->exp_avg().sizes() != c.params[i].sizes() ||
          s->exp_avg_sq().sizes() != c.params[i].sizes()) {
        throw std::invalid_argument(where + ": its saved moments do not have the parameter's shape " +
                                    c10::str(c.params[i].sizes()) + " (a checkpoint of another model?)");
      }
      c.exp_avg[i] = s->exp_avg();
      c.exp_avg_sq[i] = s->exp_avg_sq();
      c.states[i] = s;
    }
  }
}

torch::Tensor FastAdam::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  if (!cache_valid()) rebuild_cache();
  for (std::size_t g = 0; g < param_groups_.size(); ++g) step_group(g);
  return loss;
}

void FastAdam::step_group(std::size_t group_index) {
  GroupCache& c = cache_[group_index];
  const auto& o = static_cast<const FastAdamOptions&>(param_groups_[group_index].options());
  const double lr = o.lr(), eps = o.eps(), wd = o.weight_decay();
  const auto [beta1, beta2] = o.betas();
  const bool decoupled = o.decoupled_weight_decay();
  Scratch& w = *scratch_;
  w.active.clear();
  w.grads.clear();

  // Parameters with a gradient take part; state is created on their first step.
  bool fused = o.fused();
  for (std::size_t i = 0; i < c.params.size(); ++i) {
    const torch::Tensor& p = c.params[i];
    torch::Tensor grad = p.grad();
    if (!grad.defined()) continue;
    if (grad.is_sparse()) throw std::invalid_argument("FastAdam does not support sparse gradients");
    if (c.states[i] == nullptr) {
      auto state = std::make_unique<AdamParamState>();
      state->step(0);
      state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      c.exp_avg[i] = state->exp_avg();
      c.exp_avg_sq[i] = state->exp_avg_sq();
      c.states[i] = state.get();
      state_[state_key(p)] = std::move(state);
    }
    fused = fused && fusable(p, p) && fusable(grad, p) && fusable(c.exp_avg[i], p) && fusable(c.exp_avg_sq[i], p);
    w.active.push_back(i);
    w.grads.push_back(std::move(grad));
  }
  if (w.active.empty()) return;

  // Per parameter, as the stock optimizer: its own step count.
  const std::size_t n = w.active.size();
  w.step_size.resize(n);
  w.bias_correction2_sqrt.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    AdamParamState& s = *c.states[w.active[k]];
    s.step(s.step() + 1);
    const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(s.step()));
    const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(s.step()));
    w.step_size[k] = lr / bias_correction1;
    w.bias_correction2_sqrt[k] = std::sqrt(bias_correction2);
  }

  if (fused) {
    w.items.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = w.active[k];
      FusedItem& it = w.items[k];
      it.p = c.params[i].data_ptr<float>();
      it.g = w.grads[k].data_ptr<float>();
      it.m = c.exp_avg[i].data_ptr<float>();
      it.v = c.exp_avg_sq[i].data_ptr<float>();
      it.n = c.params[i].numel();
      it.decay = decoupled && wd != 0 ? static_cast<float>(1 - lr * wd) : 1.0f;
      it.l2 = !decoupled ? static_cast<float>(wd) : 0.0f;
      it.beta1 = static_cast<float>(beta1);
      it.one_minus_beta1 = static_cast<float>(1 - beta1);
      it.beta2 = static_cast<float>(beta2);
      it.one_minus_beta2 = static_cast<float>(1 - beta2);
      it.bias_correction2_sqrt = static_cast<float>(w.bias_correction2_sqrt[k]);
      it.eps = static_cast<float>(eps);
      it.neg_step_size = static_cast<float>(-w.step_size[k]);
    }
    fused_step(w.items, w.offsets);
    // The writes bypassed ATen: bump the version counters as in-place ops
    // do, so autograd still catches a graph that saved an updated tensor.
    for (std::size_t i : w.active) {
      c.params[i].unsafeGetTensorImpl()->bump_version();
      c.exp_avg[i].unsafeGetTensorImpl()->bump_version();
      c.exp_avg_sq[i].unsafeGetTensorImpl()->bump_version();
    }
    w.grads.clear();  // hold no gradient past the step
    ++fused_steps_;
    return;
  }

  // foreach: op for op the stock per-tensor sequence, over all tensors at once.
  // (Allocates its lists and ATen's temporaries: the path for what fused cannot take.)
  std::vector<torch::Tensor> params, exp_avg, exp_avg_sq, grads = std::move(w.grads);
  std::vector<c10::Scalar> neg_step, bc2_sqrt;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = w.active[k];
    params.push_back(c.params[i]);
    exp_avg.push_back(c.exp_avg[i]);
    exp_avg_sq.push_back(c.exp_avg_sq[i]);
    neg_step.emplace_back(-w.step_size[k]);
    bc2_sqrt.emplace_back(w.bias_correction2_sqrt[k]);
  }
  w.grads.clear();
  if (wd != 0) {
    if (decoupled) {
      at::_foreach_mul_(params, 1 - lr * wd);
    } else {
      grads = at::_foreach_add(grads, params, wd);
    }
  }
  at::_foreach_mul_(exp_avg, beta1);
  at::_foreach_add_(exp_avg, grads, 1 - beta1);
  at::_foreach_mul_(exp_avg_sq, beta2);
  at::_foreach_addcmul_(exp_avg_sq, grads, grads, 1 - beta2);
  std::vector<torch::Tensor> denom = at::_foreach_sqrt(exp_avg_sq);
  at::_foreach_div_(denom, bc2_sqrt);
  at::_foreach_add_(denom, eps);
  at::_foreach_addcdiv_(params, exp_avg, denom, neg_step);
  ++foreach_steps_;
}

void FastAdam::zero_grad(bool set_to_none) {
  if (!set_to_none) {
    Optimizer::zero_grad();
    return;
  }
  for (auto& group : param_groups_) {
    for (auto& p : group.params()) {
      if (p.grad().defined()) p.mutable_grad().reset();
    }
  }
}

void FastAdam::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<AdamParamState, FastAdamOptions>(archive, *this);
}

void FastAdam::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<AdamParamState, FastAdamOptions>(archive, *this);
  cache_.clear();   // the state objects were replaced
  rebuild_cache();  // validates them now, with a clear message
}

}  // namespace nnrecipe
