#pragma once
/// @file
/// @brief IDX files (the MNIST / Fashion-MNIST format) and image dataset directories.
///
/// IDX files are read gzipped or not; an image dataset directory is laid out as
/// Debian's dataset-fashion-mnist installs it: train-images-idx3-ubyte[.gz],
/// train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],
/// t10k-labels-idx1-ubyte[.gz].
///
/// @code
/// const std::string dir = "/usr/share/datasets/fashion-mnist";
/// if (nnrecipe::is_image_directory(dir)) {
///   const nnrecipe::ImageDataset data = nnrecipe::load_image_directory(dir);
///   const uint8_t* pixels = data.train.image(0);  // data.train.rows x data.train.cols, row-major
///   std::cout << data.classes << " classes, first label " << data.train.labels[0] << "\n";
/// }
/// @endcode
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nnrecipe {

/// One split of an image dataset: `count` images of rows x cols uint8 pixels
/// (row-major, one channel), with one label per image.
struct ImageSet {
  std::size_t count = 0;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<uint8_t> pixels;  ///< count * rows * cols
  std::vector<int64_t> labels;  ///< count

  const uint8_t* image(std::size_t i) const { return pixels.data() + i * rows * cols; }
};

struct ImageDataset {
  std::string directory;
  ImageSet train;
  ImageSet test;
  std::size_t classes = 0;  ///< max label + 1
};

/// The decoded content of one IDX file.
struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<uint8_t> data;  ///< unsigned bytes (type code 0x08)
};

/// Reads an IDX file of unsigned bytes; a name ending in ".gz" must be gzip.
/// Throws InputError on a wrong magic, a wrong type, or a truncated file.
IdxArray read_idx(const std::string& path);

/// True if `path` is a directory holding the four IDX files.
bool is_image_directory(const std::string& path);

/// Loads the four IDX files of an image dataset directory and checks that
/// images and labels agree.
ImageDataset load_image_directory(const std::string& path);

}  // namespace nnrecipe
