#include "nnrecipe/schema.h"

#include <nlohmann/json.hpp>

#include "nnrecipe/parallel.h"

namespace nnrecipe {

TableSchema describe_schema(const Table& table) {
  TableSchema schema;
  schema.rows = table.rows();
  schema.columns.resize(table.cols());
  parallel_for(table.cols(), [&](std::size_t i) {
    const Column& c = table.column(i);
    schema.columns[i] = {c.name, c.type, c.missing_count, count_distinct(c)};
  });
  return schema;
}

nlohmann::json to_json(const TableSchema& schema) {
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnSchema& c : schema.columns) {
    columns.push_back({{"name", c.name},
                       {"type", to_string(c.type)},
                       {"missing", c.missing},
                       {"distinct", c.distinct}});
  }
  return {{"rows", schema.rows}, {"columns", columns}};
}

nlohmann::json image_summary_json(const ImageDataset& data) {
  auto split = [](const ImageSet& s) {
    return nlohmann::json{{"images", s.count}, {"height", s.rows}, {"width", s.cols}};
  };
  return {{"kind", "images"},
          {"directory", data.directory},
          {"classes", data.classes},
          {"rows", data.train.count + data.test.count},
          {"train", split(data.train)},
          {"test", split(data.test)}};
}

}  // namespace nnrecipe
