#include "nnrecipe/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "nnrecipe/error.h"

namespace nnrecipe {
namespace {

// Rows with a target, and how many were dropped.
Table drop_missing_target(const Table& t, const std::string& target, std::size_t& dropped) {
  const Column& y = t.column(target);
  if (y.missing_count == 0) return t;
  dropped += y.missing_count;
  return t.take(rows_with_target(t, target));
}

// A target with one value leaves nothing to learn: every split, metric and
// check after it would be meaningless (one class; a constant number).
void require_varying_target(const Table& t, const std::string& target, const std::string& file) {
  const Column& y = t.column(target);
  std::size_t first = 0;
  while (first < y.size() && y.is_missing(first)) ++first;
  for (std::size_t i = first + 1; i < y.size(); ++i) {
    if (y.is_missing(i)) continue;
    if (y.is_categorical() ? y.codes[i] != y.codes[first] : y.values[i] != y.values[first]) return;
  }
  throw InputError(file, fmt::format("target column '{}' has one value ('{}') in all {} rows with a target: there is "
                                     "nothing to learn; check the --target column and any filtering that produced "
                                     "the file",
                                     target, y.cell_text(first), t.rows()));
}

Table read_like(const std::string& path, const Table& train, const DatasetSources& s) {
  return read_csv_like(path, train, s.train, s.csv);
}

}  // namespace

// A column is typed the same in every split: a categorical code column
// stays text even where the other file's values look numeric.
Table read_csv_like(const std::string& path, const Table& reference, const std::string& reference_file,
                    CsvOptions csv) {
  const std::vector<std::string> header = read_csv_header(path, csv);
  for (const Column& c : reference.columns()) {
    if (std::find(header.begin(), header.end(), c.name) == header.end()) {
      throw InputError(path, fmt::format("column '{}' of {} is missing", c.name, reference_file));
    }
    csv.type_overrides.emplace(c.name, c.type);
  }
  return read_csv(path, csv);
}

DatasetSplits load_splits(const DatasetSources& s) {
  DatasetSplits out;
  Table all = read_csv(s.train, s.csv);
  all.require_column(s.target, s.train, "target column");
  all = drop_missing_target(all, s.target, out.dropped_missing_target);
  if (all.rows() == 0) {
    throw InputError(s.train, fmt::format("no row has a value in target column '{}': give the column that holds the "
                                          "labels as --target (data.target)",
                                          s.target));
  }
  require_varying_target(all, s.target, s.train);
  out.task = s.task.value_or(infer_task(all.column(s.target)));

  SplitOptions split = s.split;
  if (!s.test.empty()) split.test_fraction = 0.0;
  if (!s.val.empty()) split.val_fraction = 0.0;
  std::vector<int64_t> strata;
  if (out.task != Task::Regression) {
    const Column& y = all.column(s.target);
    std::map<double, int64_t> class_of_value;  // numeric or boolean classes
    strata.resize(all.rows());
    for (std::size_t i = 0; i < all.rows(); ++i) {
      strata[i] = y.is_categorical()
                      ? y.codes[i]
                      : class_of_value.emplace(y.values[i], static_cast<int64_t>(class_of_value.size())).first->second;
    }
  }
  const SplitIndices idx = split_rows(all.rows(), split, strata.empty() ? nullptr : &strata);
  out.train = all.take(idx.train);
  out.val = s.val.empty() ? all.take(idx.val)
                          : drop_missing_target(read_like(s.val, all, s), s.target, out.dropped_missing_target);
  out.test = s.test.empty() ? all.take(idx.test)
                            : drop_missing_target(read_like(s.test, all, s), s.target, out.dropped_missing_target);
  return out;
}

}  // namespace nnrecipe
