#pragma once
/// @file
/// @brief From files to train / validation / test tables.
///
/// Either one file split by seed (stratified for classification), or the user's
/// own test (and optionally validation) files, read with the training file's
/// column types so that every split has the same schema.
///
/// @code
/// nnrecipe::DatasetSources sources;
/// sources.train = "examples/data/credit_data.csv";
/// sources.target = "Status";
/// sources.split.seed = 42;  // 10% validation, 20% test by default
/// const nnrecipe::DatasetSplits splits = nnrecipe::load_splits(sources);
/// std::cout << splits.train.rows() << " / " << splits.val.rows() << " / " << splits.test.rows() << " rows\n";
/// @endcode
#include <cstddef>
#include <optional>
#include <string>

#include "nnrecipe/csv.h"
#include "nnrecipe/split.h"
#include "nnrecipe/table.h"
#include "nnrecipe/transforms.h"

namespace nnrecipe {

struct DatasetSources {
  std::string train;         ///< CSV file (split into train/val/test unless test is given)
  std::string val;           ///< optional validation CSV
  std::string test;          ///< optional test CSV
  std::string target;        ///< target column
  std::optional<Task> task;  ///< nullopt = infer from the target column
  SplitOptions split;        ///< fractions are ignored for the files given
  CsvOptions csv;
};

struct DatasetSplits {
  Table train, val, test;
  Task task = Task::Regression;
  /// Rows dropped because their target was missing (data.target_missing).
  std::size_t dropped_missing_target = 0;
};

/// Reads `path` with the column types of `reference` (read from
/// `reference_file`), so a column is typed the same in both; throws
/// InputError naming `path` when it lacks one of reference's columns.
Table read_csv_like(const std::string& path, const Table& reference, const std::string& reference_file,
                    CsvOptions csv = {});

/// Loads and splits. Throws InputError naming the file for an absent target
/// or for a val/test file that lacks a training column.
DatasetSplits load_splits(const DatasetSources& sources);

}  // namespace nnrecipe
