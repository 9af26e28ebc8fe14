// Column profiles: what a person reads first about each column (type,
// missing, distinct, top values; for numbers the moments, quantiles, a
// histogram, the most extreme values with their rows, and robust outliers).
// One sorted copy of a numeric column's present values serves the quantiles,
// the distinct count, the median/MAD and the predictive-power bin edges.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <utility>

#include "inspect/inspect_support.h"

namespace nnrecipe::inspect_detail {
namespace {

// Robust z-score beyond which a value is an outlier: 0.6745 |x - median| / MAD
// > 6 (the modified z-score of Iglewicz & Hoaglin; docs/checks.md data.outliers).
constexpr double kRobustZ = 6.0;

// Sorts finite doubles ascending. Above ~64k values an LSD radix sort on
// their order-preserving bit patterns (16 bits a pass, skipping the passes
// where every value has the same digit, as the exponent bits often do) is
// ~3x faster than std::sort here, and sorting is most of a profile's time.
void sort_values(std::vector<double>& v) {
  const std::size_t n = v.size();
  if (n < (1u << 16)) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<uint64_t> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    uint64_t bits;
    std::memcpy(&bits, &v[i], sizeof bits);
    a[i] = bits ^ ((bits >> 63) ? ~uint64_t{0} : uint64_t{1} << 63);
  }
  std::vector<std::size_t> count(1 << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t x : a) ++count[(x >> shift) & 0xffff];
    if (count[(a[0] >> shift) & 0xffff] == n) continue;  // one digit everywhere: nothing to reorder
    std::size_t sum = 0;
    for (std::size_t& c : count) sum += std::exchange(c, sum);
    for (uint64_t x : a) b[count[(x >> shift) & 0xffff]++] = x;
    a.swap(b);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const uint64_t bits = a[i] ^ ((a[i] >> 63) ? uint64_t{1} << 63 : ~uint64_t{0});
    std::memcpy(&v[i], &bits, sizeof bits);
  }
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Keeps the k smallest (or largest) values with their rows, in order.
void keep_extreme(std::vector<RowValue>& kept, std::size_t k, double value, std::size_t row, bool largest) {
  const auto better = [largest](double a, double b) { return largest ? a > b : a < b; };
  if (kept.size() == k && !better(value, kept.back().value)) return;
  auto at = std::find_if(kept.begin(), kept.end(), [&](const RowValue& r) { return better(value, r.value); });
  kept.insert(at, {value, row + 1});
  if (kept.size() > k) kept.pop_back();
}

NumericProfile profile_numbers(const Column& c, const InspectOptions& options, std::size_t& distinct,
                               ProfileExtras& extras) {
  NumericProfile p;
  std::vector<double> sorted;
  sorted.reserve(c.size() - c.missing_count);
  double sum = 0;
  bool integers = true;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.missing[i]) continue;
    const double v = c.values[i];
    if (!std::isfinite(v)) {  // "nan"/"inf" tokens: counted, kept out of the statistics
      ++p.nonfinite;
      continue;
    }
    sorted.push_back(v);
    sum += v;
    integers = integers && v == std::floor(v);
  }
  const std::size_t n = sorted.size();
  if (n == 0) return p;
  p.integer_valued = integers;
  p.mean = sum / static_cast<double>(n);
  double m2 = 0, m3 = 0;
  for (double v : sorted) {
    const double d = v - p.mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  p.std = n > 1 ? std::sqrt(m2 * static_cast<double>(n) / static_cast<double>(n - 1)) : 0.0;
  p.skew = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;  // Fisher-Pearson g1

  sort_values(sorted);
  p.min = sorted.front();
  p.max = sorted.back();
  distinct = 1;
  for (std::size_t i = 1; i < n; ++i) distinct += sorted[i] != sorted[i - 1];
  for (double q : {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0}) p.quantiles.push_back(quantile_sorted(sorted, q));
  p.median = p.quantiles[3];
  // Predictive-power bins: up to options.power_bins, but at least ~50 rows
  // each (25 to fit a bin's rate on, 25 to score): finer bins on a small
  // table would score noise (src/inspect/predictive_power.cpp).
  const std::size_t power_bins = std::max<std::size_t>(2, std::min(options.power_bins, n / 50));
  for (std::size_t k = 1; k < power_bins; ++k) {
    const double edge = sorted[k * (n - 1) / power_bins];
    if (extras.power_edges.empty() || edge > extras.power_edges.back()) extras.power_edges.push_back(edge);
  }

  // MAD: the sorted copy is not needed any more, so it holds the deviations.
  for (double& v : sorted) v = std::abs(v - p.median);
  auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(sorted.begin(), mid, sorted.end());
  p.mad = *mid;

  p.hist_lo = p.min;
  p.hist_hi = p.max;
  const std::size_t bins = p.max > p.min && std::isfinite(p.max - p.min) ? options.histogram_bins : 1;
  p.histogram.assign(bins, 0);
  const double width = (p.hist_hi - p.hist_lo) / static_cast<double>(bins);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double v = c.values[i];
    if (c.missing[i] || !std::isfinite(v)) continue;
    std::size_t b = bins == 1 ? 0 : static_cast<std::size_t>((v - p.hist_lo) / width);
    p.histogram[std::min(b, bins - 1)] += 1;
    keep_extreme(p.lowest, options.extremes, v, i, false);
    keep_extreme(p.highest, options.extremes, v, i, true);
    // MAD 0 (over half the values equal) leaves the robust z undefined:
    // such columns get no outlier count rather than every other value.
    if (p.mad > 0 && 0.6745 * std::abs(v - p.median) / p.mad > kRobustZ) {
      if (p.outlier_examples.size() < options.examples) p.outlier_examples.push_back(i + 1);
      ++p.outlier_rows;
    }
  }
  return p;
}

std::vector<ValueCount> top_values(const std::vector<std::string>& names, const std::vector<std::size_t>& counts,
                                   std::size_t k, std::size_t& distinct) {
  std::vector<std::size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  std::vector<ValueCount> top;
  distinct = 0;
  for (std::size_t i : order) {
    if (counts[i] == 0) break;
    ++distinct;
    if (top.size() < k) top.push_back({names[i], counts[i]});
  }
  return top;
}

}  // namespace

ColumnProfile profile_column(const Column& c, const InspectOptions& options, ProfileExtras& extras) {
  ColumnProfile p;
  p.name = c.name;
  p.type = c.type;
  p.missing = c.missing_count;
  p.numeric_like = c.numeric_like_count;
  switch (c.type) {
    case ColumnType::Numeric: p.numeric = profile_numbers(c, options, p.distinct, extras); break;
    case ColumnType::Categorical: {
      std::vector<std::size_t> counts(c.categories.size(), 0);
      for (int32_t code : c.codes) {
        if (code >= 0) ++counts[static_cast<std::size_t>(code)];
      }
      p.top_values = top_values(c.categories, counts, options.top_values, p.distinct);
      break;
    }
    case ColumnType::Boolean: {
      std::vector<std::size_t> counts(2, 0);
      for (std::size_t i = 0; i < c.size(); ++i) {
        if (!c.missing[i]) ++counts[c.values[i] != 0.0];
      }
      p.top_values = top_values({"false", "true"}, counts, options.top_values, p.distinct);
      break;
    }
  }
  return p;
}

}  // namespace nnrecipe::inspect_detail
