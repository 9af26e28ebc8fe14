#include "train/archive_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "nnrecipe/error.h"

namespace nnrecipe {

void save_archive_atomic(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::string tmp = path + ".tmp";
  try {
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    // LibTorch says only that the file could not be opened or written; the
    // folder's state says whose fault it is.
    std::remove(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = errno;
    if (fd >= 0) {
      ::close(fd);
      std::remove(tmp.c_str());
      throw SystemError(path, std::string("cannot write: ") + e.what_without_backtrace());
    }
    throw_file_error(path, "cannot write", err);
  }
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    std::remove(tmp.c_str());
    throw_file_error(path, "cannot write", err);
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw_file_error(path, "cannot write", err);
  }
}

}  // namespace nnrecipe
