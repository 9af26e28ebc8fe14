#pragma once
// A ratings table with planted user x item effects, for the factorization
// machine's tests: rating = 3 + <p_user, q_item> + N(0, noise^2), factors of
// the given rank drawn N(0, 1), users and items drawn uniformly. Columns:
// user, item (ids as text, "u17", "i4"), rating. The interaction's variance
// is `rank`; the linear part of the table carries none of it.
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace nnrecipe::test {

inline void write_ratings_csv(const std::string& path, int users, int items, int rows, uint64_t seed, int rank = 3,
                              double noise = 0.3) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::vector<std::vector<double>> p(users, std::vector<double>(rank)), q(items, std::vector<double>(rank));
  for (auto* factors : {&p, &q}) {
    for (auto& v : *factors) {
      for (double& e : v) e = normal(rng);
    }
  }
  std::ofstream csv(path);
  csv << "user,item,rating\n";
  std::uniform_int_distribution<int> pick_user(0, users - 1), pick_item(0, items - 1);
  for (int r = 0; r < rows; ++r) {
    const int u = pick_user(rng), i = pick_item(rng);
    double rating = 3 + noise * normal(rng);
    for (int k = 0; k < rank; ++k) rating += p[u][k] * q[i][k];
    csv << "u" << u << ",i" << i << "," << rating << "\n";
  }
}

}  // namespace nnrecipe::test
