#pragma once
// Generated tables for the data.* check tests: a clean table on which no
// check fires, and ways to plant one fault in it. Tables go through a real
// CSV file and read_csv, as users' data does.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnrecipe/csv.h"
#include "nnrecipe/inspect.h"
#include "test_support.h"

namespace nnrecipe::test {

/// A table as text cells (row-major); "" is a missing cell.
struct Frame {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> rows;

  std::size_t col(const std::string& name) const {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  }
  void add_column(const std::string& name, const std::vector<std::string>& cells) {
    names.push_back(name);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].push_back(cells[i]);
  }
  std::string csv() const {
    std::string out;
    for (std::size_t j = 0; j < names.size(); ++j) out += (j ? "," : "") + names[j];
    out += "\n";
    for (const auto& r : rows) {
      for (std::size_t j = 0; j < r.size(); ++j) out += (j ? "," : "") + r[j];
      out += "\n";
    }
    return out;
  }
  Table table() const {
    TempDir dir;
    write_text(dir.file("t.csv"), csv());
    return read_csv(dir.file("t.csv"));
  }
};

inline std::string num(double v) { return fmt::format("{:.6g}", v); }

/// `rows` rows: x1 ~ N(0,1), x2 ~ U(0,1), color in {red, green, blue},
/// y = "yes" when x1 + noise > 0 (about balanced, AUC of x1 ~ 0.85).
inline Frame clean_frame(std::size_t rows = 400, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Frame f;
  f.names = {"x1", "x2", "color", "y"};
  const char* colors[] = {"red", "green", "blue"};
  for (std::size_t i = 0; i < rows; ++i) {
    const double x1 = normal(rng);
    f.rows.push_back({num(x1), num(uniform(rng)), colors[rng() % 3], x1 + normal(rng) > 0 ? "yes" : "no"});
  }
  return f;
}

/// The same features with a regression target y = 2 x1 + x2 + noise.
inline Frame clean_regression_frame(std::size_t rows = 400, uint64_t seed = 2) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Frame f = clean_frame(rows, seed);
  for (auto& r : f.rows) r[3] = num(0.5 * std::stod(r[0]) + std::stod(r[1]) + 0.5 * normal(rng));
  return f;
}

inline Inspection inspect(const Frame& f, const std::string& target = "y", const Frame* test = nullptr) {
  InspectOptions options;
  options.target = target;
  const Table train = f.table();
  if (!test) return inspect_table(train, options);
  const Table t = test->table();
  return inspect_table(train, options, &t);
}

inline const Finding* find(const Inspection& in, const std::string& id) {
  for (const Finding& f : in.findings.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

inline std::string ids(const Inspection& in) {
  std::string out;
  for (const Finding& f : in.findings.findings) out += f.id + "(" + to_string(f.severity) + ") ";
  return out;
}

}  // namespace nnrecipe::test
