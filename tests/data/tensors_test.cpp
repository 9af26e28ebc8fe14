#include <torch/torch.h>

#include <set>

#include "nnrecipe/idx.h"
#include "nnrecipe/tensors.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

TensorData make_data(int64_t n) {
  EncodedData e;
  e.rows = static_cast<std::size_t>(n);
  e.dense_cols = 3;
  for (int64_t i = 0; i < n; ++i) {
    e.dense.insert(e.dense.end(), {static_cast<float>(i), 0.5f, -1.0f});
    e.labels.push_back(i % 2);
  }
  return to_tensors(e);
}

TEST(Tensors, ShapesAndTypes) {
  const TensorData d = make_data(10);
  EXPECT_EQ(d.x.sizes(), (std::vector<int64_t>{10, 3}));
  EXPECT_EQ(d.x.scalar_type(), torch::kFloat32);
  EXPECT_EQ(d.y.scalar_type(), torch::kInt64);
  EXPECT_FALSE(d.ids.defined());
  EXPECT_EQ(d.x[7][0].item<float>(), 7.0f);
}

TEST(BatchIterator, EachRowOncePerEpochInBatchesThatMatchTheirRows) {
  const TensorData d = make_data(103);
  BatchIterator it(d, 16, /*shuffle=*/true, /*seed=*/5);
  EXPECT_EQ(it.batches_per_epoch(), 7);
  std::multiset<int64_t> seen;
  Batch b;
  int batches = 0;
  while (it.next(b)) {
    ++batches;
    // Features, labels and index stay aligned.
    EXPECT_TRUE(torch::equal(b.x.select(1, 0).to(torch::kInt64), b.index));
    EXPECT_TRUE(torch::equal(b.y, b.index.remainder(2)));
    // The batch owns only its rows: the split is not copied per batch.
    EXPECT_EQ(b.x.numel(), b.index.numel() * 3);
    for (int64_t i = 0; i < b.index.numel(); ++i) seen.insert(b.index[i].item<int64_t>());
  }
  EXPECT_EQ(batches, 7);
  EXPECT_EQ(seen.size(), 103u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 103u);
}

TEST(BatchIterator, ShuffleIsSeededAndChangesPerEpoch) {
  const TensorData d = make_data(64);
  auto first_batch = [&](uint64_t seed, uint64_t epoch) {
    BatchIterator it(d, 64, true, seed);
    it.start_epoch(epoch);
    Batch b;
    it.next(b);
    return b.index.clone();
  };
  EXPECT_TRUE(torch::equal(first_batch(1, 0), first_batch(1, 0)));
  EXPECT_FALSE(torch::equal(first_batch(1, 0), first_batch(1, 1)));
  EXPECT_FALSE(torch::equal(first_batch(1, 0), first_batch(2, 0)));
  BatchIterator ordered(d, 64, false, 0);
  Batch b;
  ordered.next(b);
  EXPECT_TRUE(torch::equal(b.index, torch::arange(64)));
}

TEST(BatchIterator, DropLast) {
  const TensorData d = make_data(10);
  BatchIterator it(d, 4, false, 0, /*drop_last=*/true);
  EXPECT_EQ(it.batches_per_epoch(), 2);
  Batch b;
  int n = 0;
  while (it.next(b)) ++n;
  EXPECT_EQ(n, 2);
}

TEST(Tensors, ImagesAreNormalizedWithTrainingStatistics) {
  const ImageDataset ds = load_image_directory(test_data("good/idx_tiny_gz"));
  const ImageNormalization norm = ImageNormalization::fit(ds.train);
  const TensorData train = to_tensors(ds.train, norm);
  EXPECT_EQ(train.x.sizes(), (std::vector<int64_t>{12, 1, 4, 4}));
  EXPECT_NEAR(train.x.mean().item<double>(), 0.0, 1e-5);
  EXPECT_NEAR(train.x.std(/*unbiased=*/false).item<double>(), 1.0, 1e-4);
  const TensorData test = to_tensors(ds.test, norm);
  EXPECT_EQ(test.y.sizes(), (std::vector<int64_t>{6}));
  EXPECT_GT(std::abs(test.x.mean().item<double>()), 1e-3);  // not refitted on test
}

}  // namespace
}  // namespace nnrecipe::test
