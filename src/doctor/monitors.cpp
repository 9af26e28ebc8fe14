// Training monitors (../shared/RECIPE.md, "Monitors"), called after each
// backward() and step(): cheap every step, the rest every check_every steps.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "doctor/doctor_support.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {

using namespace doctor_detail;

void Doctor::after_backward() {
  const CostTimer timer(monitor_seconds_);
  if (!stale_.empty()) {
    std::sort(stale_.begin(), stale_.end());
    stale_.erase(std::unique(stale_.begin(), stale_.end()), stale_.end());
    fire_once(finding("train.grad_accumulation", Severity::Error, "train",
                      fmt::format("at step {} the gradients of {} parameter tensor(s) still held the previous step's "
                                  "values when backward() added new ones: {}",
                                  step_, stale_.size(), join(stale_)),
                      {{"step", step_}, {"parameters", stale_}},
                      "call optimizer.zero_grad() (or zero_grad(set_to_none)) before each backward()"));
  }
  disarm();
  stale_.clear();
  if ((step_ + 1) % options_.check_every != 0) return;
  check_gradient_flow();
  // train.update_ratio: keep the weights as they are before the next step
  // when that step is a check (the first few checks only: see after_step).
  if (update_checks_ < options_.update_ratio_checks) {
    torch::NoGradGuard no_grad;
    before_step_.clear();
    // Without embedding tables: only the rows a batch uses move, so a
    // healthy table's ratio sits near 1e-4 (ames).
    for (const auto& [name, p] : weight_matrices(watched_)) before_step_.emplace_back(name, p.detach().clone());
  }
}

bool Doctor::fired(const std::string& id) const {
  return std::find(fired_.begin(), fired_.end(), id) != fired_.end();
}

// Each monitor reports once per run; train.nan and train.diverging stop it.
void Doctor::fire_once(Finding f) {
  if (fired(f.id)) return;
  fired_.push_back(f.id);
  const bool stops = f.id == "train.nan" || f.id == "train.diverging";
  if (record({std::move(f)}) && stops) stop_ = true;
}

