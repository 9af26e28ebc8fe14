#pragma once
// Opening input files with errors a user can act on: a missing file, a
// directory, a permission problem, each named with the path.
#include <cstddef>
#include <cstdint>
#include <string>

namespace nnrecipe::detail {

/// A read-only file descriptor (RAII) with checked positional reads.
class InputFile {
 public:
  /// Throws InputError: "no such file", "is a directory", "permission denied"...
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  /// Reads up to `length` bytes at `offset`; returns the bytes read (short
  /// only at end of file).
  std::size_t read_at(uint64_t offset, char* out, std::size_t length) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

/// Throws InputError if `path` does not name a readable regular file or
/// directory, with the reason (used before deciding how to load it).
void check_path_exists(const std::string& path);

}  // namespace nnrecipe::detail
