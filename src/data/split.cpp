#include "nnrecipe/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "nnrecipe/random.h"

namespace nnrecipe {
namespace {

// Assigns a shuffled group of rows: the first round(n * test) go to test,
// the next round(n * val) to validation, the rest to train.
void assign(std::vector<std::size_t>& group, const SplitOptions& o, std::mt19937_64& rng, SplitIndices& out) {
  shuffle_in_place(group, rng);
  const std::size_t n = group.size();
  std::size_t n_test = static_cast<std::size_t>(std::llround(static_cast<double>(n) * o.test_fraction));
  std::size_t n_val = static_cast<std::size_t>(std::llround(static_cast<double>(n) * o.val_fraction));
  // Keep at least one training row per group when the group has any.
  while (n_test + n_val >= n && n > 0 && (n_test > 0 || n_val > 0)) {
    if (n_val >= n_test && n_val > 0) {
      --n_val;
    } else {
      --n_test;
    }
  }
  out.test.insert(out.test.end(), group.begin(), group.begin() + static_cast<std::ptrdiff_t>(n_test));
  out.val.insert(out.val.end(), group.begin() + static_cast<std::ptrdiff_t>(n_test),
                 group.begin() + static_cast<std::ptrdiff_t>(n_test + n_val));
  out.train.insert(out.train.end(), group.begin() + static_cast<std::ptrdiff_t>(n_test + n_val), group.end());
}

}  // namespace

SplitIndices split_rows(std::size_t rows, const SplitOptions& options, const std::vector<int64_t>* strata) {
  const auto valid = [](double f) { return f >= 0.0 && f < 1.0; };
  if (!valid(options.val_fraction) || !valid(options.test_fraction) ||
      options.val_fraction + options.test_fraction >= 1.0) {
    throw std::invalid_argument("split fractions must lie in [0, 1) and sum to less than 1 (val " +
                                std::to_string(options.val_fraction) + ", test " +
                                std::to_string(options.test_fraction) + ")");
  }
  if (strata && strata->size() != rows) throw std::invalid_argument("split_rows: one stratum per row");
  std::mt19937_64 rng(options.seed);
  SplitIndices out;
  if (strata) {
    std::map<int64_t, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < rows; ++i) groups[(*strata)[i]].push_back(i);
    for (auto& [label, group] : groups) assign(group, options, rng, out);
  } else {
    std::vector<std::size_t> all(rows);
    for (std::size_t i = 0; i < rows; ++i) all[i] = i;
    assign(all, options, rng, out);
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.val.begin(), out.val.end());
  std::sort(out.test.begin(), out.test.end());
  return out;
}

std::size_t minimum_rows_for_split(const SplitOptions& options) {
  for (std::size_t n = 2;; ++n) {
    const SplitIndices idx = split_rows(n, options);
    if (idx.train.size() >= 2 && (options.val_fraction == 0 || !idx.val.empty()) &&
        (options.test_fraction == 0 || !idx.test.empty())) {
      return n;
    }
  }
}

}  // namespace nnrecipe
