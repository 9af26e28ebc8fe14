// The prior baseline: what a model that ignores the features predicts.
#include <stdexcept>

#include "nnrecipe/baselines.h"

namespace nnrecipe {

PriorBaseline PriorBaseline::fit(const EncodedData& train, const FittedTransform& ft) {
  if (!ft.target()) throw std::invalid_argument("PriorBaseline: the transform has no target");
  if (train.rows == 0) throw std::invalid_argument("PriorBaseline: empty training split");
  PriorBaseline b;
  b.task_ = ft.target()->task;
  if (b.task_ == Task::Regression) {
    if (train.target.size() != train.rows) throw std::invalid_argument("PriorBaseline: no regression target");
    // Each row mapped back, then averaged: the training mean in original
    // units also under a log target (whose mean mapped back would be the
    // geometric mean, a worse constant for squared error).
    double sum = 0.0;
    for (float z : train.target) sum += ft.inverse_target(z);
    b.mean_ = sum / static_cast<double>(train.rows);
    return b;
  }
  const std::size_t classes = ft.target()->classes.size();
  if (train.labels.size() != train.rows) throw std::invalid_argument("PriorBaseline: no class labels");
  std::vector<std::size_t> counts(classes, 0);
  for (int64_t y : train.labels) {
    if (y < 0 || static_cast<std::size_t>(y) >= classes) {
      throw std::invalid_argument("PriorBaseline: label " + std::to_string(y) + " outside the classes");
    }
    ++counts[static_cast<std::size_t>(y)];
  }
  b.shares_.resize(classes);
  for (std::size_t k = 0; k < classes; ++k) {
    b.shares_[k] = static_cast<double>(counts[k]) / static_cast<double>(train.rows);
  }
  return b;
}

Predictions PriorBaseline::predict(const EncodedData& data) const {
  Predictions p;
  p.task = task_;
  p.rows = data.rows;
  if (task_ == Task::Regression) {
    p.values.assign(data.rows, mean_);
    return p;
  }
  p.classes = shares_.size();
  p.probs.reserve(data.rows * p.classes);
  for (std::size_t i = 0; i < data.rows; ++i) p.probs.insert(p.probs.end(), shares_.begin(), shares_.end());
  return p;
}

}  // namespace nnrecipe
