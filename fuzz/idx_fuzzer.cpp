// The IDX reader (MNIST / Fashion-MNIST files) on arbitrary bytes, plain or
// gzipped. The first byte picks the form: the bytes as a plain .idx file,
// the bytes as a .gz file (mostly not gzip: the error path), or the bytes
// gzip-compressed here so that the header and pixels behind valid gzip are
// fuzzed too. A decoded array must hold exactly the product of its dims.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <numeric>

#include "fuzz_support.h"
#include "nnrecipe/error.h"
#include "nnrecipe/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int form = data[0] % 3;
  const std::string path = nnrecipe::fuzz::scratch_path(form == 0 ? ".idx" : ".idx.gz");
  if (form == 2) {
    gzFile gz = gzopen(path.c_str(), "wb");
    if (gz == nullptr) __builtin_trap();
    if (size > 1) gzwrite(gz, data + 1, static_cast<unsigned>(size - 1));
    gzclose(gz);
  } else {
    nnrecipe::fuzz::write_file(path, data + 1, size - 1);
  }
  try {
    const nnrecipe::IdxArray a = nnrecipe::read_idx(path);
    const std::size_t cells =
        std::accumulate(a.dims.begin(), a.dims.end(), std::size_t{1}, std::multiplies<std::size_t>());
    nnrecipe::fuzz::require(!a.dims.empty() && a.data.size() == cells);
  } catch (const nnrecipe::InputError&) {
  }
  std::remove(path.c_str());
  return 0;
}
