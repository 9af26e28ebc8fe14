#pragma once
/// @file
/// @brief Errors that reach the user: InputError (bad input, exit 2) and SystemError (exit 3).
///
/// Inside the library, bad input throws InputError carrying where it happened
/// (file, line, column, config key); the CLI turns it into one message and exit
/// code 2. A failure of the system the run depends on (no space left, a worker
/// process killed) is a SystemError: exit 3, as an internal error is. Nothing
/// on user input may abort.
///
/// @code
/// try {
///   const nnrecipe::Config config = nnrecipe::load_config(path);
/// } catch (const nnrecipe::InputError& e) {
///   std::cerr << e.what() << "\n";  // "FILE:LINE:COL: MESSAGE"; also e.file(), e.line(), e.column()
/// }
/// @endcode
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
  InputError(std::string file, const std::string& message, std::size_t line = 0, std::size_t column = 0);

  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }      ///< 1-based; 0 if unknown
  std::size_t column() const { return column_; }  ///< 1-based; 0 if unknown

 private:
  std::string file_;
  std::size_t line_ = 0;
  std::size_t column_ = 0;
};

/// The operating system failed the run, through no fault of its input: a
/// write that fails for lack of space or an I/O error, a worker process that
/// cannot start or was killed. what() is "FILE: MESSAGE" when a file is known.
class SystemError : public std::runtime_error {
 public:
  explicit SystemError(const std::string& message);
  SystemError(const std::string& file, const std::string& message);
};

/// Throws the error for a failed system call on PATH (errno `err`): an
/// InputError when the path the user gave is the problem (a missing folder,
/// no permission, a read-only file system, a directory where a file goes), a
/// SystemError otherwise (no space left, an I/O error, ...).
[[noreturn]] void throw_file_error(const std::string& path, const std::string& what, int err);

}  // namespace nnrecipe
