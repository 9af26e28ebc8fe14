#pragma once
// Helpers shared by the inspect sources (src/inspect/): not installed.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "nnrecipe/findings.h"
#include "nnrecipe/inspect.h"

namespace nnrecipe::inspect_detail {

inline Finding finding(std::string id, Severity severity, std::string message, nlohmann::json evidence,
                       std::string fix) {
  return {std::move(id), severity, "inspect", std::move(message), std::move(evidence), std::move(fix)};
}

/// "a, b, c and 4 more"
inline std::string join(const std::vector<std::string>& names, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += fmt::format(" and {} more", names.size() - max);
  return out;
}

/// Evidence lists are cut to this many entries (a 5000-column table must not
/// give a 5000-entry finding); the finding says how many there were.
constexpr std::size_t kEvidenceItems = 20;

/// Rounds for JSON and messages: 4 significant digits is what a person reads.
inline double round4(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::abs(x))));
  return std::round(x * scale) / scale;
}

inline std::string percent(double share) { return fmt::format("{:.3g}%", 100.0 * share); }

/// 64-bit mixer (splitmix64's finalizer): row hashes for duplicates/overlap.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t hash_bytes(const char* data, std::size_t size) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (std::size_t i = 0; i < size; ++i) h = (h ^ static_cast<unsigned char>(data[i])) * 0x100000001b3ULL;
  return mix64(h);
}

inline uint64_t hash_double(double v) {
  if (v == 0) v = 0;  // -0.0 and 0.0 are the same value
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return mix64(bits ^ 0x51ed270b27a3c5f1ULL);
}

/// Row hashes over the given columns, identical for equal cell values across
/// tables (categories hash by their text, not their table-specific codes).
std::vector<uint64_t> row_hashes(const Table& table, const std::vector<std::size_t>& columns);

/// Class index per row for a classification target (-1 where missing), and
/// the class names in index order.
struct ClassLabels {
  std::vector<int32_t> index;
  std::vector<std::string> names;
  std::vector<std::size_t> counts;
};
ClassLabels class_labels(const Column& target);

/// data.single_class, data.class_imbalance and data.small (rows per class) on
/// class counts sorted commonest first (tables and image labels alike).
void class_balance_checks(const std::string& target, const std::vector<ValueCount>& classes, std::vector<Finding>& out);

// The stages of inspect_table, one source file each.
struct ProfileExtras {
  std::vector<double> power_edges;  ///< quantile bin edges for predictive power (numeric)
};
ColumnProfile profile_column(const Column& column, const InspectOptions& options, ProfileExtras& extras);

std::vector<Finding> column_checks(const Table& table, const Inspection& inspection, const InspectOptions& options);
std::vector<Finding> target_checks(const Table& table, Inspection& inspection, const InspectOptions& options);
std::vector<Finding> row_checks(const Table& table, const Inspection& inspection, const InspectOptions& options);
/// Scores every feature alone against the target (fills inspection.power and
/// each profile's power) and returns data.leakage findings.
std::vector<Finding> predictive_power(const Table& table, Inspection& inspection,
                                      const std::vector<ProfileExtras>& extras, const InspectOptions& options);
std::vector<Finding> correlation_checks(const Table& table, Inspection& inspection, const InspectOptions& options);
std::vector<Finding> train_test_checks(const Table& train, const Table& test, Inspection& inspection,
                                       const InspectOptions& options);

}  // namespace nnrecipe::inspect_detail
