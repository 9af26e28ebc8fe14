#include "file_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nnrecipe/error.h"

namespace nnrecipe::detail {
namespace {

[[noreturn]] void fail_errno(const std::string& path, int err) {
  switch (err) {
    case ENOENT: throw InputError(path, "no such file or directory");
    case EACCES:
    case EPERM: throw InputError(path, "permission denied: the file cannot be read");
    case ENOTDIR: throw InputError(path, "a component of the path is not a directory");
    default: throw InputError(path, std::string("cannot open: ") + std::strerror(err));
  }
}

}  // namespace

void check_path_exists(const std::string& path) {
  struct stat st {};
  if (path.empty()) throw InputError("empty path given for a data file");
  if (::stat(path.c_str(), &st) != 0) fail_errno(path, errno);
}

InputFile::InputFile(const std::string& path) : path_(path) {
  check_path_exists(path);
  struct stat st {};
  ::stat(path.c_str(), &st);
  if (S_ISDIR(st.st_mode)) {
    throw InputError(path, "is a directory, expected a file");
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail_errno(path, errno);
  if (::fstat(fd_, &st) != 0) fail_errno(path, errno);
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw InputError(path, "is not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t InputFile::read_at(uint64_t offset, char* out, std::size_t length) const {
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(path_, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace nnrecipe::detail
