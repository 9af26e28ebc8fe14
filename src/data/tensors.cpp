#include "nnrecipe/tensors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <stdexcept>

namespace nnrecipe {

TensorData to_tensors(const EncodedData& data) {
  const auto rows = static_cast<int64_t>(data.rows);
  TensorData out;
  // from_blob views the vector; clone() gives the tensor its own storage.
  out.x = torch::from_blob(const_cast<float*>(data.dense.data()), {rows, static_cast<int64_t>(data.dense_cols)},
                           torch::kFloat32)
              .clone();
  if (data.id_cols > 0) {
    out.ids = torch::from_blob(const_cast<int64_t*>(data.ids.data()), {rows, static_cast<int64_t>(data.id_cols)},
                               torch::kInt64)
                  .clone();
  }
  if (!data.labels.empty()) {
    out.y = torch::from_blob(const_cast<int64_t*>(data.labels.data()), {rows}, torch::kInt64).clone();
  } else if (!data.target.empty()) {
    out.y = torch::from_blob(const_cast<float*>(data.target.data()), {rows, 1}, torch::kFloat32).clone();
  }
  return out;
}

ImageNormalization ImageNormalization::fit(const ImageSet& train) {
  double sum = 0.0, sq = 0.0;
  for (uint8_t p : train.pixels) {
    const double v = p / 255.0;
    sum += v;
    sq += v * v;
  }
  const double n = static_cast<double>(train.pixels.size());
  ImageNormalization norm;
  if (n == 0) return norm;
  norm.mean = sum / n;
  const double var = sq / n - norm.mean * norm.mean;
  norm.std = var > 0 ? std::sqrt(var) : 1.0;
  return norm;
}

TensorData to_tensors(const ImageSet& images, const ImageNormalization& norm) {
  const auto n = static_cast<int64_t>(images.count);
  TensorData out;
  out.x = torch::from_blob(const_cast<uint8_t*>(images.pixels.data()),
                           {n, 1, static_cast<int64_t>(images.rows), static_cast<int64_t>(images.cols)}, torch::kUInt8)
              .to(torch::kFloat32)
              .div_(255.0)
              .sub_(norm.mean)
              .div_(norm.std);
  out.y = torch::from_blob(const_cast<int64_t*>(images.labels.data()), {n}, torch::kInt64).clone();
  return out;
}

BatchIterator::BatchIterator(const TensorData& data, int64_t batch_size, bool shuffle, uint64_t seed, bool drop_last)
    : data_(data), batch_size_(batch_size), shuffle_(shuffle), seed_(seed), drop_last_(drop_last) {
  if (batch_size <= 0) throw std::invalid_argument("BatchIterator: batch_size must be positive");
  start_epoch(0);
}

void BatchIterator::start_epoch(uint64_t epoch) {
  position_ = 0;
  const int64_t n = data_.size();
  if (!shuffle_) {
    order_ = torch::arange(n, torch::kInt64);
    return;
  }
  // One generator per (seed, epoch): the order of epoch k does not depend on
  // how many epochs ran before it (resume gives the same batches).
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed_ * 1000003ULL + epoch);
  order_ = torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kInt64));
}

int64_t BatchIterator::batches_per_epoch() const {
  const int64_t n = data_.size();
  return drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

bool BatchIterator::next(Batch& batch) {
  const int64_t n = data_.size();
  const int64_t remaining = n - position_;
  if (remaining <= 0 || (drop_last_ && remaining < batch_size_)) return false;
  const int64_t take = std::min(batch_size_, remaining);
  batch.index = order_.narrow(0, position_, take);
  position_ += take;
  // index_select gathers just these rows; the split itself is never copied.
  batch.x = data_.x.index_select(0, batch.index);
  batch.ids = data_.ids.defined() ? data_.ids.index_select(0, batch.index) : torch::Tensor();
  batch.y = data_.y.defined() ? data_.y.index_select(0, batch.index) : torch::Tensor();
  return true;
}

}  // namespace nnrecipe
