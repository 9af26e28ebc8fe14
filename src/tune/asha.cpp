// ASHA rungs and promotions (include/nnrecipe/asha.h).
#include "nnrecipe/asha.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nnrecipe {

std::vector<int64_t> asha_rungs(const AshaOptions& o) {
  std::vector<int64_t> rungs;
  double epoch = static_cast<double>(std::max<int64_t>(1, o.grace));
  while (static_cast<int64_t>(std::llround(epoch)) < o.max_epochs) {
    const int64_t e = std::llround(epoch);
    if (rungs.empty() || e > rungs.back()) rungs.push_back(e);
    epoch *= std::max(1.5, o.eta);
  }
  return rungs;
}

std::optional<std::size_t> asha_promotion(const std::vector<AshaRecord>& rung, double eta, bool higher_is_better) {
  const auto top = static_cast<std::size_t>(std::floor(static_cast<double>(rung.size()) / eta + 1e-9));
  std::vector<std::size_t> order(rung.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Best first; NaN last; ties by trial index (the same order on resume).
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = rung[a].score, y = rung[b].score;
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    if (x != y) return higher_is_better ? x > y : x < y;
    return rung[a].trial < rung[b].trial;
  });
  for (std::size_t k = 0; k < top; ++k) {
    const AshaRecord& r = rung[order[k]];
    if (!r.promoted && !std::isnan(r.score)) return order[k];
  }
  return std::nullopt;
}

}  // namespace nnrecipe
