#pragma once
/// @file
/// @brief Building blocks of the tabular networks: numeric feature embeddings and BatchEnsemble adapters.
///
/// NumericEmbedding turns each numeric column into a small vector before the
/// MLP sees it (Gorishniy, Rubachev, Babenko, "On Embeddings for Numerical
/// Features in Tabular Deep Learning", NeurIPS 2022): `periodic` is their
/// PLR (sin/cos of learned frequencies, a per-feature linear layer, ReLU);
/// `piecewise_linear` is their PLE with quantile bins (one coordinate per
/// bin that rises from 0 to 1 across it, then a per-feature linear layer).
/// Columns that are not numeric (one-hot, missing indicators) pass through.
///
/// BatchEnsembleAdapters hold the per-member parts of a BatchEnsemble layer
/// (Wen, Tran, Ba, ICLR 2020) as TabM uses them (Gorishniy, Kotelnikov,
/// Babenko, ICLR 2025): k members share one weight matrix W; member j computes
/// ((x * r_j) W^T + b) * s_j + c_j.
///
/// @code
/// // Columns 0 and 2 of a 3-column input are numeric; column 1 is one-hot.
/// nnrecipe::NumericEmbedding emb(nnrecipe::NumericEmbeddingOptions("piecewise_linear", {0, 2}, 3));
/// emb->fit_bins(train_x);                                     // quantile edges from the training rows
/// const torch::Tensor h = emb->forward(torch::randn({8, 3}));  // [8, 2 * 16 + 1]
///
/// nnrecipe::BatchEnsembleAdapters adapters(/*members=*/32, /*in=*/64, /*out=*/64, /*random_signs=*/true);
/// torch::nn::Linear shared(64, 64);
/// const torch::Tensor y = adapters->apply(torch::randn({8, 32, 64}), shared);  // [8, 32, 64]
/// @endcode
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnrecipe {

struct NumericEmbeddingOptions {
  NumericEmbeddingOptions(std::string kind, std::vector<int64_t> columns, int64_t input_dim)
      : kind_(std::move(kind)), columns_(std::move(columns)), input_dim_(input_dim) {}
  /// periodic | piecewise_linear
  TORCH_ARG(std::string, kind);
  /// Input columns that are numeric (embedded); the others pass through.
  TORCH_ARG(std::vector<int64_t>, columns);
  TORCH_ARG(int64_t, input_dim);
  /// Width of each column's embedding; 0 = the kind's default (periodic 24,
  /// piecewise_linear 16: the defaults of the authors' rtdl_num_embeddings).
  TORCH_ARG(int64_t, dim) = 0;
  /// periodic: frequencies per column and the std of their N(0, sigma)
  /// initialization (the paper's k = 48 and its recommended sigma = 0.01).
  TORCH_ARG(int64_t, frequencies) = 48;
  TORCH_ARG(double, frequency_scale) = 0.01;
  /// piecewise_linear: bins per column (quantiles of the training rows).
  TORCH_ARG(int64_t, bins) = 48;

 public:  // TORCH_ARG leaves the members private
  /// The width of each column's embedding (dim, or the kind's default).
  int64_t embedding_dim() const { return dim_ > 0 ? dim_ : (kind_ == "periodic" ? 24 : 16); }
  /// Inputs of each column's linear layer: 2 x frequencies (cos, sin) or bins.
  int64_t layer_inputs() const { return kind_ == "periodic" ? 2 * frequencies_ : bins_; }
};

class NumericEmbeddingImpl : public torch::nn::Module {
 public:
  explicit NumericEmbeddingImpl(NumericEmbeddingOptions options);
  /// [N, input_dim] -> [N, output_dim()]: the embedded numeric columns, then the others.
  torch::Tensor forward(const torch::Tensor& x);
  int64_t output_dim() const;
  /// piecewise_linear: sets the bin edges to quantiles of each numeric
  /// column over `train_x` (at most 100,000 rows are read). A column with
  /// few distinct values gets empty bins, which contribute nothing. The
  /// edges are a buffer: saved and loaded with the weights.
  void fit_bins(const torch::Tensor& train_x);
  const NumericEmbeddingOptions& options() const { return options_; }

 private:
  NumericEmbeddingOptions options_;
  int64_t dim_ = 0;
  torch::Tensor numeric_index_, other_index_;  // buffers
  torch::Tensor frequencies_;                  // periodic: [F, K]
  torch::Tensor edges_;                        // piecewise_linear: buffer [F, bins + 1]
  torch::Tensor scalar_weight_;                // piecewise_linear: [F, dim], the linear term in x
  torch::Tensor weight_, bias_;                // per-column linear layer: [F, in, dim], [F, dim]
};
TORCH_MODULE(NumericEmbedding);

/// The per-member parameters of a BatchEnsemble layer around a shared
/// torch::nn::Linear: r [k, in], s [k, out], c [k, out].
class BatchEnsembleAdaptersImpl : public torch::nn::Module {
 public:
  /// r starts at random signs (+1/-1) when `random_signs` (TabM does so for
  /// the first layer, so that the members differ from the first step) and
  /// at ones otherwise; s at ones; c at zeros.
  BatchEnsembleAdaptersImpl(int64_t members, int64_t in, int64_t out, bool random_signs);
  /// x [N, k, in] -> [N, k, out] through `shared` (its weight and bias).
  torch::Tensor apply(const torch::Tensor& x, const torch::nn::Linear& shared);

 private:
  torch::Tensor r_, s_, c_;
};
TORCH_MODULE(BatchEnsembleAdapters);

}  // namespace nnrecipe
