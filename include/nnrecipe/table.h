#pragma once
/// @file
/// @brief Table: the one in-memory form of tabular data that every stage reads.
///
/// Columns are typed (numeric, categorical, boolean) and carry a missing mask.
///
/// @code
/// nnrecipe::Table table = nnrecipe::read_csv("examples/data/credit_data.csv");  // csv.h
/// const nnrecipe::Column& income = table.column("Income");
/// double sum = 0;
/// for (std::size_t row = 0; row < table.rows(); ++row) sum += income.is_missing(row) ? 0 : income.values[row];
/// std::cout << table.column("Home").cell_text(0) << "\n";  // "rent"
/// table.drop_column("Records");
/// @endcode
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnrecipe {

enum class ColumnType { Numeric, Categorical, Boolean };

const char* to_string(ColumnType type);
/// Parses "numeric" | "categorical" | "boolean"; nullopt otherwise.
std::optional<ColumnType> parse_column_type(const std::string& name);

/// One typed column. Numeric and boolean columns store `values` (booleans as
/// 0/1); categorical columns store `codes` into `categories` (sorted, so codes
/// do not depend on row order or thread count). Missing cells have
/// missing[i] == 1, value NaN and code -1.
struct Column {
  std::string name;
  ColumnType type = ColumnType::Numeric;
  std::vector<double> values;
  std::vector<int32_t> codes;
  std::vector<std::string> categories;
  std::vector<uint8_t> missing;
  std::size_t missing_count = 0;
  /// Categorical only: how many present cells hold a token that parses as a
  /// number (a column mixing numbers and strings; see data.mixed_types).
  std::size_t numeric_like_count = 0;

  std::size_t size() const { return missing.size(); }
  bool is_missing(std::size_t row) const { return missing[row] != 0; }
  bool is_categorical() const { return type == ColumnType::Categorical; }
  /// The cell as text: the category, the number, "true"/"false", or "" if missing.
  std::string cell_text(std::size_t row) const;
};

class Table {
 public:
  Table() = default;
  Table(std::vector<Column> columns, std::size_t rows);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return columns_.size(); }
  const std::vector<Column>& columns() const { return columns_; }
  const Column& column(std::size_t i) const { return columns_.at(i); }
  Column& column(std::size_t i) { return columns_.at(i); }

  /// Index of the named column, or nullopt.
  std::optional<std::size_t> find(const std::string& name) const;
  /// The named column; throws InputError listing the columns if absent.
  const Column& column(const std::string& name) const;
  /// Throws InputError "FILE: ROLE 'NAME' not found; the columns are: ..."
  /// unless the column exists (role: "column", "target column"...).
  void require_column(const std::string& name, const std::string& file = "", const std::string& role = "column") const;

  /// A new table with the given rows, in the given order.
  Table take(const std::vector<std::size_t>& rows) const;
  /// Appends a column (its size must equal rows(), unless the table is empty).
  void add_column(Column column);
  /// Removes the named column if present.
  void drop_column(const std::string& name);

 private:
  std::vector<Column> columns_;
  std::size_t rows_ = 0;
};

/// Number of distinct present values of a column (NaN-free; -0.0 == 0.0).
std::size_t count_distinct(const Column& column);

}  // namespace nnrecipe
