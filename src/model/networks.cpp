#include <torch/torch.h>

#include <cmath>
#include <stdexcept>

#include "nnrecipe/error.h"
#include "nnrecipe/fast_linear.h"
#include "nnrecipe/models.h"

namespace nnrecipe {
namespace {

torch::nn::AnyModule activation_module(const std::string& name) {
  if (name == "relu") return torch::nn::AnyModule(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
  if (name == "gelu") return torch::nn::AnyModule(torch::nn::GELU());
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  throw std::invalid_argument("unknown activation '" + name + "'");
}

bool is_activation(const torch::nn::Module& m) {
  return m.as<torch::nn::ReLUImpl>() || m.as<torch::nn::GELUImpl>() || m.as<torch::nn::TanhImpl>() ||
         m.as<torch::nn::SigmoidImpl>();
}

torch::Tensor apply_output_activation(const torch::Tensor& out, const std::string& name) {
  if (name == "sigmoid") return torch::sigmoid(out);
  if (name == "softmax") return torch::softmax(out, 1);
  return out;
}

}  // namespace

int64_t TabularNetImpl::embedding_dim(int64_t cardinality) {
  const auto d = static_cast<int64_t>(std::round(1.6 * std::pow(static_cast<double>(cardinality), 0.56)));
  return std::max<int64_t>(1, std::min<int64_t>(32, d));
}

TabularNetImpl::TabularNetImpl(TabularNetOptions options) : options_(std::move(options)) {
  int64_t width = options_.input_dim();
  for (std::size_t i = 0; i < options_.embedding_cardinalities().size(); ++i) {
    const int64_t n = options_.embedding_cardinalities()[i];
    embeddings_.push_back(register_module("embedding" + std::to_string(i), torch::nn::Embedding(n, embedding_dim(n))));
    width += embedding_dim(n);
  }
  body_ = register_module("body", torch::nn::Sequential());
  for (int64_t h : options_.hidden()) {
    torch::nn::Linear linear(width, h);
    if (options_.hidden_bias()) {
      torch::NoGradGuard no_grad;
      linear->bias.fill_(*options_.hidden_bias());
    }
    body_->push_back(linear);
    if (options_.batchnorm()) body_->push_back(torch::nn::BatchNorm1d(h));
    body_->push_back(activation_module(options_.activation()));
    if (options_.dropout() > 0) body_->push_back(torch::nn::Dropout(options_.dropout()));
    width = h;
  }
  output_ = register_module("output", torch::nn::Linear(width, options_.output_dim()));
}

torch::Tensor TabularNetImpl::forward(const torch::Tensor& x, const torch::Tensor& ids) {
  torch::Tensor h = x;
  if (!embeddings_.empty()) {
    std::vector<torch::Tensor> parts{x};
    for (std::size_t i = 0; i < embeddings_.size(); ++i) {
      parts.push_back(embeddings_[i]->forward(ids.select(1, static_cast<int64_t>(i))));
    }
    h = torch::cat(parts, 1);
  }
  // Linear layers go through fast_linear (same math and parameters as their
  // forward(), faster GEMMs on CPU); everything else runs as it is.
  for (std::size_t i = 0; i < body_->size(); ++i) {
    auto& layer = *(body_->begin() + static_cast<std::ptrdiff_t>(i));
    if (const auto* linear = layer.ptr()->as<torch::nn::LinearImpl>()) {
      h = fast_linear(h, linear->weight, linear->bias);
      continue;
    }
    if (observer_ && is_activation(*layer.ptr())) observer_("body." + std::to_string(i), options_.activation(), h);
    h = layer.forward(h);
  }
  return apply_output_activation(fast_linear(h, output_->weight, output_->bias), options_.output_activation());
}

ConvNetImpl::ConvNetImpl(ConvNetOptions options) : options_(std::move(options)) {
  features_ = register_module("features", torch::nn::Sequential());
  int64_t in = options_.in_channels();
  for (int64_t ch : options_.channels()) {
    for (int block = 0; block < 2; ++block) {
      features_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, ch, 3).padding(1).bias(false)));
      features_->push_back(torch::nn::BatchNorm2d(ch));
      features_->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
      in = ch;
    }
    features_->push_back(torch::nn::MaxPool2d(2));
  }
  dropout_ = register_module("dropout", torch::nn::Dropout(options_.dropout()));
  output_ = register_module("output", torch::nn::Linear(in, options_.output_dim()));
}

torch::Tensor ConvNetImpl::forward(const torch::Tensor& x, const torch::Tensor& /*ids*/) {
  torch::Tensor h = x;
  for (std::size_t i = 0; i < features_->size(); ++i) {
    auto& layer = *(features_->begin() + static_cast<std::ptrdiff_t>(i));
    if (observer_ && is_activation(*layer.ptr())) observer_("features." + std::to_string(i), "relu", h);
    h = layer.forward(h);
  }
  h = h.mean({2, 3});  // global average pooling
  h = dropout_->forward(h);
  return apply_output_activation(fast_linear(h, output_->weight, output_->bias), options_.output_activation());
}

int64_t output_units(const ModelShape& shape) { return shape.task == Task::Multiclass ? shape.classes : 1; }

Network build_network(const ModelConfig& config, const ModelShape& shape) {
  const int64_t outputs = output_units(shape);
  if (config.outputs != 0 && config.outputs != outputs) {  // config.output_dim says so before this
    throw InputError("model.outputs: " + std::to_string(config.outputs) + " output units, but this task needs " +
                     std::to_string(outputs));
  }
  if (config.type == "cnn") {
    if (shape.image_channels <= 0) {
      throw InputError("model.type: cnn needs image data (an IDX image directory); use mlp or linear for a table");
    }
    return std::make_shared<ConvNetImpl>(ConvNetOptions(shape.image_channels, outputs)
                                             .channels(config.hidden)
                                             .dropout(config.dropout)
                                             .output_activation(config.output_activation));
  }
  if (shape.image_channels > 0) {
    throw InputError("model.type: " + config.type + " takes a table; image data needs model.type: cnn");
  }
  return std::make_shared<TabularNetImpl>(TabularNetOptions(shape.input_dim, outputs)
                                              .embedding_cardinalities(shape.embedding_cardinalities)
                                              .hidden(config.type == "linear" ? std::vector<int64_t>{} : config.hidden)
                                              .activation(config.activation)
                                              .hidden_bias(config.hidden_bias_init)
                                              .dropout(config.dropout)
                                              .batchnorm(config.batchnorm)
                                              .output_activation(config.output_activation));
}

void init_output_bias(NetworkImpl& net, const ModelShape& shape, const std::vector<int64_t>& class_counts,
                      double target_mean) {
  torch::NoGradGuard no_grad;
  torch::Tensor bias = net.output_layer()->bias;
  if (shape.task == Task::Regression) {
    bias.fill_(target_mean);
    return;
  }
  double total = 0;
  for (int64_t n : class_counts) total += static_cast<double>(n);
  // A class absent from training would give log(0): floor its share.
  auto share = [&](std::size_t k) { return std::max(static_cast<double>(class_counts.at(k)), 0.5) / total; };
  if (shape.task == Task::Binary) {
    bias.fill_(std::log(share(1) / share(0)));
  } else {
    for (std::size_t k = 0; k < class_counts.size(); ++k) bias[static_cast<int64_t>(k)] = std::log(share(k));
  }
}

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) {
    if (p.requires_grad()) n += p.numel();
  }
  return n;
}

}  // namespace nnrecipe
