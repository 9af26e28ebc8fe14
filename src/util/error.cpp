#include "nnrecipe/error.h"

namespace nnrecipe {
namespace {

std::string locate(const std::string& file, const std::string& message, std::size_t line,
                   std::size_t column) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  if (line > 0 && column > 0) where += ":" + std::to_string(column);
  return where.empty() ? message : where + ": " + message;
}

}  // namespace

InputError::InputError(const std::string& message) : std::runtime_error(message) {}

InputError::InputError(std::string file, const std::string& message, std::size_t line,
                       std::size_t column)
    : std::runtime_error(locate(file, message, line, column)),
      file_(std::move(file)),
      line_(line),
      column_(column) {}

}  // namespace nnrecipe
