#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"

namespace nnrecipe {

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_file_error(path, "cannot write", errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw_file_error(path, "write failed", err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_file_error(path, "write failed", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_file_error(path, "cannot write", err);
  }
}

void write_json_atomic(const std::string& path, const nlohmann::json& value) {
  write_file_atomic(path, value.dump(2) + "\n");
}

void publish_directory(const std::string& staging, const std::string& to) {
  namespace fs = std::filesystem;
  const std::string old = to + ".old";
  std::error_code ec, ignored;
  fs::remove_all(old, ignored);
  const bool replacing = fs::exists(to, ignored);
  if (replacing) fs::rename(to, old, ec);
  if (!ec) fs::rename(staging, to, ec);
  if (ec) {
    if (replacing) fs::rename(old, to, ignored);
    fs::remove_all(staging, ignored);
    throw_file_error(to, "cannot write", ec.value());
  }
  fs::remove_all(old, ignored);
}

void copy_directory_atomic(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  const std::string staging = to + ".tmp";
  std::error_code ec, ignored;
  fs::remove_all(staging, ignored);
  fs::copy(from, staging, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(staging, ignored);
    throw_file_error(to, "cannot write", ec.value());
  }
  publish_directory(staging, to);
}

void make_directories(const std::string& path) {
  std::string partial;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if ((i == path.size() || path[i] == '/') && !partial.empty()) {
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        throw_file_error(partial, "cannot create the directory", errno);
      }
    }
    if (i < path.size()) partial.push_back(path[i]);
  }
}

std::string read_text_file(const std::string& path, const std::string& cannot_open) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, cannot_open);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

nlohmann::json read_json_file(const std::string& path) {
  const std::string text = read_text_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace nnrecipe
