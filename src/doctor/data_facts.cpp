#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/config_lint.h"
#include "nnrecipe/prepared_data.h"

namespace nnrecipe {

DataFacts data_facts(const PreparedData& data) {
  DataFacts facts;
  facts.task = data.task;
  facts.train_rows = data.train.size();
  facts.class_names = data.class_names;
  facts.class_counts = data.class_counts;
  facts.images = data.image_norm.has_value();
  if (facts.images || !data.transform || data.train.size() == 0 || data.train.x.dim() != 2) return facts;

  const std::vector<std::string> names = data.transform->dense_names();
  const torch::Tensor x = data.train.x.to(torch::kCPU, torch::kFloat64);
  const torch::Tensor mean = x.mean(0);
  const torch::Tensor std = x.size(0) > 1 ? x.std(0) : torch::zeros_like(mean);
  const torch::Tensor lo = std::get<0>(x.min(0)), hi = std::get<0>(x.max(0));
  const auto m = mean.accessor<double, 1>();
  const auto s = std.accessor<double, 1>();
  const auto min = lo.accessor<double, 1>();
  const auto max = hi.accessor<double, 1>();
  for (int64_t j = 0; j < x.size(1); ++j) {
    if (s[j] == 0.0) continue;  // constant: no scale to fix
    // Values inside [0, 1] (one-hot columns, missing indicators, shares) are
    // on a scale a network takes as it is, however small their spread.
    const bool unit_interval = min[j] >= 0.0 && max[j] <= 1.0;
    const bool large = s[j] > 10.0 || std::abs(m[j]) > 10.0;
    const bool small = s[j] < 0.1 && !unit_interval;
    if (!large && !small) continue;
    const auto i = static_cast<std::size_t>(j);
    facts.off_scale.push_back({i < names.size() ? names[i] : "x" + std::to_string(j), m[j], s[j]});
  }
  const auto size = [](const DataFacts::Scale& v) { return std::max(v.std, std::abs(v.mean)); };
  std::stable_sort(facts.off_scale.begin(), facts.off_scale.end(),
                   [&](const auto& a, const auto& b) { return size(a) > size(b); });
  return facts;
}

}  // namespace nnrecipe
