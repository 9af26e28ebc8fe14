#pragma once
/// @file
/// @brief Networks: linear, MLP and TabM for tables (with embeddings), a small CNN for images.
///
/// Linear, MLP and TabM for tables (with embeddings for high-cardinality
/// categoricals and, optionally, for numeric columns), a small CNN for
/// images. TabM (Gorishniy, Kotelnikov, Babenko, ICLR 2025) is an MLP of k
/// BatchEnsemble members sharing their weights: each member is trained on its
/// own loss, and the prediction is the mean of the members' probabilities. They follow LibTorch's idioms: an
/// Options struct built with TORCH_ARG, a FooImpl module and a holder. Every
/// network returns raw outputs (logits, or the standardized target);
/// output_activation exists only so the doctor can catch it (it is a fault when
/// a logits loss follows it).
///
/// @code
/// nnrecipe::ModelShape shape;
/// shape.task = nnrecipe::Task::Binary;
/// shape.classes = 2;
/// shape.input_dim = 20;
/// const nnrecipe::Network net = nnrecipe::build_network(nnrecipe::ModelConfig{}, shape);  // an MLP [128, 128]
/// nnrecipe::init_output_bias(*net, shape, /*class_counts=*/{900, 100});  // the output bias holds the prior
/// const torch::Tensor logits = net->forward(torch::randn({8, 20}), torch::Tensor());  // [8, 1]
/// nnrecipe::TabularNet small(nnrecipe::TabularNetOptions(20, 1).hidden({64, 64}).dropout(0.1));  // directly
/// @endcode
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnrecipe/config.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/tabular_layers.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// Sees the input of each hidden activation during forward(): layer name
/// (the activation module's), activation ("relu", "gelu", "sigmoid",
/// "tanh") and the tensor. The doctor's activation monitors use it.
using ActivationObserver = std::function<void(const std::string&, const std::string&, const torch::Tensor&)>;

/// Interface the trainer drives: forward(x, ids) -> [N, outputs].
class NetworkImpl : public torch::nn::Module {
 public:
  /// x: [N, D] features or [N, C, H, W] images; ids: [N, E] embedding ids or undefined.
  virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ids) = 0;
  /// Each ensemble member's outputs, [N, members(), outputs]: what training
  /// takes the loss of (every member learns on its own loss). forward() is
  /// their combination; a network of one member returns forward() here.
  virtual torch::Tensor forward_members(const torch::Tensor& x, const torch::Tensor& ids) {
    return forward(x, ids).unsqueeze(1);
  }
  /// Members sharing this network's weights (TabM's k); 1 for the others.
  virtual int64_t members() const { return 1; }
  /// The last linear layer (its bias is set to the prior).
  virtual torch::nn::Linear output_layer() = 0;
  /// Installs (or, with an empty function, removes) the activation observer.
  void set_activation_observer(ActivationObserver observer) { observer_ = std::move(observer); }

 protected:
  ActivationObserver observer_;
};
using Network = std::shared_ptr<NetworkImpl>;

struct TabularNetOptions {
  TabularNetOptions(int64_t input_dim, int64_t output_dim) : input_dim_(input_dim), output_dim_(output_dim) {}
  TORCH_ARG(int64_t, input_dim);
  TORCH_ARG(int64_t, output_dim);
  /// Vocabulary size per embedding column (0 reserved for unseen/missing).
  TORCH_ARG(std::vector<int64_t>, embedding_cardinalities) = {};
  /// Hidden widths; empty = a linear model.
  TORCH_ARG(std::vector<int64_t>, hidden) = {};
  TORCH_ARG(std::string, activation) = "relu";
  /// Constant for the hidden layers' biases; nullopt = LibTorch's default init.
  TORCH_ARG(std::optional<double>, hidden_bias) = std::nullopt;
  TORCH_ARG(double, dropout) = 0.0;
  TORCH_ARG(bool, batchnorm) = false;
  TORCH_ARG(std::string, output_activation) = "none";
  /// none | periodic | piecewise_linear (see NumericEmbedding).
  TORCH_ARG(std::string, numeric_embedding) = "none";
  /// Dense columns that are numeric (the ones a numeric embedding embeds).
  TORCH_ARG(std::vector<int64_t>, numeric_columns) = {};
  /// BatchEnsemble members (TabM's k); 1 = a plain MLP.
  TORCH_ARG(int64_t, members) = 1;
  /// What the members' outputs are combined as: binary, multiclass
  /// (means of probabilities, returned as logits) or regression (mean).
  TORCH_ARG(Task, task) = Task::Regression;
};

class TabularNetImpl : public NetworkImpl {
 public:
  explicit TabularNetImpl(TabularNetOptions options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ids) override;
  torch::Tensor forward_members(const torch::Tensor& x, const torch::Tensor& ids) override;
  int64_t members() const override { return options_.members(); }
  torch::nn::Linear output_layer() override { return output_; }
  const TabularNetOptions& options() const { return options_; }
  /// piecewise_linear numeric embedding: places its bins on the training rows.
  void fit_numeric_bins(const torch::Tensor& train_x);

