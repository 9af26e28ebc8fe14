#pragma once
// Errors that reach the user. Inside the library, bad input throws InputError
// carrying where it happened (file, line, column, config key); the CLI turns
// it into one message and exit code 2. Nothing on user input may abort.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace nnrecipe {

/// Bad user input: a malformed file, a missing column, an invalid option.
/// what() is the full message: "FILE:LINE:COL: MESSAGE" (parts present only
/// when known).
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message);
  InputError(std::string file, const std::string& message, std::size_t line = 0,
             std::size_t column = 0);

  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }      ///< 1-based; 0 if unknown
  std::size_t column() const { return column_; }  ///< 1-based; 0 if unknown

 private:
  std::string file_;
  std::size_t line_ = 0;
  std::size_t column_ = 0;
};

}  // namespace nnrecipe
