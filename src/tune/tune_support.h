#pragma once
// Helpers shared by the tune sources (src/tune/): not installed.
#include <fmt/format.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

namespace nnrecipe::tune_detail {

inline std::string trial_dir(const std::string& study, std::size_t index) {
  return fmt::format("{}/trials/{:04d}", study, index);
}

inline bool exists_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

inline std::string read_file_or_empty(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A CSV field, quoted when it holds a delimiter, quote or line break.
inline std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace nnrecipe::tune_detail
