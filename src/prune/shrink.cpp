// Structured pruning: a smaller dense network that keeps, in every hidden
// layer, the units (MLP) or channels (CNN) with the largest L1 norm of
// incoming weights, with their parameters and batch-norm statistics copied.
// Works on the parameter names of TabularNet ("body.I.*") and ConvNet
// ("features.I.*"): both keep the same layer order at any width.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/error.h"
#include "nnrecipe/prune.h"

namespace nnrecipe {
namespace {

using Named = torch::OrderedDict<std::string, torch::Tensor>;

const torch::Tensor* find(const Named& d, const std::string& key) { return d.find(key); }

void copy_into(Named& to, const std::string& key, const torch::Tensor& value) {
  torch::Tensor* target = to.find(key);
  if (!target || target->sizes() != value.sizes()) {
    throw std::logic_error(fmt::format("shrink_network: no matching parameter {} in the smaller network", key));
  }
  target->copy_(value);
}

}  // namespace

Network shrink_network(NetworkImpl& net, ModelConfig& model, const ModelShape& shape, double fraction) {
  if (model.type != "mlp" && model.type != "cnn") {
    throw InputError(fmt::format(
        "structured pruning removes the hidden units of an mlp or the channels of a cnn; model.type {} is neither "
        "(magnitude pruning, without --structured, takes any network)",
        model.type));
  }
  for (int64_t& width : model.hidden) {
    width = std::max<int64_t>(1, std::llround((1 - fraction) * static_cast<double>(width)));
  }
  Network small = build_network(model, shape);
  torch::NoGradGuard no_grad;
  const Named old_p = net.named_parameters(), old_b = net.named_buffers();
  Named new_p = small->named_parameters(), new_b = small->named_buffers();
  const std::string container = model.type == "cnn" ? "features" : "body";

  // The last layer index with parameters; layers without (activations,
  // dropout, pooling) are passed over.
  int64_t last = -1;
  for (const auto& p : old_p) {
    if (p.key().rfind(container + ".", 0) == 0)
      last = std::max<int64_t>(last, std::stoll(p.key().substr(container.size() + 1)));
  }
  torch::Tensor kept;  // indices of the previous layer's units kept; undefined = all inputs
  for (int64_t i = 0; i <= last; ++i) {
    const std::string prefix = fmt::format("{}.{}.", container, i);
    const torch::Tensor* w = find(old_p, prefix + "weight");
    if (!w && !find(old_b, prefix + "running_mean")) continue;
    if (w && w->dim() >= 2) {  // linear or conv: choose its kept units
      const int64_t keep = find(new_p, prefix + "weight")->size(0);
      const torch::Tensor score = w->abs().flatten(1).sum(1);
      const torch::Tensor units = std::get<0>(std::get<1>(score.topk(keep)).sort());
      torch::Tensor nw = w->index_select(0, units);
      if (kept.defined()) nw = nw.index_select(1, kept);
      copy_into(new_p, prefix + "weight", nw);
      if (const torch::Tensor* b = find(old_p, prefix + "bias"))
        copy_into(new_p, prefix + "bias", b->index_select(0, units));
      kept = units;
      continue;
    }
    // Batch norm after it: the kept units' scale, shift and statistics.
    for (const char* name : {"weight", "bias"}) {
      if (const torch::Tensor* t = find(old_p, prefix + name))
        copy_into(new_p, prefix + name, t->index_select(0, kept));
    }
    for (const char* name : {"running_mean", "running_var"}) {
      if (const torch::Tensor* t = find(old_b, prefix + name))
        copy_into(new_b, prefix + name, t->index_select(0, kept));
    }
    if (const torch::Tensor* t = find(old_b, prefix + "num_batches_tracked"))
      copy_into(new_b, prefix + "num_batches_tracked", *t);
  }
  torch::Tensor out_w = *find(old_p, "output.weight");
  if (kept.defined()) out_w = out_w.index_select(1, kept);
  copy_into(new_p, "output.weight", out_w);
  copy_into(new_p, "output.bias", *find(old_p, "output.bias"));
  // Embedding tables, and a numeric embedding (before the first hidden
  // layer, which keeps all its inputs), as they are.
  for (const auto& p : old_p) {
    if (p.key().rfind("embedding", 0) == 0 || p.key().rfind("numeric_embedding.", 0) == 0)
      copy_into(new_p, p.key(), p.value());
  }
  for (const auto& b : old_b) {
    if (b.key().rfind("numeric_embedding.", 0) == 0) copy_into(new_b, b.key(), b.value());
  }
  return small;
}

}  // namespace nnrecipe
