// The Doctor's bookkeeping: the gradient hooks it installs, and how
// findings are recorded (ignore list, each monitor once). The checks are in
// preflight.cpp, monitors.cpp, epoch_monitors.cpp and activation_monitors.cpp.
#include "nnrecipe/doctor.h"

#include <algorithm>

#include "doctor/doctor_support.h"

namespace nnrecipe {

using namespace doctor_detail;

Doctor::Doctor(torch::nn::Module& model, torch::optim::Optimizer& optimizer, DoctorOptions options)
    : model_(model), optimizer_(optimizer), options_(std::move(options)) {
  // train.grad_accumulation: a hook on every trainable parameter sees each
  // incoming gradient before it is added to .grad. The hooks reach the
  // parameters through watched_ (a hook holding its own tensor would keep it
  // alive forever).
  // Only parameters the optimizer zeroes: one left out of it is
  // optim.coverage's finding, not a forgotten zero_grad().
  const auto in_optimizer = optimizer_params(optimizer_);
  for (const auto& [name, p] : trainable()) {
    if (!in_optimizer.count(p.unsafeGetTensorImpl())) continue;
    const std::size_t i = watched_.size();
    watched_.emplace_back(name, p);
    const unsigned handle = p.register_hook([this, i](const torch::Tensor&) {
      if (!armed_) return;
      const torch::Tensor& g = watched_[i].second.grad();  // before this gradient is added
      if (g.defined() && g.abs().max().item<double>() > 0) stale_.push_back(watched_[i].first);
    });
    hooks_.push_back(handle);
  }
}

Doctor::~Doctor() {
  for (std::size_t i = 0; i < hooks_.size(); ++i) watched_[i].second.remove_hook(hooks_[i]);
}

std::vector<std::pair<std::string, torch::Tensor>> Doctor::trainable() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : model_.named_parameters()) {
    if (item.value().requires_grad()) out.emplace_back(item.key(), item.value());
  }
  return out;
}

bool Doctor::record(std::vector<Finding> found) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - created_).count();
  for (Finding& f : found) f.seconds = seconds;
  FindingSet kept;
  kept.add(std::move(found), options_.ignore);
  for (const std::string& id : kept.ignored) {
    if (std::find(findings_.ignored.begin(), findings_.ignored.end(), id) == findings_.ignored.end()) {
      findings_.ignored.push_back(id);
    }
  }
  new_.insert(new_.end(), kept.findings.begin(), kept.findings.end());
  const bool any = !kept.findings.empty();
  findings_.add(std::move(kept.findings), {});
  return any;
}

std::vector<Finding> Doctor::take_new_findings() {
  std::vector<Finding> out;
  out.swap(new_);
  return out;
}

}  // namespace nnrecipe
