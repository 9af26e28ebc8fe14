#include "nnrecipe/lr_range_test.h"

#include <torch/torch.h>

#include "nnrecipe/error.h"
#include "nnrecipe/tensors.h"
#include "train/train_support.h"

namespace nnrecipe {

LrRangeResult lr_range_test(const Config& config, const PreparedData& data, const LrRangeTestOptions& options) {
  if (config.train.optimizer == "lbfgs") {
    throw InputError(
        "train.optimizer: the learning-rate range test sweeps a first-order optimizer's step (adam, "
        "adamw, sgd); lbfgs searches its own step length");
  }
  const std::vector<double> schedule = lr_range_schedule(options.lr_min, options.lr_max, options.steps);
  Network net = configured_network(config, data);
  const torch::Device device = resolve_device(config.train.device);
  net->to(device);
  net->train();
  const train_detail::LossFunction loss(resolved_loss(config, data.task), data.task, data.shape.classes, {});
  std::vector<torch::Tensor> params;
  for (const torch::Tensor& p : net->parameters()) {
    if (p.requires_grad()) params.push_back(p);
  }
  const auto optimizer = train_detail::make_optimizer(config, params);
  BatchIterator batches(data.train, config.train.batch_size, true,
                        static_cast<uint64_t>(config.train.seed.value_or(0)));
  uint64_t epoch = 0;
  batches.start_epoch(epoch);
  LrRangeTracker tracker;
  Batch b;
  for (double lr : schedule) {
    if (options.stop && options.stop()) break;
    if (!batches.next(b)) {
      batches.start_epoch(++epoch);
      if (!batches.next(b)) break;  // an empty training split
    }
    if (!device.is_cpu()) {
      b.x = b.x.to(device);
      if (b.ids.defined()) b.ids = b.ids.to(device);
      b.y = b.y.to(device);
    }
    train_detail::set_lr(*optimizer, lr);
    optimizer->zero_grad();
    const torch::Tensor l = train_detail::batch_loss(loss, *net, b.x, b.ids, b.y, data.task);
    const double value = l.item<double>();
    if (std::isfinite(value)) {
      l.backward();
      optimizer->step();
    }
    if (tracker.add(lr, value)) break;
  }
  return tracker.result();
}

}  // namespace nnrecipe
