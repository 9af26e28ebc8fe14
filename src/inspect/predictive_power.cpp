// Predictive power of each feature alone, and data.leakage (docs/checks.md: one
// feature alone predicts the target, AUC >= 0.99 / R^2 >= 0.99).
//
// Each feature is cut into bins (its categories, or up to
// InspectOptions::power_bins quantile bins of a number; missing is a bin of
// its own). Half the rows (a fixed hash of the row number) fit the target's
// mean / class shares per bin; the other half is scored with them: AUC for
// classification (one-vs-rest, averaged over classes), R^2 for regression.
// Scoring held-out rows keeps an id column from "predicting" by memorizing,
// and bins catch non-monotone relations a correlation would miss. For
// numeric features of a regression target the linear fit's R^2 (Pearson r^2)
// counts too: a linear copy of a skewed target loses a little to binning.
// One pass over the rows per feature: linear in the table's size.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "inspect/inspect_support.h"
#include "nnrecipe/parallel.h"

namespace nnrecipe::inspect_detail {
namespace {

constexpr double kLeakage = 0.99;
constexpr double kSmoothing = 1.0;  // pseudo-rows of the prior added to every bin
constexpr std::size_t kMinRows = 20;

bool is_holdout(std::size_t row) { return (mix64(row * 0x9e3779b97f4a7c15ULL + 7) & 1) != 0; }

struct Binned {
  std::vector<uint32_t> bin;  // per row
  std::size_t bins = 0;
};

Binned bin_column(const Column& c, const std::vector<double>& edges) {
  Binned b;
  b.bin.resize(c.size());
  if (c.is_categorical()) {
    b.bins = c.categories.size() + 1;
    for (std::size_t i = 0; i < c.size(); ++i) {
      b.bin[i] = c.codes[i] < 0 ? static_cast<uint32_t>(b.bins - 1) : static_cast<uint32_t>(c.codes[i]);
    }
    return b;
  }
  b.bins = edges.size() + 2;  // below/between/above the edges, and missing
  // upper_bound as a branch-free search over the edges padded with +inf to
  // a power of two: the bin of a million cells per column is the hot loop.
  std::size_t size = 1;
  while (size < edges.size() + 1) size *= 2;
  std::vector<double> padded(edges);
  padded.resize(size, INFINITY);
  const uint32_t missing_bin = static_cast<uint32_t>(b.bins - 1);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double v = c.values[i];
    std::size_t at = 0;
    for (std::size_t step = size / 2; step > 0; step /= 2) at += padded[at + step - 1] <= v ? step : 0;
    at += padded[at] <= v;  // the last edge
    b.bin[i] = c.missing[i] || !std::isfinite(v) ? missing_bin : static_cast<uint32_t>(at);
  }
  return b;
}

// AUC of held-out rows scored per bin, from per-bin positive/negative counts
// (ties between equal scores count half, as in the Mann-Whitney statistic).
double binned_auc(const std::vector<double>& score, const std::vector<double>& pos, const std::vector<double>& neg) {
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double total_pos = 0, total_neg = 0, wins = 0, neg_below = 0;
  for (std::size_t s = 0; s < order.size();) {
    std::size_t e = s;
    double p = 0, n = 0;
    while (e < order.size() && score[order[e]] == score[order[s]]) p += pos[order[e]], n += neg[order[e]], ++e;
    wins += p * (neg_below + 0.5 * n);
    neg_below += n;
    total_pos += p, total_neg += n;
    s = e;
  }
  return total_pos > 0 && total_neg > 0 ? wins / (total_pos * total_neg) : 0.5;
}

double classification_power(const Binned& b, const ClassLabels& y) {
  const std::size_t k_count = y.names.size();
  std::vector<double> fit(b.bins * k_count, 0), held(b.bins * k_count, 0), fit_rows(b.bins, 0);
  std::vector<double> prior(k_count, 0);
  double fit_total = 0;
  for (std::size_t i = 0; i < b.bin.size(); ++i) {
    if (y.index[i] < 0) continue;
    const std::size_t cell = b.bin[i] * k_count + static_cast<std::size_t>(y.index[i]);
    if (is_holdout(i)) {
      held[cell] += 1;
    } else {
      fit[cell] += 1, fit_rows[b.bin[i]] += 1, prior[static_cast<std::size_t>(y.index[i])] += 1, fit_total += 1;
    }
  }
  if (fit_total == 0) return 0.5;
  // Binary: one AUC (the other class's is the same); multiclass: the mean
  // one-vs-rest AUC over classes present among the held-out rows.
  const std::size_t first = k_count == 2 ? 1 : 0;
  double sum = 0;
  std::size_t scored = 0;
  std::vector<double> score(b.bins), pos(b.bins), neg(b.bins);
  for (std::size_t k = first; k < k_count; ++k) {
    const double p = prior[k] / fit_total;
    double held_pos = 0;
    for (std::size_t bin = 0; bin < b.bins; ++bin) {
      score[bin] = (fit[bin * k_count + k] + kSmoothing * p) / (fit_rows[bin] + kSmoothing);
      pos[bin] = held[bin * k_count + k];
      neg[bin] = -pos[bin];
      for (std::size_t c = 0; c < k_count; ++c) neg[bin] += held[bin * k_count + c];
      held_pos += pos[bin];
    }
    if (held_pos == 0) continue;
    sum += binned_auc(score, pos, neg);
    ++scored;
  }
  return scored ? sum / static_cast<double>(scored) : 0.5;
}

double regression_power(const Binned& b, const Column& x, const Column& y) {
  std::vector<double> sum(b.bins, 0), rows(b.bins, 0);
  double fit_sum = 0, fit_n = 0;
  for (std::size_t i = 0; i < b.bin.size(); ++i) {
    if (y.missing[i] || is_holdout(i)) continue;
    sum[b.bin[i]] += y.values[i], rows[b.bin[i]] += 1, fit_sum += y.values[i], fit_n += 1;
  }
  if (fit_n == 0) return 0;
  const double mean = fit_sum / fit_n;
  double held_sum = 0, held_n = 0;
  for (std::size_t i = 0; i < b.bin.size(); ++i) {
    if (!y.missing[i] && is_holdout(i)) held_sum += y.values[i], held_n += 1;
  }
  if (held_n < 2) return 0;
  const double held_mean = held_sum / held_n;
  double sse = 0, sst = 0;
  for (std::size_t i = 0; i < b.bin.size(); ++i) {
    if (y.missing[i] || !is_holdout(i)) continue;
    const std::size_t bin = b.bin[i];
    const double predicted = (sum[bin] + kSmoothing * mean) / (rows[bin] + kSmoothing);
    sse += (y.values[i] - predicted) * (y.values[i] - predicted);
    sst += (y.values[i] - held_mean) * (y.values[i] - held_mean);
  }
  double r2 = sst > 0 ? 1 - sse / sst : 0;
  if (x.type == ColumnType::Numeric) {
    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x.missing[i] || y.missing[i] || !std::isfinite(x.values[i])) continue;
      const double a = x.values[i], c = y.values[i];
      n += 1, sx += a, sy += c, sxx += a * a, syy += c * c, sxy += a * c;
    }
    const double vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cov = sxy - sx * sy / n;
    if (n > 2 && vx > 0 && vy > 0) r2 = std::max(r2, cov * cov / (vx * vy));
  }
  return std::max(0.0, r2);
}

}  // namespace

