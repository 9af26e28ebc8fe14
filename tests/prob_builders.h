#pragma once
// Probability matrices for the metric and analysis tests.
#include <vector>

namespace nnrecipe::test {

/// Row-major rows x 2 probabilities from the positive-class probability.
inline std::vector<double> binary_probs(const std::vector<double>& p1) {
  std::vector<double> probs;
  for (double p : p1) {
    probs.push_back(1.0 - p);
    probs.push_back(p);
  }
  return probs;
}

}  // namespace nnrecipe::test
