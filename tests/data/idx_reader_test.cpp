#include <set>

#include "nnrecipe/data_source.h"
#include "nnrecipe/error.h"
#include "nnrecipe/idx.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

// Debian's dataset-fashion-mnist (installed by scripts/install-deps.sh).
TEST(IdxReader, FashionMnistLoadsAs60000Plus10000) {
  if (!exists(fashion_mnist_dir())) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  const DataSource source = load_data(fashion_mnist_dir());
  ASSERT_TRUE(std::holds_alternative<ImageDataset>(source));
  const ImageDataset& ds = std::get<ImageDataset>(source);
  EXPECT_EQ(ds.train.count, 60000u);
  EXPECT_EQ(ds.test.count, 10000u);
  EXPECT_EQ(ds.train.rows, 28u);
  EXPECT_EQ(ds.train.cols, 28u);
  EXPECT_EQ(ds.train.pixels.size(), 60000u * 28 * 28);
  EXPECT_EQ(ds.classes, 10u);
  std::vector<int> per_class(10, 0);
  for (int64_t l : ds.train.labels) ++per_class[static_cast<std::size_t>(l)];
  for (int n : per_class) EXPECT_EQ(n, 6000);  // Fashion-MNIST is balanced
  // Not a blank image: real pixel data came through the decompression.
  const uint8_t* first = ds.train.image(0);
  EXPECT_GT(*std::max_element(first, first + 28 * 28), 100);
}

TEST(IdxReader, GzippedAndPlainFilesReadTheSame) {
  const ImageDataset gz = load_image_directory(test_data("good/idx_tiny_gz"));
  const ImageDataset plain = load_image_directory(test_data("good/idx_tiny_plain"));
  EXPECT_EQ(gz.train.count, 12u);
  EXPECT_EQ(gz.test.count, 6u);
  EXPECT_EQ(gz.train.rows, 4u);
  EXPECT_EQ(gz.classes, 3u);
  EXPECT_EQ(gz.train.pixels, plain.train.pixels);
  EXPECT_EQ(gz.test.labels, plain.test.labels);
  EXPECT_EQ(gz.train.pixels[17], (0 + 1 * 7 + 1) % 256);  // image 1, pixel 1 (see make_fixtures.py)
}

TEST(IdxReader, TruncatedFileIsAnErrorNamingTheFile) {
  try {
    read_idx(test_data("bad/idx_truncated/train-images-idx3-ubyte.gz"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    EXPECT_NE(e.file().find("idx_truncated"), std::string::npos);
  }
}

TEST(DataSource, CsvFileGivesATable) {
  const DataSource source = load_data(test_data("good/bom_crlf.csv"));
  EXPECT_TRUE(std::holds_alternative<Table>(source));
}

}  // namespace
}  // namespace nnrecipe::test
