#pragma once
/// @file
/// @brief Networks: linear and MLP for tables (with embeddings), a small CNN for images.
///
/// Linear and MLP for tables (with embeddings for high-cardinality
/// categoricals), a small CNN for images. They follow LibTorch's idioms: an
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
};

class TabularNetImpl : public NetworkImpl {
 public:
  explicit TabularNetImpl(TabularNetOptions options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& ids) override;
  torch::nn::Linear output_layer() override { return output_; }
  const TabularNetOptions& options() const { return options_; }

  /// Embedding width for a vocabulary of n: fastai's rule min(600, 1.6 n^0.56), capped at 32.
  static int64_t embedding_dim(int64_t cardinality);

 private:
  TabularNetOptions options_;
  std::vector<torch::nn::Embedding> embeddings_;
  torch::nn::Sequential body_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(TabularNet);

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

/// Builds the configured network (model.type linear | mlp | cnn).
Network build_network(const ModelConfig& config, const ModelShape& shape);

/// Sets the output bias to the prior: log(p/(1-p)) for binary, log class
/// frequencies for multiclass, `target_mean` for regression (0 for a
/// standardized target). `class_counts` are training counts per class.
void init_output_bias(NetworkImpl& net, const ModelShape& shape, const std::vector<int64_t>& class_counts,
                      double target_mean = 0.0);

/// Trainable parameter count.
int64_t count_parameters(const torch::nn::Module& module);

}  // namespace nnrecipe
