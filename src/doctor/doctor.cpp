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
  // The parameters the monitors watch: only those the optimizer updates and
  // zeroes (one left out of it is optim.coverage's finding, not a forgotten
  // zero_grad()).
  const auto in_optimizer = optimizer_params(optimizer_);
  params_ = trainable();
  for (const auto& [name, p] : params_) {
    if (in_optimizer.count(p.unsafeGetTensorImpl())) watched_.emplace_back(name, p);
  }
  // Gradient flow compares the first weight matrix with the last.
  const NamedTensors weights = weight_matrices(watched_);
  // train.not_decreasing asks how far the weights moved from here.
  {
    torch::NoGradGuard no_grad;
    for (const auto& [name, w] : weights) initial_weights_.push_back(w.detach().clone());
  }
  if (weights.size() >= 2) {
    for (std::size_t i = 0; i < watched_.size(); ++i) {
      if (watched_[i].first == weights.front().first) flow_first_ = static_cast<int64_t>(i);
      if (watched_[i].first == weights.back().first) flow_last_ = static_cast<int64_t>(i);
    }
  }
}

Doctor::~Doctor() { disarm(); }

// train.grad_accumulation: for the one backward after a check step, a hook
// on every watched parameter sees each incoming gradient before it is added
// to .grad, and so whether .grad still holds the previous step's. Hooks are
// there for that backward only (a hook runs on every gradient of every
// backward while it is registered, and one look now and then suffices: a
// forgotten zero_grad() is there from the first step). They reach the
// parameters through watched_ (a hook holding its own tensor would keep it
// alive).
void Doctor::arm() {
  disarm();  // a loop that never calls after_backward() must not pile hooks up
  for (std::size_t i = 0; i < watched_.size(); ++i) {
    hooks_.push_back(watched_[i].second.register_hook([this, i](const torch::Tensor&) {
      const torch::Tensor& g = watched_[i].second.grad();  // before this gradient is added
      if (g.defined() && g.abs().max().item<double>() > 0) stale_.push_back(watched_[i].first);
    }));
  }
}

void Doctor::disarm() {
  for (std::size_t i = 0; i < hooks_.size(); ++i) watched_[i].second.remove_hook(hooks_[i]);
  hooks_.clear();
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