void Doctor::after_step(double loss) {
  const CostTimer timer(monitor_seconds_);
  ++step_;

  // train.nan: every step (one comparison).
  if (!std::isfinite(loss)) {
    fire_once(finding("train.nan", Severity::Error, "train", fmt::format("the loss is {} at step {}", loss, step_),
                      {{"step", step_}, {"loss", std::isnan(loss) ? "nan" : "inf"}},
                      "lower train.lr, clip gradients (train.grad_clip), and check the inputs for NaN/Inf"));
    return;
  }
  losses_.push_back(loss);

  // train.diverging, on the loss averaged over the last 20 steps (single
  // batches are too noisy): after warm-up, above 2x its lowest average and
  // above half the first average (a rise from 0.003 to 0.06 on a nearly
  // fitted training set is noise, not divergence).
  if (losses_.size() >= kWindow) {
    const double recent =
        std::accumulate(losses_.end() - kWindow, losses_.end(), 0.0) / static_cast<double>(kWindow);
    if (losses_.size() == kWindow) first_smoothed_ = recent;
    min_smoothed_ = losses_.size() == kWindow ? recent : std::min(min_smoothed_, recent);
    if (step_ > options_.warmup_steps && min_smoothed_ > 0 &&
        recent > options_.diverging_factor * min_smoothed_ && recent > 0.5 * first_smoothed_) {
      fire_once(finding("train.diverging", Severity::Error, "train",
                        fmt::format("the loss averaged {:.4g} over the last {} steps, {:.1f}x its lowest average "
                                    "{:.4g} (step {}; it started at {:.4g})",
                                    recent, kWindow, recent / min_smoothed_, min_smoothed_, step_, first_smoothed_),
                        {{"step", step_}, {"recent_loss", recent}, {"min_loss", min_smoothed_},
                         {"first_loss", first_smoothed_}, {"factor", options_.diverging_factor}},
                        "lower train.lr (a learning-rate range test finds the edge), or clip gradients"));
    }
  }

  // train.not_decreasing: the loss must fall by 5% between the first and
  // the last 20 steps of the first 200 [TheDeepChecker].
  if (static_cast<int64_t>(losses_.size()) == options_.not_decreasing_steps) {
    const auto mean = [&](std::size_t from) {
      return std::accumulate(losses_.begin() + static_cast<std::ptrdiff_t>(from),
                             losses_.begin() + static_cast<std::ptrdiff_t>(from + kWindow), 0.0) /
             static_cast<double>(kWindow);
    };
    const double early = mean(0), late = mean(losses_.size() - kWindow);
    const double fall = early != 0 ? 1.0 - late / early : 0.0;
    if (fall < options_.not_decreasing_fall) {
      fire_once(finding("train.not_decreasing", Severity::Warn, "train",
                        fmt::format("over the first {} steps the loss went from {:.4g} to {:.4g} ({:+.1f}%): it is "
                                    "not learning",
                                    losses_.size(), early, late, -100 * fall),
                        {{"steps", losses_.size()}, {"first_loss", early}, {"last_loss", late}, {"fall", fall},
                         {"threshold", options_.not_decreasing_fall}},
                        "raise train.lr (a learning-rate range test finds it), and check that the inputs carry "
                        "the target (the labels aligned with the rows)"));
    }
  }

  if (step_ % options_.check_every != 0) return;
  // The next backward checks that .grad was zeroed: at the first 5 checks,
  // then every 10th (a forgotten zero_grad() is there from the first step,
  // and the hooks add work to the backward they are on).
  if (checks_ < 5 || checks_ % 10 == 0) arm();
  ++checks_;

  // train.update_ratio: |lr * update| / |W| per weight matrix over the first
  // checks; a layer outside the band at every one of them is reported.
  if (!before_step_.empty()) {
    torch::NoGradGuard no_grad;
    for (const auto& [name, before] : before_step_) {
      for (const auto& [wname, w] : watched_) {
        if (wname != name) continue;
        const double norm = before.norm().item<double>();
        const double ratio = norm > 0 ? (w.detach() - before).norm().item<double>() / norm : 0.0;
        update_ratios_[name].push_back(ratio);
      }
    }
    before_step_.clear();
    if (++update_checks_ == options_.update_ratio_checks) {
      std::vector<std::string> low, high;
      nlohmann::json layers = nlohmann::json::object();
      for (const auto& [name, ratios] : update_ratios_) {
        // The median: one check's outlier step decides nothing.
        std::vector<double> sorted = ratios;
        std::sort(sorted.begin(), sorted.end());
        const double median = sorted[sorted.size() / 2];
        const bool is_low = median < options_.update_ratio_low, is_high = median > options_.update_ratio_high;
        if (is_low) low.push_back(name);
        if (is_high) high.push_back(name);
        if (is_low || is_high) layers[name] = ratios;
      }
      if (!low.empty() || !high.empty()) {
        fire_once(finding(
            "train.update_ratio", Severity::Warn, "train",
            fmt::format("update/weight norm ratios outside [{:g}, {:g}] (median of the first {} checks; {} too "
                        "small: {}; {} too large: {}); ~1e-3 is healthy",
                        options_.update_ratio_low, options_.update_ratio_high, update_checks_, low.size(),
                        join(low), high.size(), join(high)),
            {{"ratios", layers}, {"low", options_.update_ratio_low}, {"high", options_.update_ratio_high}},
            !high.empty() ? "lower train.lr" : "raise train.lr, or check the weights' scale at init"));
      }
    }
  }

  // train.nan in parameters, every check: one norm per tensor, one read
  // (a NaN or Inf anywhere makes its tensor's norm non-finite).
  torch::NoGradGuard no_grad;
  const NamedTensors& params = params_;
  std::vector<std::string> nonfinite;
  if (!params.empty()) {
    std::vector<torch::Tensor> tensors;
    for (const auto& [name, p] : params) tensors.push_back(p);
    const torch::Tensor norms = torch::stack(at::_foreach_norm(tensors));
    if (!torch::isfinite(norms).all().item<bool>()) {
      for (const auto& [name, p] : params) {
        if (!all_finite(p.detach())) nonfinite.push_back(name);
      }
    }
  }
  if (!nonfinite.empty()) {
    fire_once(finding("train.nan", Severity::Error, "train",
                      fmt::format("parameters hold NaN/Inf at step {}: {}", step_, join(nonfinite)),
                      {{"step", step_}, {"parameters", nonfinite}},
                      "lower train.lr, clip gradients (train.grad_clip), and check the inputs for NaN/Inf"));
  }

  // train.unchanged_params: the parameters at the first check against the
  // same tensors unchanged_steps later. Judged once (the question is whether
  // the optimizer moves a tensor at all); the copies are freed after.
  if (unchanged_judged_) return;
  if (start_values_.empty()) {
    for (const auto& [name, p] : params) start_values_.push_back(p.detach().clone());
    start_step_ = step_;
    return;
  }
  if (step_ - start_step_ < options_.unchanged_steps) return;
  std::vector<std::string> unchanged;
  for (std::size_t i = 0; i < params.size() && i < start_values_.size(); ++i) {
    if (torch::equal(params[i].second, start_values_[i])) unchanged.push_back(params[i].first);
  }
  unchanged_judged_ = true;
  start_values_.clear();
  if (!unchanged.empty()) {
    fire_once(finding("train.unchanged_params", Severity::Error, "train",
                      fmt::format("{} trainable parameter tensor(s) are bit-identical to their values {} steps ago "
                                  "(step {}): {}",
                                  unchanged.size(), step_ - start_step_, start_step_, join(unchanged)),
                      {{"step", step_}, {"since_step", start_step_}, {"parameters", unchanged}},
                      "add them to the optimizer, or freeze them explicitly with requires_grad(false)"));
  }
}

