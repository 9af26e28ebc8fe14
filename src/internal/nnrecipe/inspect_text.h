#pragma once
// The terminal summary of `nnrecipe inspect`: the shape, the verdict, the
// findings errors-first, the columns, and the top features by predictive
// power. Reads the JSON of to_json(Inspection) / ImageInspection::report.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace nnrecipe {

std::string render_inspect_summary(const nlohmann::json& inspection, std::size_t top_features = 10);

}  // namespace nnrecipe
