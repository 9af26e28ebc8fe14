// The data.* checks of train against test (docs/checks.md): train_test_overlap
// (test rows also in train [deepchecks TrainTestSamplesMix]), drift (per
// column: Kolmogorov-Smirnov statistic for numbers, Cramer's V for
// categories, above 0.2 [deepchecks]) and new_categories. The test table
// must have been read with the training table's column types.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

#include "inspect/inspect_support.h"
#include "nnrecipe/parallel.h"

namespace nnrecipe::inspect_detail {
namespace {

constexpr double kDrift = 0.2;
// A drift score must also be beyond what sampling alone gives at
// p = 0.001, or a small test file would show "drift" by chance: a KS
// statistic of 0.2 is common with 30 test rows.
constexpr double kKsCritical = 1.95;  // c(alpha) for alpha = 0.001
constexpr double kZ = 3.09;           // standard normal quantile at 1 - 0.001

double ks_statistic(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return d;
}

// Chi-square quantile (Wilson-Hilferty approximation).
double chi2_critical(double df) {
  const double h = 2.0 / (9.0 * df);
  return df * std::pow(1 - h + kZ * std::sqrt(h), 3);
}

std::vector<double> finite_values(const Column& c) {
  std::vector<double> v;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.missing[i] && std::isfinite(c.values[i])) v.push_back(c.values[i]);
  }
  return v;
}

std::map<std::string, double> category_counts(const Column& c) {
  std::map<std::string, double> counts;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.missing[i]) counts[c.cell_text(i)] += 1;
  }
  return counts;
}

struct Drift {
  DriftScore score;
  bool significant = false;
};

Drift drift_of(const Column& a, const Column& b) {
  Drift d;
  d.score.column = a.name;
  if (a.type == ColumnType::Numeric) {
    std::vector<double> x = finite_values(a), y = finite_values(b);
    if (x.empty() || y.empty()) return d;
    const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
    d.score.statistic = "ks";
    d.score.score = ks_statistic(std::move(x), std::move(y));
    d.significant = d.score.score > kKsCritical * std::sqrt((n + m) / (n * m));
    return d;
  }
  // Cramer's V of the 2 x K table (which file, category): sqrt(chi2 / N).
  const auto ca = category_counts(a), cb = category_counts(b);
  std::map<std::string, std::pair<double, double>> table;
  double na = 0, nb = 0;
  for (const auto& [k, v] : ca) table[k].first = v, na += v;
  for (const auto& [k, v] : cb) table[k].second = v, nb += v;
  if (na == 0 || nb == 0 || table.size() < 2) return d;
  const double n = na + nb;
  double chi2 = 0;
  for (const auto& [k, v] : table) {
    const double total = v.first + v.second;
    const double ea = total * na / n, eb = total * nb / n;
    chi2 += (v.first - ea) * (v.first - ea) / ea + (v.second - eb) * (v.second - eb) / eb;
  }
  d.score.statistic = "cramers_v";
  d.score.score = std::sqrt(chi2 / n);
  d.significant = chi2 > chi2_critical(static_cast<double>(table.size() - 1));
  return d;
}

}  // namespace

