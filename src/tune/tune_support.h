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

/// The best of a validation curve's first `epochs` values (NaN when none):
/// a trial's score at an ASHA rung.
inline double best_of_first(const std::vector<double>& curve, int64_t epochs, const SelectionMetric& m) {
  double best = NAN;
  for (int64_t e = 0; e < epochs && e < static_cast<int64_t>(curve.size()); ++e) {
    const double v = curve[static_cast<std::size_t>(e)];
    if (!std::isnan(v) && (std::isnan(best) || is_better(m, v, best))) best = v;
  }
  return best;
}

/// A CSV field, quoted when it holds a delimiter, quote or line break.
inline std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace nnrecipe::tune_detail
