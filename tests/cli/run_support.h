#pragma once
// What the `nnrecipe run` tests share: the bundled data and the ids in a
// findings.json.
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "test_support.h"

namespace nnrecipe::test {

inline std::string credit_csv() { return source_dir() + "/examples/data/credit_data.csv"; }

inline std::set<std::string> finding_ids(const std::string& findings_json) {
  std::set<std::string> ids;
  const nlohmann::json j = nlohmann::json::parse(read_text(findings_json));
  for (const auto& f : j.at("findings")) ids.insert(f.at("id").get<std::string>());
  return ids;
}

}  // namespace nnrecipe::test
