#include <fmt/format.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "file_input.h"
#include "nnrecipe/error.h"
#include "nnrecipe/idx.h"

namespace nnrecipe {
namespace {

constexpr uint8_t kUnsignedByte = 0x08;
// Bound on the declared size: keeps the product of the dimensions from
// overflowing, and names a damaged header for what it is.
constexpr uint64_t kMaxElements = uint64_t{1} << 34;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads a whole file through zlib: gzip-compressed if `gzip`, plain otherwise.
class ByteSource {
 public:
  ByteSource(const std::string& path, bool gzip) : path_(path) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw InputError(path, "cannot open");
    if (!gzip) gzdirect(file_);
  }
  ~ByteSource() {
    if (file_) gzclose(file_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Reads exactly n bytes or throws naming what was being read; `later`
  // bytes of it are still to come after these (for the error message).
  void read_exact(uint8_t* out, std::size_t n, const char* what, uint64_t later = 0) {
    std::size_t done = 0;
    while (done < n) {
      const unsigned want = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
      const int got = gzread(file_, out + done, want);
      if (got < 0) {
        int code = 0;
        std::string msg = gzerror(file_, &code);
        if (msg.rfind(path_ + ": ", 0) == 0) msg.erase(0, path_.size() + 2);  // zlib prefixes the path
        throw InputError(path_, fmt::format("corrupt gzip data while reading {}: {}", what, msg));
      }
      if (got == 0) {
        throw InputError(path_, fmt::format("truncated IDX file: {} needs {} more bytes at byte "
                                            "offset {} of the decoded data",
                                            what, n - done + later, offset_ + done));
      }
      done += static_cast<std::size_t>(got);
    }
    offset_ += n;
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  std::size_t offset_ = 0;
};

std::string find_file(const std::string& dir, const std::string& stem) {
  for (const std::string& name : {stem, stem + ".gz"}) {
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  }
  return {};
}

ImageSet load_split(const std::string& dir, const std::string& prefix) {
  const std::string images_path = find_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_file(dir, prefix + "-labels-idx1-ubyte");
  if (images_path.empty() || labels_path.empty()) {
    throw InputError(dir, fmt::format("missing {}-images-idx3-ubyte[.gz] or "
                                      "{}-labels-idx1-ubyte[.gz]",
                                      prefix, prefix));
  }
  IdxArray images = read_idx(images_path);
  IdxArray labels = read_idx(labels_path);
  if (images.dims.size() != 3) {
    throw InputError(images_path,
                     fmt::format("expected 3 dimensions (count, rows, cols), found {}", images.dims.size()));
  }
  if (labels.dims.size() != 1) {
    throw InputError(labels_path, fmt::format("expected 1 dimension (count), found {}", labels.dims.size()));
  }
  if (images.dims[0] != labels.dims[0]) {
    throw InputError(labels_path,
                     fmt::format("{} labels for {} images in {}", labels.dims[0], images.dims[0], images_path));
  }
  ImageSet set;
  set.count = images.dims[0];
  set.rows = images.dims[1];
  set.cols = images.dims[2];
  set.pixels = std::move(images.data);
  set.labels.assign(labels.data.begin(), labels.data.end());
  return set;
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  const bool gzip = ends_with(path, ".gz");
  {
    detail::InputFile file(path);  // existence, directory and permission errors
    uint8_t magic[4] = {0, 0, 0, 0};
    const std::size_t got = file.read_at(0, reinterpret_cast<char*>(magic), 4);
    if (gzip && (got < 2 || magic[0] != 0x1f || magic[1] != 0x8b)) {
      throw InputError(path, "the name ends in .gz but the file is not gzip-compressed");
    }
    if (got == 0) throw InputError(path, "the file is empty");
  }
  ByteSource in(path, gzip);
  uint8_t header[4];
  in.read_exact(header, 4, "the magic number");
  if (header[0] != 0 || header[1] != 0) {
    throw InputError(path, fmt::format("not an IDX file: magic number {:02x}{:02x}{:02x}{:02x}, "
                                       "expected 0000 followed by type and rank",
                                       header[0], header[1], header[2], header[3]));
  }
  if (header[2] != kUnsignedByte) {
    throw InputError(path, fmt::format("IDX element type 0x{:02x} is not supported (only "
                                       "unsigned bytes, 0x08)",
                                       header[2]));
  }
  const std::size_t rank = header[3];
  if (rank == 0 || rank > 4) throw InputError(path, fmt::format("IDX rank {} is not supported", rank));
  IdxArray out;
  uint64_t total = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    uint8_t be[4];
    in.read_exact(be, 4, "the dimension sizes");
    const uint32_t n = (uint32_t{be[0]} << 24) | (uint32_t{be[1]} << 16) | (uint32_t{be[2]} << 8) | be[3];
    out.dims.push_back(n);
    total *= n;
    if (total > kMaxElements) throw InputError(path, "IDX dimensions are implausibly large");
  }
  // Grown as the bytes arrive (doubling), so that a damaged header that
  // declares gigabytes costs memory only for the bytes the file really has.
  std::size_t have = 0;
  while (have < total) {
    const std::size_t step =
        static_cast<std::size_t>(std::min<uint64_t>(total - have, std::max<std::size_t>(have, std::size_t{1} << 20)));
    out.data.resize(have + step);
    in.read_exact(out.data.data() + have, step, "the data", total - have - step);
    have += step;
  }
  return out;
}

bool is_image_directory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return !find_file(path, "train-images-idx3-ubyte").empty();
}

ImageDataset load_image_directory(const std::string& path) {
  ImageDataset ds;
  ds.directory = path;
  ds.train = load_split(path, "train");
  ds.test = load_split(path, "t10k");
  if (ds.train.rows != ds.test.rows || ds.train.cols != ds.test.cols) {
    throw InputError(path, fmt::format("train images are {}x{} but test images are {}x{}", ds.train.rows, ds.train.cols,
                                       ds.test.rows, ds.test.cols));
  }
  int64_t max_label = 0;
  for (int64_t l : ds.train.labels) max_label = std::max(max_label, l);
  for (int64_t l : ds.test.labels) max_label = std::max(max_label, l);
  ds.classes = static_cast<std::size_t>(max_label + 1);
  return ds;
}

}  // namespace nnrecipe