std::vector<Finding> train_test_checks(const Table& train, const Table& test, Inspection& in,
                                       const InspectOptions& options) {
  std::vector<Finding> out;
  in.test_rows = test.rows();
  std::vector<std::size_t> train_cols, test_cols;
  for (std::size_t j = 0; j < train.cols(); ++j) {
    if (const auto k = test.find(train.column(j).name)) train_cols.push_back(j), test_cols.push_back(*k);
  }
  if (train_cols.empty() || test.rows() == 0) return out;

  // Overlap: equal 64-bit row hashes (cells hashed by value and category
  // text, so codes specific to each file do not matter).
  const std::vector<uint64_t> train_hash = row_hashes(train, train_cols);
  const std::vector<uint64_t> test_hash = row_hashes(test, test_cols);
  const std::unordered_set<uint64_t> seen(train_hash.begin(), train_hash.end());
  std::vector<std::size_t> overlapping;
  for (std::size_t i = 0; i < test_hash.size(); ++i) {
    if (seen.count(test_hash[i])) overlapping.push_back(i + 1);
  }
  if (!overlapping.empty()) {
    const double share = static_cast<double>(overlapping.size()) / static_cast<double>(test.rows());
    std::vector<std::size_t> examples(
        overlapping.begin(),
        overlapping.begin() + static_cast<std::ptrdiff_t>(std::min(overlapping.size(), options.examples)));
    out.push_back(
        finding("data.train_test_overlap", Severity::Warn,
                fmt::format("{} test rows ({} of the test file) also appear in the training file, e.g. "
                            "test rows {}.",
                            overlapping.size(), percent(share), nlohmann::json(examples).dump()),
                {{"test_rows", overlapping.size()}, {"share", round4(share)}, {"example_test_rows", examples}},
                "The test score counts them as unseen and is optimistic by that much: remove them from one "
                "side (split after de-duplicating)."));
  }

  // Drift and new categories, per column.
  std::vector<Drift> drift(train_cols.size());
  parallel_for(train_cols.size(),
               [&](std::size_t k) { drift[k] = drift_of(train.column(train_cols[k]), test.column(test_cols[k])); });
  std::vector<std::string> drifting;
  nlohmann::json items = nlohmann::json::array();
  for (const Drift& d : drift) {
    if (d.score.statistic.empty()) continue;
    in.drift.push_back(d.score);
    in.drift.back().score = round4(d.score.score);
    if (d.score.score > kDrift && d.significant) {
      drifting.push_back(d.score.column);
      if (items.size() < kEvidenceItems) {
        items.push_back({{"column", d.score.column},
                         {d.score.statistic, round4(d.score.score)},
                         {"target", d.score.column == in.target}});
      }
    }
  }
  std::stable_sort(in.drift.begin(), in.drift.end(),
                   [](const DriftScore& a, const DriftScore& b) { return a.score > b.score; });
  if (!drifting.empty()) {
    out.push_back(
        finding("data.drift", Severity::Warn,
                fmt::format("{} column(s) are distributed differently in the test file (KS or Cramer's V "
                            "> {}): {}",
                            drifting.size(), kDrift, join(drifting)),
                {{"columns", items}, {"column_count", drifting.size()}, {"threshold", kDrift}, {"significance", 0.001}},
                "A model validated on the training distribution may not hold on the test one: check how "
                "the files were split (by time, by source) and compare the columns (inspect both files)."));
  }

  std::vector<std::string> with_new;
  nlohmann::json news = nlohmann::json::array();
  for (std::size_t k = 0; k < train_cols.size(); ++k) {
    const Column& a = train.column(train_cols[k]);
    if (!a.is_categorical()) continue;
    const Column& b = test.column(test_cols[k]);
    const std::unordered_set<std::string> known(a.categories.begin(), a.categories.end());
    std::map<std::string, std::size_t> unseen;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (!b.missing[i] && !known.count(b.categories[static_cast<std::size_t>(b.codes[i])])) {
        ++unseen[b.categories[static_cast<std::size_t>(b.codes[i])]];
      }
    }
    if (unseen.empty()) continue;
    std::size_t rows = 0;
    std::vector<std::string> values;
    for (const auto& [v, n] : unseen) {
      rows += n;
      if (values.size() < 10) values.push_back(v);
    }
    with_new.push_back(a.name);
    if (news.size() < kEvidenceItems) {
      news.push_back({{"column", a.name}, {"new_values", unseen.size()}, {"test_rows", rows}, {"examples", values}});
    }
  }
  if (!with_new.empty()) {
    out.push_back(finding("data.new_categories", Severity::Info,
                          fmt::format("{} categorical column(s) have test values never seen in training: {}",
                                      with_new.size(), join(with_new)),
                          {{"columns", news}, {"column_count", with_new.size()}},
                          "The model maps unseen categories to an 'unknown' input it never trained on; if they are "
                          "common, retrain on data that includes them or group rare values into 'other'."));
  }
  return out;
}

}  // namespace nnrecipe::inspect_detail
