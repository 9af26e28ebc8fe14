#pragma once
// Helpers shared by the Doctor's source files (src/doctor/): not installed.
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "nnrecipe/doctor.h"
#include "nnrecipe/findings.h"

namespace nnrecipe::doctor_detail {

inline Finding finding(std::string id, Severity severity, std::string stage, std::string message,
                       nlohmann::json evidence, std::string fix) {
  return {std::move(id), severity, std::move(stage), std::move(message), std::move(evidence), std::move(fix)};
}

inline bool all_finite(const torch::Tensor& t) {
  return !t.is_floating_point() || t.numel() == 0 || torch::isfinite(t).all().item<bool>();
}

/// "a, b, c and 4 more"
inline std::string join(const std::vector<std::string>& names, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += fmt::format(" and {} more", names.size() - max);
  return out;
}

/// The parameters an optimizer updates (and zeroes), by identity.
inline std::unordered_set<const torch::TensorImpl*> optimizer_params(torch::optim::Optimizer& optimizer) {
  std::unordered_set<const torch::TensorImpl*> out;
  for (const auto& group : optimizer.param_groups()) {
    for (const auto& p : group.params()) out.insert(p.unsafeGetTensorImpl());
  }
  return out;
}

/// Adds the time until it goes out of scope to a counter (the monitors'
/// own cost, Doctor::monitor_seconds()).
class CostTimer {
 public:
  explicit CostTimer(double& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~CostTimer() { total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  CostTimer(const CostTimer&) = delete;
  CostTimer& operator=(const CostTimer&) = delete;

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_;
};

/// Steps averaged by the loss monitors (single batches are too noisy).
constexpr std::size_t kWindow = 20;

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// The weight matrices (and conv kernels) whose gradients and updates the
/// monitors compare, in registration order (input side first). Embedding
/// tables are left out: N(0, 1) at init, and only the rows a batch uses move.
inline NamedTensors weight_matrices(const NamedTensors& params) {
  NamedTensors out;
  for (const auto& [name, p] : params) {
    // Embedding tables (a row per category) and BatchEnsemble adapters
    // (per-member scales of a shared layer, TabM's "ensemble_adapter") are
    // 2-D but are not a layer's weights.
    if (p.dim() >= 2 && name.find("embedding") == std::string::npos && name.find("adapter") == std::string::npos)
      out.emplace_back(name, p);
  }
  return out;
}

/// Gradient norm of the first weight matrix over the last one's, or a
/// negative value where it is undefined (fewer than two, or no gradient).
inline double first_last_gradient_ratio(const NamedTensors& weights) {
  if (weights.size() < 2) return -1;
  const torch::Tensor& first = weights.front().second.grad();
  const torch::Tensor& last = weights.back().second.grad();
  if (!first.defined() || !last.defined()) return -1;
  const double last_norm = last.norm().item<double>();
  return last_norm > 0 ? first.norm().item<double>() / last_norm : -1;
}

}  // namespace nnrecipe::doctor_detail

namespace nnrecipe {

// Everything preflight may change, to put back afterwards.
struct Doctor::Snapshot {
  std::vector<torch::Tensor> params, buffers, grads;
  bool training = true;

  explicit Snapshot(torch::nn::Module& m) : training(m.is_training()) {
    torch::NoGradGuard no_grad;
    for (const auto& p : m.parameters()) {
      params.push_back(p.detach().clone());
      grads.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::Tensor());
    }
    for (const auto& b : m.buffers()) buffers.push_back(b.detach().clone());
  }

  void restore(torch::nn::Module& m) const {
    torch::NoGradGuard no_grad;
    auto ps = m.parameters();
    for (std::size_t i = 0; i < ps.size(); ++i) {
      ps[i].copy_(params[i]);
      if (grads[i].defined()) {
        ps[i].mutable_grad() = grads[i].clone();
      } else {
        ps[i].mutable_grad() = torch::Tensor();
      }
    }
    auto bs = m.buffers();
    for (std::size_t i = 0; i < bs.size(); ++i) bs[i].copy_(buffers[i]);
    m.train(training);
  }
};

namespace doctor_detail {

/// train.vanishing_grad / train.exploding_grad for a first/last gradient
/// norm ratio (src/doctor/monitors.cpp); `when` says how it was measured.
std::optional<Finding> gradient_ratio_finding(double ratio, const std::string& first, const std::string& last,
                                              const std::string& stage, const std::string& when,
                                              const DoctorOptions& options);

}  // namespace doctor_detail
}  // namespace nnrecipe
