#pragma once
// The schema of a table as read: per column its name, inferred type, missing
// and distinct counts. The first piece of `nnrecipe inspect`.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nnrecipe/idx.h"
#include "nnrecipe/table.h"

namespace nnrecipe {

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::Numeric;
  std::size_t missing = 0;
  std::size_t distinct = 0;
};

struct TableSchema {
  std::size_t rows = 0;
  std::vector<ColumnSchema> columns;
};

/// Computes the schema (distinct counts in parallel over columns).
TableSchema describe_schema(const Table& table);

/// {"rows": N, "columns": [{"name", "type", "missing", "distinct"}, ...]}
nlohmann::json to_json(const TableSchema& schema);
/// {"kind": "images", "classes": K, "train": {...}, "test": {...}}
nlohmann::json image_summary_json(const ImageDataset& data);

}  // namespace nnrecipe
