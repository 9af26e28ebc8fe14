// data.high_correlation: feature pairs with |Pearson| or |Spearman| above
// 0.95 (docs/checks.md; deepchecks uses 0.9). Pairwise work is quadratic in the
// columns, so it is bounded twice and the result says so: a seeded sample
// of rows (InspectOptions::correlation_rows) and at most kMaxColumns numeric
// features. Spearman ranks are taken within the sample.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "inspect/inspect_support.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/random.h"

namespace nnrecipe::inspect_detail {
namespace {

constexpr double kCorrelation = 0.95;
constexpr std::size_t kMaxColumns = 200;

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isnan(v[i])) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size(), NAN);
  for (std::size_t s = 0; s < order.size();) {
    std::size_t e = s;
    while (e + 1 < order.size() && v[order[e + 1]] == v[order[s]]) ++e;
    for (std::size_t k = s; k <= e; ++k) rank[order[k]] = 0.5 * static_cast<double>(s + e);
    s = e + 1;
  }
  return rank;
}

// Pearson correlation over the rows where both are present (NaN = absent).
double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double n = 0, sa = 0, sb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    n += 1, sa += a[i], sb += b[i];
  }
  if (n < 3) return 0;
  const double ma = sa / n, mb = sb / n;
  double saa = 0, sbb = 0, sab = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    const double da = a[i] - ma, db = b[i] - mb;
    saa += da * da, sbb += db * db, sab += da * db;
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

}  // namespace

std::vector<Finding> correlation_checks(const Table& t, Inspection& in, const InspectOptions& options) {
  std::vector<Finding> out;
  std::vector<std::size_t> cols;
  std::size_t candidates = 0;
  for (std::size_t j = 0; j < t.cols(); ++j) {
    const ColumnProfile& p = in.columns[j];
    if (p.is_target || p.type == ColumnType::Categorical || p.distinct <= 1) continue;
    ++candidates;
    if (cols.size() < kMaxColumns) cols.push_back(j);
  }
  std::vector<std::size_t> rows(t.rows());
  std::iota(rows.begin(), rows.end(), 0);
  if (rows.size() > options.correlation_rows) {
    std::mt19937_64 rng(options.seed);
    shuffle_in_place(rows, rng);
    rows.resize(options.correlation_rows);
    std::sort(rows.begin(), rows.end());
  }
  in.correlation_rows = rows.size();
  in.correlation_columns = cols.size();
  in.numeric_features = candidates;
  if (cols.size() < 2) return out;

  std::vector<std::vector<double>> values(cols.size()), ranks(cols.size());
  parallel_for(cols.size(), [&](std::size_t k) {
    const Column& c = t.column(cols[k]);
    values[k].resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double v = c.values[rows[i]];
      values[k][i] = c.missing[rows[i]] || !std::isfinite(v) ? NAN : v;
    }
    ranks[k] = average_ranks(values[k]);
  });
  std::vector<std::vector<CorrelationPair>> found(cols.size());
  parallel_for(cols.size(), [&](std::size_t a) {
    for (std::size_t b = a + 1; b < cols.size(); ++b) {
      const double r = pearson(values[a], values[b]);
      const double rho = pearson(ranks[a], ranks[b]);
      if (std::abs(r) > kCorrelation || std::abs(rho) > kCorrelation) {
        found[a].push_back({t.column(cols[a]).name, t.column(cols[b]).name, round4(r), round4(rho)});
      }
    }
  });
  for (auto& list : found) in.correlated.insert(in.correlated.end(), list.begin(), list.end());
  if (in.correlated.empty()) return out;

  nlohmann::json pairs = nlohmann::json::array();
  std::vector<std::string> names;
  for (const CorrelationPair& p : in.correlated) {
    names.push_back(p.a + " ~ " + p.b);
    if (pairs.size() < kEvidenceItems)
      pairs.push_back({{"a", p.a}, {"b", p.b}, {"pearson", p.pearson}, {"spearman", p.spearman}});
  }
  const bool sampled = rows.size() < t.rows();
  out.push_back(finding(
      "data.high_correlation", Severity::Info,
      fmt::format("{} feature pair(s) are correlated above {} (Pearson or Spearman{}): {}", in.correlated.size(),
                  kCorrelation, sampled ? fmt::format(", on a sample of {} rows", rows.size()) : "", join(names)),
      {{"pairs", pairs},
       {"pair_count", in.correlated.size()},
       {"threshold", kCorrelation},
       {"rows_used", rows.size()},
       {"rows_total", t.rows()},
       {"columns_used", cols.size()},
       {"numeric_columns", candidates}},
      "Near-copies add no information and split the weight between them: keep one of each pair (data.drop) "
      "unless both are needed for interpretation."));
  return out;
}

}  // namespace nnrecipe::inspect_detail
