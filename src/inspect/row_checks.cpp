// The data.* checks over whole rows: duplicates (exact duplicate rows) and
// conflicting_labels (identical features, different labels [deepchecks]).
// Rows are grouped by a 64-bit hash of their cells, and every group is
// confirmed cell by cell, so a hash collision can never make a finding.
#include <algorithm>
#include <numeric>

#include "inspect/inspect_support.h"
#include "nnrecipe/parallel.h"

namespace nnrecipe::inspect_detail {
namespace {

constexpr double kDuplicateWarnShare = 0.01;  // docs/checks.md: warn above 1%, info below

bool same_cell(const Column& c, std::size_t a, std::size_t b) {
  if (c.missing[a] || c.missing[b]) return c.missing[a] == c.missing[b];
  if (c.is_categorical()) return c.codes[a] == c.codes[b];
  return c.values[a] == c.values[b] || (c.values[a] != c.values[a] && c.values[b] != c.values[b]);
}

bool same_cells(const Table& t, const std::vector<std::size_t>& columns, std::size_t a, std::size_t b) {
  return std::all_of(columns.begin(), columns.end(), [&](std::size_t j) { return same_cell(t.column(j), a, b); });
}

/// Groups of rows (2 or more, in row order) with equal cells in `columns`,
/// ordered by their first row.
std::vector<std::vector<std::size_t>> equal_row_groups(const Table& t, const std::vector<std::size_t>& columns) {
  const std::vector<uint64_t> hash = row_hashes(t, columns);
  std::vector<std::size_t> order(t.rows());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return hash[a] != hash[b] ? hash[a] < hash[b] : a < b; });
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t s = 0; s < order.size();) {
    std::size_t e = s + 1;
    while (e < order.size() && hash[order[e]] == hash[order[s]]) ++e;
    if (e - s > 1) {
      // Split the hash bucket into groups of truly equal rows.
      std::vector<std::size_t> rest(order.begin() + static_cast<std::ptrdiff_t>(s),
                                    order.begin() + static_cast<std::ptrdiff_t>(e));
      while (rest.size() > 1) {
        std::vector<std::size_t> group, other;
        for (std::size_t r : rest) (same_cells(t, columns, rest[0], r) ? group : other).push_back(r);
        if (group.size() > 1) groups.push_back(std::move(group));
        rest = std::move(other);
      }
    }
    s = e;
  }
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
  return groups;
}

nlohmann::json one_based(const std::vector<std::size_t>& rows, std::size_t max = 10) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < rows.size() && i < max; ++i) out.push_back(rows[i] + 1);
  return out;
}

}  // namespace

std::vector<uint64_t> row_hashes(const Table& t, const std::vector<std::size_t>& columns) {
  std::vector<uint64_t> hash(t.rows(), 0x9e3779b97f4a7c15ULL);
  // Per column over row blocks: column-major reads stay sequential.
  const std::size_t block = 1 << 16;
  const std::size_t blocks = (t.rows() + block - 1) / block;
  std::vector<std::vector<uint64_t>> category_hash(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const Column& c = t.column(columns[k]);
    for (const std::string& s : c.categories) category_hash[k].push_back(hash_bytes(s.data(), s.size()));
  }
  parallel_for(blocks, [&](std::size_t b) {
    const std::size_t lo = b * block, hi = std::min(t.rows(), lo + block);
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const Column& c = t.column(columns[k]);
      const uint64_t salt = mix64(k + 1);
      for (std::size_t i = lo; i < hi; ++i) {
        uint64_t cell;
        if (c.missing[i]) {
          cell = 0x2545f4914f6cdd1dULL;
        } else if (c.is_categorical()) {
          cell = category_hash[k][static_cast<std::size_t>(c.codes[i])];
        } else {
          cell = hash_double(c.values[i]);
        }
        hash[i] = mix64(hash[i] ^ (cell + salt));
      }
    }
  });
  return hash;
}

std::vector<Finding> row_checks(const Table& t, const Inspection& in, const InspectOptions& options) {
  std::vector<Finding> out;
  if (t.rows() < 2) return out;
  std::vector<std::size_t> all(t.cols()), features;
  std::iota(all.begin(), all.end(), 0);
  for (std::size_t j : all) {
    if (t.column(j).name != in.target) features.push_back(j);
  }

  const auto groups = equal_row_groups(t, all);
  std::size_t extra = 0;
  for (const auto& g : groups) extra += g.size() - 1;
  if (extra > 0) {
    const double share = static_cast<double>(extra) / static_cast<double>(t.rows());
    nlohmann::json examples = nlohmann::json::array();
    for (std::size_t g = 0; g < groups.size() && g < options.examples; ++g) examples.push_back(one_based(groups[g]));
    out.push_back(finding(
        "data.duplicates", share > kDuplicateWarnShare ? Severity::Warn : Severity::Info,
        fmt::format("{} rows ({}) repeat an earlier row exactly, in {} group(s); e.g. rows {}.", extra, percent(share),
                    groups.size(), examples[0].dump()),
        {{"duplicate_rows", extra}, {"share", round4(share)}, {"groups", groups.size()}, {"example_groups", examples}},
        "Look at them (nnrecipe inspect DATA --show rows:N,M). Repeated rows weigh double in training and, when a "
        "copy lands in validation, inflate its score: drop them unless they are genuinely repeated events."));
  }

  if (in.target.empty() || !in.task || *in.task == Task::Regression || features.empty()) return out;
  const ClassLabels labels = class_labels(t.column(in.target));
  std::size_t conflicting_groups = 0, conflicting_rows = 0;
  nlohmann::json examples = nlohmann::json::array();
  for (const auto& g : equal_row_groups(t, features)) {
    std::vector<int32_t> seen;
    for (std::size_t r : g) {
      if (labels.index[r] >= 0 && std::find(seen.begin(), seen.end(), labels.index[r]) == seen.end()) {
        seen.push_back(labels.index[r]);
      }
    }
    if (seen.size() < 2) continue;
    ++conflicting_groups;
    conflicting_rows += g.size();
    if (examples.size() < options.examples) {
      std::vector<std::string> names;
      for (int32_t k : seen) names.push_back(labels.names[static_cast<std::size_t>(k)]);
      examples.push_back({{"rows", one_based(g)}, {"labels", names}});
    }
  }
  if (conflicting_groups == 0) return out;
  const double share = static_cast<double>(conflicting_rows) / static_cast<double>(t.rows());
  out.push_back(finding(
      "data.conflicting_labels", Severity::Warn,
      fmt::format("{} group(s) of rows ({} rows, {}) have identical features but different labels; e.g. rows {}.",
                  conflicting_groups, conflicting_rows, percent(share), examples[0]["rows"].dump()),
      {{"groups", conflicting_groups},
       {"rows", conflicting_rows},
       {"share", round4(share)},
       {"example_groups", examples}},
      "No model can get these rows all right: they cap the achievable accuracy. Look at them (nnrecipe inspect "
      "DATA --show rows:N,M): label noise, or a feature that tells them apart is missing from the table."));
  return out;
}

}  // namespace nnrecipe::inspect_detail
