#pragma once
// Small helpers for asserting on findings in the doctor's tests.
#include <algorithm>
#include <string>
#include <vector>

#include "nnrecipe/findings.h"

namespace nnrecipe::test {

inline std::vector<std::string> ids(const std::vector<Finding>& found) {
  std::vector<std::string> out;
  for (const Finding& f : found) out.push_back(f.id);
  return out;
}

inline bool has(const std::vector<Finding>& found, const std::string& id) {
  const auto all = ids(found);
  return std::find(all.begin(), all.end(), id) != all.end();
}

}  // namespace nnrecipe::test
