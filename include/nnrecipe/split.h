#pragma once
/// @file
/// @brief Train / validation / test split: seeded, stratified by class for classification.
///
/// Each split keeps the class shares of the whole.
///
/// @code
/// const nnrecipe::Column& target = table.column("Status");  // categorical, no missing cell
/// const std::vector<int64_t> strata(target.codes.begin(), target.codes.end());  // one class id per row
/// const nnrecipe::SplitIndices idx = nnrecipe::split_rows(table.rows(), nnrecipe::SplitOptions{}, &strata);
/// const nnrecipe::Table train = table.take(idx.train), val = table.take(idx.val), test = table.take(idx.test);
/// @endcode
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnrecipe {

struct SplitOptions {
  double val_fraction = 0.1;   ///< share of rows for validation, in [0, 1)
  double test_fraction = 0.2;  ///< share of rows for test, in [0, 1); 0 when a test file is given
  uint64_t seed = 0;
};

struct SplitIndices {
  std::vector<std::size_t> train, val, test;  ///< row indices, ascending
};

/// Splits rows [0, rows). With `strata` (one class id >= 0 per row) each
/// class is split in the same proportions; without it, rows are split at
/// random. Throws std::invalid_argument on fractions outside [0, 1) or
/// summing to 1 or more.
SplitIndices split_rows(std::size_t rows, const SplitOptions& options, const std::vector<int64_t>* strata = nullptr);

/// The fewest rows a random split with these fractions turns into at least
/// two training rows and one row in each of validation and test (those with
/// a fraction above 0). Stratified splits of small classes may need more.
std::size_t minimum_rows_for_split(const SplitOptions& options);

}  // namespace nnrecipe
