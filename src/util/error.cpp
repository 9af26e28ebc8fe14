#include "nnrecipe/error.h"

#include <cerrno>
#include <cstring>

namespace nnrecipe {
namespace {

std::string locate(const std::string& file, const std::string& message, std::size_t line, std::size_t column) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  if (line > 0 && column > 0) where += ":" + std::to_string(column);
  return where.empty() ? message : where + ": " + message;
}

}  // namespace

InputError::InputError(const std::string& message) : std::runtime_error(message) {}

InputError::InputError(std::string file, const std::string& message, std::size_t line, std::size_t column)
    : std::runtime_error(locate(file, message, line, column)), file_(std::move(file)), line_(line), column_(column) {}

SystemError::SystemError(const std::string& message) : std::runtime_error(message) {}

SystemError::SystemError(const std::string& file, const std::string& message)
    : std::runtime_error(locate(file, message, 0, 0)) {}

void throw_file_error(const std::string& path, const std::string& what, int err) {
  const std::string message = what + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EACCES:
    case EPERM:
    case EROFS:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
    case EEXIST: throw InputError(path, message);
    default: throw SystemError(path, message);
  }
}

}  // namespace nnrecipe
