// Unstructured pruning: global magnitude masks over every weight matrix and
// convolution kernel (include/nnrecipe/prune.h).
#include <algorithm>

#include "nnrecipe/prune.h"

namespace nnrecipe {
namespace {

// Weights that pruning may zero: 2+ dimensions (linear, conv), not embedding
// tables (a row per category: zeroing it erases the category) and not
// TabM's per-member adapters (scales, one per member and unit: zeroing one
// cuts a unit out of a member, which is not a small weight's removal).
bool prunable(const std::string& name, const torch::Tensor& p) {
  return p.dim() >= 2 && name.find("embedding") == std::string::npos && name.find("adapter") == std::string::npos;
}

}  // namespace

std::map<std::string, torch::Tensor> magnitude_masks(torch::nn::Module& net, double sparsity) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> all;
  for (const auto& p : net.named_parameters()) {
    if (prunable(p.key(), p.value())) all.push_back(p.value().detach().abs().flatten());
  }
  std::map<std::string, torch::Tensor> masks;
  if (all.empty()) return masks;
  const torch::Tensor values = torch::cat(all);
  const auto prune = static_cast<int64_t>(sparsity * static_cast<double>(values.numel()));
  // The prune-th smallest |w|: at or below it, pruned (ties at the threshold
  // go with it, so a step never keeps more than asked).
  const double threshold = prune > 0 ? std::get<0>(values.kthvalue(prune)).item<double>() : -1.0;
  for (const auto& p : net.named_parameters()) {
    if (!prunable(p.key(), p.value())) continue;
    masks[p.key()] = (p.value().detach().abs() > threshold).to(p.value().dtype());
  }
  return masks;
}

void apply_masks(torch::nn::Module& net, const std::map<std::string, torch::Tensor>& masks) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.named_parameters()) {
    const auto it = masks.find(p.key());
    if (it != masks.end()) p.value().mul_(it->second);
  }
}

double weight_sparsity(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  double zeros = 0, total = 0;
  for (const auto& p : net.named_parameters()) {
    if (!prunable(p.key(), p.value())) continue;
    zeros += static_cast<double>((p.value() == 0).sum().item<int64_t>());
    total += static_cast<double>(p.value().numel());
  }
  return total > 0 ? zeros / total : 0;
}

}  // namespace nnrecipe
