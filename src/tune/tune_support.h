#pragma once
// Helpers shared by the tune sources (src/tune/): not installed.
#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "nnrecipe/file_io.h"
#include "nnrecipe/metrics.h"

namespace nnrecipe::tune_detail {

inline std::string trial_dir(const std::string& study, std::size_t index) {
  return fmt::format("{}/trials/{:04d}", study, index);
}

/// A file's content, or "" when it does not exist (a worker's log, the ASHA
/// records before the first one).
inline std::string read_file_or_empty(const std::string& path) {
  return path_exists(path) ? read_text_file(path) : std::string();
}

/// A CSV field, quoted when it holds a delimiter, quote or line break.
inline std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace nnrecipe::tune_detail
