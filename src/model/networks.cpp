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
  if (options_.members() < 1) throw std::invalid_argument("a network needs at least one member");
  int64_t width = options_.input_dim();
  // A table without numeric columns has nothing to embed (the module would
  // hold parameters no input reaches).
  if (options_.numeric_embedding() != "none" && !options_.numeric_columns().empty()) {
    numeric_embedding_ = register_module(
        "numeric_embedding",
        NumericEmbedding(NumericEmbeddingOptions(options_.numeric_embedding(), options_.numeric_columns(), width)));
    width = numeric_embedding_->output_dim();
  }
  for (std::size_t i = 0; i < options_.embedding_cardinalities().size(); ++i) {
    const int64_t n = options_.embedding_cardinalities()[i];
    embeddings_.push_back(register_module("embedding" + std::to_string(i), torch::nn::Embedding(n, embedding_dim(n))));
    width += embedding_dim(n);
  }
  const int64_t k = options_.members();
  body_ = register_module("body", torch::nn::Sequential());
  for (int64_t h : options_.hidden()) {
    torch::nn::Linear linear(width, h);
    if (options_.hidden_bias()) {
      torch::NoGradGuard no_grad;
      linear->bias.fill_(*options_.hidden_bias());
    }
    body_->push_back(linear);
    if (k > 1) {
      // TabM: the first layer's r at random signs, so the members differ
      // from the first step; the rest start as the shared layer itself.
      adapters_.push_back(register_module("ensemble_adapter" + std::to_string(adapters_.size()),
                                          BatchEnsembleAdapters(k, width, h, adapters_.empty())));
    }
    if (options_.batchnorm()) body_->push_back(torch::nn::BatchNorm1d(h));
    body_->push_back(activation_module(options_.activation()));
    if (options_.dropout() > 0) body_->push_back(torch::nn::Dropout(options_.dropout()));
    width = h;
  }
  output_ = register_module("output", torch::nn::Linear(width, options_.output_dim()));
  if (k > 1) {
    // Every member has its own head (TabM's k output layers), here as the
    // shared output layer with adapters, so the prior still sits in one bias.
    adapters_.push_back(register_module("ensemble_adapter" + std::to_string(adapters_.size()),
                                        BatchEnsembleAdapters(k, width, options_.output_dim(), adapters_.empty())));
  }
}

void TabularNetImpl::fit_numeric_bins(const torch::Tensor& train_x) {
  if (numeric_embedding_) numeric_embedding_->fit_bins(train_x);
}

torch::Tensor TabularNetImpl::input(const torch::Tensor& x, const torch::Tensor& ids) {
  torch::Tensor h = numeric_embedding_ ? numeric_embedding_->forward(x) : x;
  if (!embeddings_.empty()) {
    std::vector<torch::Tensor> parts{h};
    for (std::size_t i = 0; i < embeddings_.size(); ++i) {
      parts.push_back(embeddings_[i]->forward(ids.select(1, static_cast<int64_t>(i))));
    }
    h = torch::cat(parts, 1);
  }
  return h;
}

namespace {

/// The body's layers on h, one implementation for both paths: `linear`
/// runs the i-th Linear layer (plain, or through a member's adapters);
/// every other layer runs as it is, and the activation observer sees each
/// activation's input.
template <typename LinearFn>
torch::Tensor run_body(torch::nn::Sequential& body, torch::Tensor h, const ActivationObserver& observer,
                       const std::string& activation, LinearFn&& linear) {
  std::size_t linears = 0;
  for (std::size_t i = 0; i < body->size(); ++i) {
    auto& layer = *(body->begin() + static_cast<std::ptrdiff_t>(i));
    if (const auto l = std::dynamic_pointer_cast<torch::nn::LinearImpl>(layer.ptr())) {
      h = linear(h, l, linears++);
      continue;
    }
    if (observer && is_activation(*layer.ptr())) observer("body." + std::to_string(i), activation, h);
    h = layer.forward(h);
  }
  return h;
}

}  // namespace

torch::Tensor TabularNetImpl::forward_members(const torch::Tensor& x, const torch::Tensor& ids) {
  const int64_t k = options_.members();
  if (k == 1) return forward(x, ids).unsqueeze(1);
  const int64_t n = x.size(0);
  // Rows are [N * k, width]: row i * k + j is member j's view of row i.
  const torch::Tensor h =
      run_body(body_, input(x, ids).unsqueeze(1).expand({n, k, -1}), observer_, options_.activation(),
               [&](const torch::Tensor& in, const std::shared_ptr<torch::nn::LinearImpl>& linear, std::size_t i) {
                 return adapters_[i]->apply(in.view({n, k, -1}), torch::nn::Linear(linear)).reshape({n * k, -1});
               });
  return adapters_.back()->apply(h.reshape({n, k, -1}), output_);
}

torch::Tensor TabularNetImpl::forward(const torch::Tensor& x, const torch::Tensor& ids) {
  if (options_.members() > 1) {
    return apply_output_activation(combine_members(forward_members(x, ids), options_.task()),
                                   options_.output_activation());
  }
  // Linear layers go through fast_linear (same math and parameters as their
  // forward(), faster GEMMs on CPU).
  const torch::Tensor h = run_body(body_, input(x, ids), observer_, options_.activation(),
                                   [](const torch::Tensor& in, const std::shared_ptr<torch::nn::LinearImpl>& linear,
                                      std::size_t) { return fast_linear(in, linear->weight, linear->bias); });
  return apply_output_activation(fast_linear(h, output_->weight, output_->bias), options_.output_activation());
}

torch::Tensor combine_members(const torch::Tensor& member_outputs, Task task) {
  const double log_k = std::log(static_cast<double>(member_outputs.size(1)));
  switch (task) {
    case Task::Regression: return member_outputs.mean(1);
    case Task::Binary:
      // logit(mean p) = log(mean p) - log(mean (1 - p)), both as log-sum-exp
      // of log-sigmoids: exact, and finite for any logits.
      return torch::logsumexp(torch::log_sigmoid(member_outputs), 1) -
             torch::logsumexp(torch::log_sigmoid(-member_outputs), 1);
    case Task::Multiclass:
      // log(mean softmax): log-probabilities, which softmax maps back to the mean.
      return torch::logsumexp(torch::log_softmax(member_outputs, 2), 1) - log_k;
  }
  return member_outputs.mean(1);
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
  if (config.type == "fm") {
    return std::make_shared<FactorizationMachineImpl>(FactorizationMachineOptions(shape.input_dim, outputs)
                                                          .embedding_cardinalities(shape.embedding_cardinalities)
                                                          .factors(config.factors)
                                                          .output_activation(config.output_activation));
  }
  const bool linear = config.type == "linear";
  return std::make_shared<TabularNetImpl>(TabularNetOptions(shape.input_dim, outputs)
                                              .embedding_cardinalities(shape.embedding_cardinalities)
                                              .hidden(linear ? std::vector<int64_t>{} : config.hidden)
                                              .activation(config.activation)
                                              .hidden_bias(config.hidden_bias_init)
                                              .dropout(config.dropout)
                                              .batchnorm(config.batchnorm)
                                              .output_activation(config.output_activation)
                                              .numeric_embedding(linear ? "none" : config.numeric_embedding)
                                              .numeric_columns(shape.numeric_columns)
                                              .members(config.type == "tabm" ? config.ensemble_size : 1)
                                              .task(shape.task));
}

void fit_to_training_rows(NetworkImpl& net, const torch::Tensor& train_x) {
  if (auto* tabular = dynamic_cast<TabularNetImpl*>(&net)) tabular->fit_numeric_bins(train_x);
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
