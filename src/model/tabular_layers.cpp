#include <torch/torch.h>

#include <cmath>
#include <stdexcept>

#include "nnrecipe/fast_linear.h"
#include "nnrecipe/tabular_layers.h"

namespace nnrecipe {
namespace {

constexpr double kPi = 3.14159265358979323846;
/// Rows read to place the bin edges: quantiles of 100,000 rows are within
/// about 0.3% of the full column's.
constexpr int64_t kMaxBinRows = 100000;

torch::Tensor index_tensor(const std::vector<int64_t>& v) {
  return torch::tensor(v.empty() ? std::vector<int64_t>{} : v, torch::kInt64);
}

/// Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), torch::nn::Linear's initialization.
torch::Tensor linear_init(std::vector<int64_t> shape, int64_t fan_in) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(fan_in, 1)));
  return torch::empty(shape).uniform_(-bound, bound);
}

}  // namespace

NumericEmbeddingImpl::NumericEmbeddingImpl(NumericEmbeddingOptions options) : options_(std::move(options)) {
  const std::string& kind = options_.kind();
  if (kind != "periodic" && kind != "piecewise_linear") {
    throw std::invalid_argument("unknown numeric embedding '" + kind + "'");
  }
  std::vector<int64_t> others;
  std::vector<bool> numeric(static_cast<std::size_t>(options_.input_dim()), false);
  for (int64_t c : options_.columns()) {
    if (c < 0 || c >= options_.input_dim()) throw std::invalid_argument("numeric embedding: column out of range");
    numeric[static_cast<std::size_t>(c)] = true;
  }
  for (int64_t c = 0; c < options_.input_dim(); ++c) {
    if (!numeric[static_cast<std::size_t>(c)]) others.push_back(c);
  }
  numeric_index_ = register_buffer("numeric_index", index_tensor(options_.columns()));
  other_index_ = register_buffer("other_index", index_tensor(others));
  const auto features = static_cast<int64_t>(options_.columns().size());
  const bool periodic = kind == "periodic";
  dim_ = options_.embedding_dim();
  const int64_t in = options_.layer_inputs();
  if (periodic) {
    // N(0, sigma) truncated at 3 sigma, as the authors' implementation does.
    const double sigma = options_.frequency_scale();
    frequencies_ = register_parameter(
        "frequencies",
        torch::empty({features, options_.frequencies()}).normal_(0, sigma).clamp_(-3 * sigma, 3 * sigma));
  } else {
    // Until fit_bins: edges at evenly spaced points of the soft-clipped
    // range (-3, 3) of a standardized column.
    edges_ = register_buffer("edges", torch::linspace(-3, 3, options_.bins() + 1).repeat({features, 1}));
    scalar_weight_ = register_parameter("scalar_weight", linear_init({features, dim_}, 1));
  }
  weight_ = register_parameter("weight", linear_init({features, in, dim_}, in));
  bias_ = register_parameter("bias", linear_init({features, dim_}, in));
}

int64_t NumericEmbeddingImpl::output_dim() const {
  return static_cast<int64_t>(options_.columns().size()) * dim_ + other_index_.size(0);
}

void NumericEmbeddingImpl::fit_bins(const torch::Tensor& train_x) {
  if (options_.kind() != "piecewise_linear" || numeric_index_.numel() == 0 || train_x.size(0) == 0) return;
  torch::NoGradGuard no_grad;
  torch::Tensor x = train_x.index_select(1, numeric_index_.to(train_x.device())).to(torch::kFloat64).cpu();
  if (x.size(0) > kMaxBinRows) x = x.narrow(0, 0, kMaxBinRows);
  const torch::Tensor q = torch::linspace(0, 1, options_.bins() + 1, torch::kFloat64);
  // Column by column (torch::quantile takes at most 2^24 values at once);
  // quantiles come sorted, and ties give empty bins.
  for (int64_t f = 0; f < x.size(1); ++f) edges_[f].copy_(torch::quantile(x.select(1, f), q).to(edges_.dtype()));
}

torch::Tensor NumericEmbeddingImpl::forward(const torch::Tensor& x) {
  const int64_t n = x.size(0);
  const torch::Tensor others = x.index_select(1, other_index_);
  if (numeric_index_.numel() == 0) return others;
  const torch::Tensor xn = x.index_select(1, numeric_index_);  // [N, F]
  torch::Tensor features;
  if (options_.kind() == "periodic") {
    const torch::Tensor z = 2 * kPi * xn.unsqueeze(-1) * frequencies_;  // [N, F, K]
    features = torch::cat({torch::cos(z), torch::sin(z)}, -1);          // [N, F, 2K]
  } else {
    const torch::Tensor lo = edges_.narrow(1, 0, options_.bins());  // [F, B]
    const torch::Tensor width = edges_.narrow(1, 1, options_.bins()) - lo;
    const torch::Tensor filled = (width > 0).to(x.dtype());
    // Bin t's coordinate: 0 below it, 1 above it, linear across it; an
    // empty bin (tied quantiles) is 0 everywhere.
    features = ((xn.unsqueeze(-1) - lo) / width.clamp_min(1e-12)).clamp(0, 1) * filled;  // [N, F, B]
  }
  // One linear layer per column: [N, F, in] x [F, in, d] -> [N, F, d].
  torch::Tensor e = torch::einsum("nfi,fid->nfd", {features, weight_}) + bias_;
  if (options_.kind() == "periodic") {
    e = torch::relu(e);
  } else {
    e = e + xn.unsqueeze(-1) * scalar_weight_;
  }
  return torch::cat({e.reshape({n, -1}), others}, 1);
}

BatchEnsembleAdaptersImpl::BatchEnsembleAdaptersImpl(int64_t members, int64_t in, int64_t out, bool random_signs) {
  torch::Tensor r = torch::ones({members, in});
  if (random_signs) r = torch::randint(0, 2, {members, in}).to(torch::kFloat32) * 2 - 1;
  r_ = register_parameter("r", r);
  s_ = register_parameter("s", torch::ones({members, out}));
  c_ = register_parameter("c", torch::zeros({members, out}));
}

torch::Tensor BatchEnsembleAdaptersImpl::apply(const torch::Tensor& x, const torch::nn::Linear& shared) {
  const int64_t n = x.size(0), k = x.size(1);
  const torch::Tensor h = fast_linear((x * r_).reshape({n * k, x.size(2)}), shared->weight, shared->bias);
  return h.view({n, k, -1}) * s_ + c_;
}

}  // namespace nnrecipe
