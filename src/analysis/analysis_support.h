#pragma once
// Input checks the analysis functions share (internal to src/analysis).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnrecipe::analysis_detail {

[[noreturn]] inline void fail(const char* function, const std::string& message) {
  throw std::invalid_argument(std::string(function) + ": " + message);
}

/// The checks of classification_metrics (metrics.cpp): at least 2 classes,
/// rows x classes probabilities in [0, 1], labels in [0, classes). No rows
/// is allowed (an empty split has an all-zero confusion matrix, no
/// candidates); callers that need rows check that themselves.
inline void check_probs(const char* fn, const std::vector<int64_t>& labels, const std::vector<double>& probs,
                        std::size_t classes) {
  if (classes < 2) fail(fn, "needs at least 2 classes, got " + std::to_string(classes));
  if (probs.size() % classes != 0 || probs.size() / classes != labels.size()) {
    fail(fn, std::to_string(probs.size()) + " probabilities for " + std::to_string(labels.size()) + " rows x " +
                 std::to_string(classes) + " classes");
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<uint64_t>(labels[i]) >= classes) {
      fail(fn, "label " + std::to_string(labels[i]) + " at row " + std::to_string(i) + " is outside [0, " +
                   std::to_string(classes) + ")");
    }
    for (std::size_t c = 0; c < classes; ++c) {
      const double p = probs[i * classes + c];
      if (!(p >= 0.0 && p <= 1.0)) {  // the negated test also rejects NaN
        fail(fn, "probability " + std::to_string(p) + " at row " + std::to_string(i) + ", class " + std::to_string(c) +
                     " is not in [0, 1]");
      }
    }
  }
}

}  // namespace nnrecipe::analysis_detail
