// Ensemble selection (ensemble_selection.h).
#include "nnrecipe/ensemble_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace nnrecipe {
Predictions weighted_mean(const std::vector<const Predictions*>& library, const std::vector<int>& counts) {
  if (library.empty() || counts.size() != library.size()) throw std::invalid_argument("weighted_mean: counts per model");
  Predictions out = *library.front();
  std::vector<double>& acc = out.outputs();
  std::fill(acc.begin(), acc.end(), 0.0);
  const int total = std::accumulate(counts.begin(), counts.end(), 0);
  if (total <= 0) throw std::invalid_argument("weighted_mean: no model picked");
  for (std::size_t m = 0; m < library.size(); ++m) {
    if (counts[m] == 0) continue;
    const std::vector<double>& v = library[m]->outputs();
    if (v.size() != acc.size()) throw std::invalid_argument("weighted_mean: models predict different row counts");
    const double w = static_cast<double>(counts[m]) / total;
    for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += w * v[i];
  }
  return out;
}

std::vector<int> select_ensemble(const std::vector<const Predictions*>& library, const SelectionMetric& metric,
                                 const ValidationScore& score, int steps) {
  if (library.size() < 2) throw std::invalid_argument("select_ensemble: fewer than two models");
  const double worst = (metric.higher_is_better ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
  const auto scored = [&](const Predictions& p) {
    const double s = score(p);
    return std::isnan(s) ? worst : s;
  };
  std::vector<std::size_t> order(library.size());
  std::vector<double> single(library.size());
  for (std::size_t m = 0; m < library.size(); ++m) {
    order[m] = m;
    single[m] = scored(*library[m]);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return is_better(metric, single[a], single[b]); });

  std::vector<int> counts(library.size(), 0);
  std::vector<double> sum(library.front()->outputs().size(), 0.0);
  const auto include = [&](std::size_t m) {
    ++counts[m];
    const std::vector<double>& v = library[m]->outputs();
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += v[i];
  };
  include(order[0]);
  include(order[1]);
  Predictions trial = *library.front();
  std::vector<double>& mean = trial.outputs();
  for (std::size_t i = 0; i < sum.size(); ++i) mean[i] = sum[i] / 2;
  std::vector<int> best_counts = counts;
  double best_score = scored(trial);
  for (int size = 3; size <= steps; ++size) {
    std::size_t pick = 0;
    double pick_score = worst;
    for (std::size_t m = 0; m < library.size(); ++m) {
      const std::vector<double>& add = library[m]->outputs();
      for (std::size_t i = 0; i < mean.size(); ++i) mean[i] = (sum[i] + add[i]) / size;
      const double s = scored(trial);
      if (m == 0 || is_better(metric, s, pick_score)) {
        pick = m;
        pick_score = s;
      }
    }
    include(pick);
    if (is_better(metric, pick_score, best_score)) {
      best_counts = counts;
      best_score = pick_score;
    }
  }
  return best_counts;
}

}  // namespace nnrecipe
