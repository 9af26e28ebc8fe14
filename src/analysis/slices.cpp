// Worst slices (docs/recipe.md, stage 6): one raw feature at a time,
// the groups of rows whose mean loss is furthest above the overall mean.
// Numeric features are cut at quantiles, so each slice is a sizeable share
// of the rows; categorical ones by category.
#include "nnrecipe/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Interior cut points of the numeric bins: quintiles (up to 5 bins).
constexpr double kQuantiles[] = {0.2, 0.4, 0.6, 0.8};

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument("worst_slices: " + message); }

// One feature's partition of the rows: slice names and each row's slice.
struct Partition {
  std::vector<std::string> names;
  std::vector<std::size_t> slice_of_row;
};

// Quantile of sorted values by linear interpolation between the closest
// ranks (numpy's default, which pandas.qcut uses). Infinite neighbours are
// not interpolated (inf - inf is NaN).
double quantile(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double a = sorted[lo], b = sorted[hi], f = h - static_cast<double>(lo);
  if (a == b) return a;
  if (!std::isfinite(a) || !std::isfinite(b)) return f < 0.5 ? a : b;
  return a + (b - a) * f;
}

// Bin edges: min, the quintiles, max, without repeats (a value that fills
// several quintiles yields fewer bins).
std::vector<double> bin_edges(const std::vector<double>& values) {
  std::vector<double> present;
  for (double v : values) {
    if (!std::isnan(v)) present.push_back(v);
  }
  if (present.empty()) return {};
  std::sort(present.begin(), present.end());
  std::vector<double> edges = {present.front()};
  for (double q : kQuantiles) edges.push_back(quantile(present, q));
  edges.push_back(present.back());
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

Partition numeric_partition(const SliceFeature& f) {
  const std::vector<double> edges = bin_edges(f.values);
  Partition p;
  if (edges.size() == 1) {
    p.names.push_back(fmt::format("{} = {:.4g}", f.name, edges[0]));
  }
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    const char close = b + 2 == edges.size() ? ']' : ')';  // the last bin holds the maximum
    p.names.push_back(fmt::format("{} in [{:.4g}, {:.4g}{}", f.name, edges[b], edges[b + 1], close));
  }
  const std::size_t missing = p.names.size();
  p.names.push_back(f.name + " missing");
  p.slice_of_row.resize(f.values.size());
  for (std::size_t i = 0; i < f.values.size(); ++i) {
    const double v = f.values[i];
    if (std::isnan(v)) {
      p.slice_of_row[i] = missing;
    } else if (edges.size() == 1) {
      p.slice_of_row[i] = 0;
    } else {
      // Bin b is [edges[b], edges[b+1]): count the interior edges <= v.
      p.slice_of_row[i] =
          static_cast<std::size_t>(std::upper_bound(edges.begin() + 1, edges.end() - 1, v) - (edges.begin() + 1));
    }
  }
  return p;
}

Partition categorical_partition(const SliceFeature& f) {
  Partition p;
  for (const std::string& c : f.categories) p.names.push_back(f.name + " = " + c);
  const std::size_t missing = p.names.size();
  p.names.push_back(f.name + " missing");
  p.slice_of_row.resize(f.codes.size());
  for (std::size_t i = 0; i < f.codes.size(); ++i) {
    p.slice_of_row[i] = f.codes[i] < 0 ? missing : static_cast<std::size_t>(f.codes[i]);
  }
  return p;
}

void check_inputs(const std::vector<SliceFeature>& features, const std::vector<double>& row_loss,
                  const std::vector<uint8_t>& correct) {
  const std::size_t n = row_loss.size();
  if (!correct.empty() && correct.size() != n) {
    fail(fmt::format("{} row losses but {} correctness flags", n, correct.size()));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(row_loss[i])) fail(fmt::format("loss {} at row {} is not finite", row_loss[i], i));
  }
  for (const SliceFeature& f : features) {
    const std::size_t rows = f.categorical ? f.codes.size() : f.values.size();
    if (rows != n) fail(fmt::format("feature '{}' has {} rows, the losses {}", f.name, rows, n));
    if (!f.categorical) continue;
    for (std::size_t i = 0; i < n; ++i) {
      if (f.codes[i] < -1 || f.codes[i] >= static_cast<int64_t>(f.categories.size())) {
        fail(fmt::format("feature '{}' has code {} at row {}, outside [-1, {})", f.name, f.codes[i], i,
                         f.categories.size()));
      }
    }
  }
}

// The slices of one partition with at least `min_rows` rows and a mean
// loss above `overall`, in the partition's order.
void add_slices(const SliceFeature& f, const Partition& p, const std::vector<double>& row_loss,
                const std::vector<uint8_t>& correct, std::size_t min_rows, double overall, std::vector<Slice>& out) {
  std::vector<std::size_t> rows(p.names.size(), 0), hits(p.names.size(), 0);
  std::vector<long double> loss(p.names.size(), 0.0L);
  for (std::size_t i = 0; i < row_loss.size(); ++i) {
    const std::size_t s = p.slice_of_row[i];
    ++rows[s];
    loss[s] += row_loss[i];
    if (!correct.empty() && correct[i]) ++hits[s];
  }
  for (std::size_t s = 0; s < p.names.size(); ++s) {
    if (rows[s] == 0 || rows[s] < min_rows) continue;
    Slice slice;
    slice.feature = f.name;
    slice.description = p.names[s];
    slice.rows = rows[s];
    slice.mean_loss = static_cast<double>(loss[s] / rows[s]);
    slice.excess = slice.mean_loss - overall;
    slice.error_rate = correct.empty() ? kNaN : 1.0 - static_cast<double>(hits[s]) / static_cast<double>(rows[s]);
    if (slice.excess > 0) out.push_back(std::move(slice));
  }
}

}  // namespace

std::vector<Slice> worst_slices(const std::vector<SliceFeature>& features, const std::vector<double>& row_loss,
                                const std::vector<uint8_t>& correct, std::size_t min_rows, std::size_t k) {
  check_inputs(features, row_loss, correct);
  std::vector<Slice> out;
  if (row_loss.empty()) return out;
  long double sum = 0.0L;
  for (double l : row_loss) sum += l;
  const double overall = static_cast<double>(sum / row_loss.size());

  for (const SliceFeature& f : features) {
    const Partition p = f.categorical ? categorical_partition(f) : numeric_partition(f);
    add_slices(f, p, row_loss, correct, min_rows, overall, out);
  }
  // Stable: equal excess keeps the feature order, then the slice order.
  std::stable_sort(out.begin(), out.end(), [](const Slice& a, const Slice& b) { return a.excess > b.excess; });
  if (out.size() > k) out.resize(k);
  return out;
}

}  // namespace nnrecipe
