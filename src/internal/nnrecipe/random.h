#pragma once
// Seeded randomness that gives the same numbers on every platform: the
// standard engines are specified exactly, the standard distributions are not.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace nnrecipe {

/// Uniform integer in [0, n) by rejection (no modulo bias), n > 0.
inline uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % n;
}

/// Fisher-Yates shuffle with uniform_below.
template <typename T>
void shuffle_in_place(std::vector<T>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[uniform_below(rng, i)]);
  }
}

}  // namespace nnrecipe