// train.vanishing_grad / train.exploding_grad: the gradient norm of the
// first weight matrix over the last one's, median of the first checks
// [AUTOTRAINER: < 1e-3 vanishing, > 70 exploding]; and a total gradient
// norm 10x the median of all earlier checks (a spike).
void Doctor::check_gradient_flow() {
  torch::NoGradGuard no_grad;
  // Every gradient's norm in one batch of ops and one read: on a CPU each op
  // costs microseconds whatever its size, and a check must stay cheap next
  // to a small model's step (the monitors' budget is 5% of training).
  std::vector<torch::Tensor> grads;
  std::vector<std::size_t> owner;  // index into watched_
  for (std::size_t i = 0; i < watched_.size(); ++i) {
    if (watched_[i].second.grad().defined()) {
      grads.push_back(watched_[i].second.grad());
      owner.push_back(i);
    }
  }
  if (grads.empty()) return;
  const torch::Tensor norms = torch::stack(at::_foreach_norm(grads)).to(torch::kCPU, torch::kFloat64).contiguous();
  const double* n = norms.data_ptr<double>();
  double squared = 0, first = -1, last = -1;
  for (std::size_t k = 0; k < owner.size(); ++k) {
    squared += n[k] * n[k];
    if (static_cast<int64_t>(owner[k]) == flow_first_) first = n[k];
    if (static_cast<int64_t>(owner[k]) == flow_last_) last = n[k];
  }
  const double ratio = first >= 0 && last > 0 ? first / last : -1;
  if (ratio >= 0 && static_cast<int64_t>(grad_ratios_.size()) < options_.grad_ratio_checks) {
    grad_ratios_.push_back(ratio);
    if (static_cast<int64_t>(grad_ratios_.size()) == options_.grad_ratio_checks) {
      std::vector<double> sorted = grad_ratios_;
      std::sort(sorted.begin(), sorted.end());
      const double median = sorted[sorted.size() / 2];
      if (auto f = gradient_ratio_finding(median, watched_[flow_first_].first, watched_[flow_last_].first, "train",
                                          fmt::format("median of the first {} checks", sorted.size()), options_)) {
        f->evidence["ratios"] = grad_ratios_;
        fire_once(std::move(*f));
      }
    }
  }
  const double norm = std::sqrt(squared);
  if (static_cast<int64_t>(grad_norms_.size()) >= options_.grad_spike_history && std::isfinite(norm)) {
    std::vector<double> earlier = grad_norms_;
    auto middle = earlier.begin() + static_cast<std::ptrdiff_t>(earlier.size() / 2);
    std::nth_element(earlier.begin(), middle, earlier.end());
    const double median = *middle;
    if (median > 0 && norm > options_.grad_spike * median) {
      fire_once(finding("train.exploding_grad", Severity::Warn, "train",
                        fmt::format("gradient norm {:.4g} at step {}, {:.0f}x the median {:.4g} of the {} earlier "
                                    "checks: a spike",
                                    norm, step_ + 1, norm / median, median, earlier.size()),
                        {{"step", step_ + 1}, {"gradient_norm", norm}, {"median", median},
                         {"factor", options_.grad_spike}},
                        "lower train.lr or clip gradients (train.grad_clip, e.g. 1.0); look for rare extreme inputs"));
    }
  }
  grad_norms_.push_back(norm);
}

std::optional<Finding> doctor_detail::gradient_ratio_finding(double ratio, const std::string& first, const std::string& last,
                                              const std::string& stage, const std::string& when,
                                              const DoctorOptions& options) {
  const nlohmann::json evidence = {{"ratio", ratio}, {"first_layer", first}, {"last_layer", last},
                                   {"vanishing_below", options.vanishing_ratio},
                                   {"exploding_above", options.exploding_ratio}};
  if (ratio < options.vanishing_ratio) {
    return finding("train.vanishing_grad", Severity::Warn, stage,
                   fmt::format("the first layer ({}) gets {:.3g}x the gradient norm of the last ({}) ({}): the "
                               "gradient vanishes on its way down, so the early layers barely learn",
                               first, ratio, last, when),
                   evidence,
                   "use relu/gelu instead of sigmoid/tanh in hidden layers, fewer layers, or batch norm "
                   "(model.batchnorm=true)");
  }
  if (ratio > options.exploding_ratio) {
    return finding("train.exploding_grad", Severity::Warn, stage,
                   fmt::format("the first layer ({}) gets {:.3g}x the gradient norm of the last ({}) ({}): the "
                               "gradient grows on its way down",
                               first, ratio, last, when),
                   evidence,
                   "normalize the inputs (data.normalize=true), lower train.lr, or clip gradients "
                   "(train.grad_clip)");
  }
  return std::nullopt;
}

}  // namespace nnrecipe
