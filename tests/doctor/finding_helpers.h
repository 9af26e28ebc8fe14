#pragma once
// Small helpers for asserting on findings in the doctor's tests.
#include <algorithm>
#include <string>
#include <vector>

#include "nnrecipe/doctor.h"
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

/// Options with monitors every `steps` steps: the monitor tests plant
/// faults in short loops, shorter than the default interval allows.
inline DoctorOptions checks_every(int64_t steps) {
  DoctorOptions options;
  options.check_every = steps;
  return options;
}

}  // namespace nnrecipe::test