std::vector<Finding> predictive_power(const Table& t, Inspection& in, const std::vector<ProfileExtras>& extras,
                                      const InspectOptions&) {
  std::vector<Finding> out;
  if (in.target.empty() || !in.task || t.rows() < kMinRows) return out;
  const bool regression = *in.task == Task::Regression;
  in.power_metric = regression ? "r2" : "auc";
  const Column& y = t.column(in.target);
  ClassLabels labels;
  if (!regression) labels = class_labels(y);
  if (!regression && labels.names.size() < 2) return out;

  std::vector<std::optional<double>> score(t.cols());
  parallel_for(t.cols(), [&](std::size_t j) {
    const Column& x = t.column(j);
    if (x.name == in.target || in.columns[j].distinct == 0) return;
    const Binned b = bin_column(x, extras[j].power_edges);
    score[j] = regression ? regression_power(b, x, y) : classification_power(b, labels);
  });
  std::vector<std::string> leaking;
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t j = 0; j < t.cols(); ++j) {
    if (!score[j]) continue;
    in.columns[j].power = round4(*score[j]);
    in.power.push_back({in.columns[j].name, *score[j]});
    if (*score[j] >= kLeakage) {
      leaking.push_back(in.columns[j].name);
      if (items.size() < kEvidenceItems)
        items.push_back({{"column", in.columns[j].name}, {in.power_metric, round4(*score[j])}});
    }
  }
  std::stable_sort(in.power.begin(), in.power.end(),
                   [](const FeaturePower& a, const FeaturePower& b) { return a.score > b.score; });
  if (leaking.empty()) return out;
  out.push_back(finding(
      "data.leakage", Severity::Warn,
      fmt::format("{} feature(s) predict the target '{}' almost perfectly on their own ({} >= {} on held-out rows): "
                  "{}",
                  leaking.size(), in.target, regression ? "R^2" : "AUC", kLeakage, join(leaking)),
      {{"columns", items}, {"column_count", leaking.size()}, {"metric", in.power_metric}, {"threshold", kLeakage}},
      "A feature this predictive is usually the target in disguise (a copy, a code derived from it, or a value "
      "recorded after the outcome). Drop it (data.drop) unless it is truly known at prediction time."));
  return out;
}

}  // namespace nnrecipe::inspect_detail
