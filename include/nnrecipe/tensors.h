#pragma once
/// @file
/// @brief Transformed data as torch tensors, and a seeded batch iterator.
///
/// The iterator reshuffles each epoch from the seed and gathers only the rows
/// of the current batch.
///
/// @code
/// const nnrecipe::TensorData train = nnrecipe::to_tensors(splits.train);  // EncodedData (transforms.h)
/// nnrecipe::BatchIterator batches(train, /*batch_size=*/64, /*shuffle=*/true, /*seed=*/0);
/// nnrecipe::Batch batch;
/// for (uint64_t epoch = 0; epoch < 10; ++epoch) {
///   batches.start_epoch(epoch);
///   while (batches.next(batch)) step(net->forward(batch.x, batch.ids), batch.y);
/// }
/// @endcode
#include <torch/types.h>

#include <cstddef>
#include <cstdint>

#include "nnrecipe/idx.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

/// Features and targets of one split.
///  x:   float [N, D] (tabular) or [N, 1, H, W] (images)
///  ids: int64 [N, E] embedding ids, undefined when E == 0
///  y:   int64 [N] class indices, or float [N, 1] standardized regression target
struct TensorData {
  torch::Tensor x;
  torch::Tensor ids;
  torch::Tensor y;
  int64_t size() const { return x.defined() ? x.size(0) : 0; }
};

TensorData to_tensors(const EncodedData& data);

TensorData to_tensors(const ImageSet& images, const ImageNormalization& norm);

struct Batch {
  torch::Tensor x, ids, y;
  torch::Tensor index;  ///< the rows of the split in this batch
};

class BatchIterator {
 public:
  /// Batches of `batch_size` rows; with `shuffle`, a new permutation per
  /// epoch drawn from (seed, epoch), so runs repeat exactly.
  BatchIterator(const TensorData& data, int64_t batch_size, bool shuffle, uint64_t seed, bool drop_last = false);

  /// Starts epoch `epoch` (0-based): resets the position and draws its order.
  void start_epoch(uint64_t epoch);
  /// Fills `batch` with the next batch; false at the end of the epoch.
  bool next(Batch& batch);
  int64_t batches_per_epoch() const;

 private:
  const TensorData& data_;
  int64_t batch_size_;
  bool shuffle_;
  uint64_t seed_;
  bool drop_last_;
  torch::Tensor order_;
  int64_t position_ = 0;
};

}  // namespace nnrecipe