  /// Embedding width for a vocabulary of n: fastai's rule min(600, 1.6 n^0.56), capped at 32.
  static int64_t embedding_dim(int64_t cardinality);

 private:
  /// The dense input the body sees: embeddings of ids and numeric columns.
  torch::Tensor input(const torch::Tensor& x, const torch::Tensor& ids);

  TabularNetOptions options_;
  std::vector<torch::nn::Embedding> embeddings_;
  NumericEmbedding numeric_embedding_{nullptr};
  torch::nn::Sequential body_{nullptr};
  std::vector<BatchEnsembleAdapters> adapters_;  // one per body Linear, then the output's
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(TabularNet);

struct FactorizationMachineOptions {
  FactorizationMachineOptions(int64_t input_dim, int64_t output_dim) : input_dim_(input_dim), output_dim_(output_dim) {}
  TORCH_ARG(int64_t, input_dim);
  TORCH_ARG(int64_t, output_dim);
  /// Vocabulary size per id column (0 reserved for unseen/missing).
  TORCH_ARG(std::vector<int64_t>, embedding_cardinalities) = {};
  /// Width of every feature's factor vector (FM's k).
  TORCH_ARG(int64_t, factors) = 8;
  TORCH_ARG(std::string, output_activation) = "none";
};

/// A factorization machine (Rendle, ICDM 2010): a linear model over the
/// dense columns and one weight per id, plus every pairwise interaction of
/// features i, j weighted by the dot product of their factor vectors
/// <v_i, v_j> — which estimates user x item effects from pairs never seen
/// together. The pairwise sum is computed in O(features x factors) as
/// 0.5 * ((sum_i v_i x_i)^2 - sum_i (v_i x_i)^2) per factor, and those
/// factor sums go through one linear layer (a weight per factor and output:
/// with weights of one it is Rendle's FM; NFM's bi-interaction pooling, He
/// & Chua 2017, without hidden layers), so multiclass takes one FM per class.
class FactorizationMachineImpl : public NetworkImpl {
 public:
  explicit FactorizationMachineImpl(FactorizationMachineOptions options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ids) override;
  /// The linear part over the dense columns; its bias holds the prior.
  torch::nn::Linear output_layer() override { return output_; }

 private:
  FactorizationMachineOptions options_;
  torch::nn::Linear output_{nullptr};
  torch::Tensor dense_factors_;                   // [D, factors]
  std::vector<torch::nn::Embedding> id_factors_;  // per id column: [cardinality, factors]
  std::vector<torch::nn::Embedding> id_weights_;  // per id column: [cardinality, outputs]
  torch::nn::Linear interaction_{nullptr};        // factors -> outputs, no bias
};
TORCH_MODULE(FactorizationMachine);

/// The members' outputs [N, k, out] combined into one [N, out]: for
/// classification the logits of the mean of the members' probabilities
/// (TabM's mean prediction, in a form every loss and metric takes), for
/// regression the mean.
torch::Tensor combine_members(const torch::Tensor& member_outputs, Task task);

struct ConvNetOptions {
  ConvNetOptions(int64_t in_channels, int64_t output_dim) : in_channels_(in_channels), output_dim_(output_dim) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, output_dim);
  /// Channels of each stage (two conv-BN-ReLU blocks, then 2x2 max-pool).
  TORCH_ARG(std::vector<int64_t>, channels) = {32, 64, 128};
  TORCH_ARG(double, dropout) = 0.0;
  TORCH_ARG(std::string, output_activation) = "none";
};

/// Conv-BN-ReLU stages, then global average pooling and one linear layer
/// (no large dense head, as the recipe suggests).
class ConvNetImpl : public NetworkImpl {
 public:
  explicit ConvNetImpl(ConvNetOptions options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ids) override;
  torch::nn::Linear output_layer() override { return output_; }

 private:
  ConvNetOptions options_;
  torch::nn::Sequential features_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(ConvNet);

/// Output units: 1 for binary (one logit) and regression, K for multiclass.
int64_t output_units(const ModelShape& shape);

/// Builds the configured network (model.type linear | mlp | tabm | fm | cnn).
Network build_network(const ModelConfig& config, const ModelShape& shape);

/// Data-dependent initialization before training: the piecewise-linear
/// numeric embedding's bins on the training rows (nothing for the others).
void fit_to_training_rows(NetworkImpl& net, const torch::Tensor& train_x);

/// Sets the output bias to the prior: log(p/(1-p)) for binary, log class
/// frequencies for multiclass, `target_mean` for regression (0 for a
/// standardized target). `class_counts` are training counts per class.
void init_output_bias(NetworkImpl& net, const ModelShape& shape, const std::vector<int64_t>& class_counts,
                      double target_mean = 0.0);

/// Trainable parameter count.
int64_t count_parameters(const torch::nn::Module& module);

}  // namespace nnrecipe
