#pragma once
// Columns built in code for table-level tests: NaN marks a missing cell.
#include <cmath>
#include <string>
#include <vector>

#include "nnrecipe/table.h"

namespace nnrecipe::test {

inline Column numeric(const std::string& name, std::vector<double> v, ColumnType type = ColumnType::Numeric) {
  Column c;
  c.name = name;
  c.type = type;
  c.missing.assign(v.size(), 0);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i])) {
      c.missing[i] = 1;
      ++c.missing_count;
    }
  }
  c.values = std::move(v);
  return c;
}

}  // namespace nnrecipe::test
