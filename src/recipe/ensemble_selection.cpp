// Ensemble selection (ensemble_selection.h).
#include "nnrecipe/ensemble_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

#include "nnrecipe/random.h"

namespace nnrecipe {
Predictions weighted_mean(const std::vector<const Predictions*>& library, const std::vector<int>& counts) {
  if (library.empty() || counts.size() != library.size())
    throw std::invalid_argument("weighted_mean: counts per model");
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

Predictions take_rows(const Predictions& p, const std::vector<std::size_t>& rows) {
  const std::size_t width = p.rows == 0 ? 1 : p.outputs().size() / p.rows;
  Predictions out = p;
  out.rows = rows.size();
  out.outputs().clear();
  for (std::size_t r : rows) {
    if (r >= p.rows) throw std::invalid_argument("take_rows: row out of range");
    out.outputs().insert(out.outputs().end(), p.outputs().begin() + static_cast<std::ptrdiff_t>(r * width),
                         p.outputs().begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
  }
  return out;
}

double held_out_selection_score(const std::vector<const Predictions*>& library, const SelectionMetric& metric,
                                const RowsScore& score, int steps, uint64_t seed) {
  if (library.size() < 2) throw std::invalid_argument("held_out_selection_score: fewer than two models");
  const std::size_t rows = library.front()->rows;
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  shuffle_in_place(order, rng);
  const auto middle = order.begin() + static_cast<std::ptrdiff_t>(rows / 2);
  const std::vector<std::vector<std::size_t>> halves{{order.begin(), middle}, {middle, order.end()}};
  Predictions held = *library.front();
  const std::size_t width = rows == 0 ? 1 : held.outputs().size() / rows;
  for (std::size_t h = 0; h < 2; ++h) {
    const std::vector<std::size_t>& pick_on = halves[h];
    const std::vector<std::size_t>& score_on = halves[1 - h];
    std::vector<Predictions> pick_rows, score_rows;
    for (const Predictions* p : library) {
      pick_rows.push_back(take_rows(*p, pick_on));
      score_rows.push_back(take_rows(*p, score_on));
    }
    std::vector<const Predictions*> pick_parts, score_parts;
    for (std::size_t m = 0; m < library.size(); ++m) {
      pick_parts.push_back(&pick_rows[m]);
      score_parts.push_back(&score_rows[m]);
    }
    const std::vector<int> counts = select_ensemble(
        pick_parts, metric, [&](const Predictions& p) { return score(p, pick_on); }, steps);
    const std::vector<double> mixed = weighted_mean(score_parts, counts).outputs();
    for (std::size_t i = 0; i < score_on.size(); ++i) {
      std::copy_n(mixed.begin() + static_cast<std::ptrdiff_t>(i * width), width,
                  held.outputs().begin() + static_cast<std::ptrdiff_t>(score_on[i] * width));
    }
  }
  std::vector<std::size_t> all(rows);
  std::iota(all.begin(), all.end(), std::size_t{0});
  return score(held, all);
}

Lead validation_lead(const Predictions& a, std::optional<double> a_score, const Predictions& b,
                     const SelectionMetric& metric, const RowsScore& score, uint64_t seed, int samples) {
  if (a.rows != b.rows || a.rows == 0) throw std::invalid_argument("validation_lead: both must predict the same rows");
  const double sign = metric.higher_is_better ? 1.0 : -1.0;
  std::vector<std::size_t> all(a.rows);
  std::iota(all.begin(), all.end(), std::size_t{0});
  Lead out;
  out.lead = sign * (a_score.value_or(score(a, all)) - score(b, all));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> row(0, a.rows - 1);
  std::vector<double> leads;
  for (int k = 0; k < samples; ++k) {
    std::vector<std::size_t> rows(a.rows);
    for (std::size_t& r : rows) r = row(rng);
    const double lead = sign * (score(take_rows(a, rows), rows) - score(take_rows(b, rows), rows));
    if (std::isfinite(lead)) leads.push_back(lead);  // an AUC of a sample with one class is NaN
  }
  if (leads.size() < 2) {
    out.standard_error = std::numeric_limits<double>::infinity();  // no evidence either way
    return out;
  }
  const double mean = std::accumulate(leads.begin(), leads.end(), 0.0) / static_cast<double>(leads.size());
  double squares = 0;
  for (double l : leads) squares += (l - mean) * (l - mean);
  out.standard_error = std::sqrt(squares / static_cast<double>(leads.size() - 1));
  return out;
}

std::optional<double> cross_fit_handicap(const std::vector<ProtocolPair>& pairs, const SelectionMetric& metric) {
  if (pairs.empty()) return std::nullopt;
  const double sign = metric.higher_is_better ? 1.0 : -1.0;
  double sum = 0;
  for (const ProtocolPair& p : pairs) sum += sign * (p.direct - p.cross_fit);
  return sum / static_cast<double>(pairs.size());
}

}  // namespace nnrecipe
