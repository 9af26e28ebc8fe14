#include <torch/torch.h>

#include <cmath>

#include "nnrecipe/fast_linear.h"
#include "nnrecipe/models.h"

namespace nnrecipe {

FactorizationMachineImpl::FactorizationMachineImpl(FactorizationMachineOptions options) : options_(std::move(options)) {
  const int64_t k = options_.factors(), out = options_.output_dim();
  const int64_t dense = std::max<int64_t>(options_.input_dim(), 1);
  const auto features = static_cast<double>(dense + static_cast<int64_t>(options_.embedding_cardinalities().size()));
  // As libFM initializes an FM: linear weights at zero, so the model starts
  // at the prior its bias holds, and factors from N(0, sigma). libFM's sigma
  // of 0.1 is for one feature; over F standardized features the sum
  // sum_i v_i x_i has variance F sigma^2, so sigma = 0.1 / sqrt(F) keeps the
  // starting interactions as small whatever the table's width (with 0.1 a
  // wide table starts far from the prior, and init.loss rightly says so).
  const double sigma = 0.1 / std::sqrt(features);
  output_ = register_module("output", torch::nn::Linear(dense, out));
  dense_factors_ = register_parameter("dense_factors", torch::randn({dense, k}) * sigma);
  for (std::size_t i = 0; i < options_.embedding_cardinalities().size(); ++i) {
    const int64_t n = options_.embedding_cardinalities()[i];
    torch::nn::Embedding factors(n, k), weights(n, out);
    {
      torch::NoGradGuard no_grad;
      factors->weight.normal_(0, sigma);
      weights->weight.zero_();
    }
    // Named as embedding tables (a row per id), which is what they are.
    id_factors_.push_back(register_module("id_factor_embedding" + std::to_string(i), factors));
    id_weights_.push_back(register_module("id_weight_embedding" + std::to_string(i), weights));
  }
  interaction_ = register_module("interaction", torch::nn::Linear(torch::nn::LinearOptions(k, out).bias(false)));
  torch::NoGradGuard no_grad;
  interaction_->weight.fill_(1.0);
  output_->weight.zero_();
}

torch::Tensor FactorizationMachineImpl::forward(const torch::Tensor& x, const torch::Tensor& ids) {
  const int64_t n = x.size(0);
  // A table of ids alone has no dense column: a constant one stands in (a
  // feature every row has, so its weight and factor still learn and take
  // gradients; it adds a per-id linear effect the id weights also hold).
  const torch::Tensor dense = options_.input_dim() > 0 ? x : torch::ones({n, 1}, x.options());
  torch::Tensor out = fast_linear(dense, output_->weight, output_->bias);
  // Every feature's factor vector scaled by its value: [N, features, k].
  std::vector<torch::Tensor> scaled{dense.unsqueeze(-1) * dense_factors_};
  for (std::size_t i = 0; i < id_factors_.size(); ++i) {
    const torch::Tensor id = ids.select(1, static_cast<int64_t>(i));
    scaled.push_back(id_factors_[i]->forward(id).unsqueeze(1));
    out = out + id_weights_[i]->forward(id);
  }
  const torch::Tensor v = torch::cat(scaled, 1);
  const torch::Tensor pairwise = 0.5 * (v.sum(1).pow(2) - v.pow(2).sum(1));  // [N, k]
  out = out + interaction_->forward(pairwise);
  if (options_.output_activation() == "sigmoid") return torch::sigmoid(out);
  if (options_.output_activation() == "softmax") return torch::softmax(out, 1);
  return out;
}

}  // namespace nnrecipe
