// ASHA rungs and decisions (include/nnrecipe/asha.h).
#include "nnrecipe/asha.h"

#include <algorithm>
#include <cmath>

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

AshaDecision asha_decide(const std::vector<double>& earlier, double score, double eta, bool higher_is_better) {
  AshaDecision d;
  std::vector<double> v;
  for (double s : earlier) {
    if (!std::isnan(s)) v.push_back(s);
  }
  d.earlier = v.size();
  if (v.empty()) {
    d.stop = false;
    return d;
  }
  if (std::isnan(score)) {
    d.stop = true;
    return d;
  }
  std::sort(v.begin(), v.end());
  // Keep the best 1/eta: the cutoff is the (1 - 1/eta) quantile when higher
  // is better, the 1/eta quantile when lower is.
  const double q = higher_is_better ? 1 - 1 / eta : 1 / eta;
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  d.cutoff = v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  d.stop = higher_is_better ? score < d.cutoff : score > d.cutoff;
  return d;
}

}  // namespace nnrecipe
