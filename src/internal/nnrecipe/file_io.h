#pragma once
// Writing artefacts so that a failure never leaves a half-written file: the
// content goes to a temporary file beside the target, which is then renamed
// over it (rename is atomic within a directory). And reading files whole.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace nnrecipe {

/// Writes `content` to `path` atomically (flushed to disk before the rename).
/// Throws InputError or SystemError naming the path (throw_file_error).
void write_file_atomic(const std::string& path, const std::string& content);
/// Writes JSON (indented) atomically.
void write_json_atomic(const std::string& path, const nlohmann::json& value);
/// Copies the directory `from` to `to` (replacing what is there) through a
/// staging copy beside it and renames: a failure leaves the old `to` or
/// none, never half a copy. Errors name `to` (throw_file_error).
void copy_directory_atomic(const std::string& from, const std::string& to);
/// Moves a complete directory `staging` (beside `to`) into place, replacing
/// `to`: the old `to` is renamed aside first and removed last, so a failure
/// leaves the old directory or the new one, never a mix.
void publish_directory(const std::string& staging, const std::string& to);
/// Creates a directory and its missing parents (mkdir -p).
void make_directories(const std::string& path);
/// Reads and parses a JSON file; errors name the file (and line/column for
/// syntax errors).
nlohmann::json read_json_file(const std::string& path);
/// The whole content of a file; throws InputError(path, `cannot_open`) when
/// it cannot be opened ("cannot open the config file").
std::string read_text_file(const std::string& path, const std::string& cannot_open = "cannot open for reading");
/// Whether something exists at `path`.
bool path_exists(const std::string& path);

}  // namespace nnrecipe
