// Training monitors (docs/checks.md, "monitor"), called after each
// backward() and step(): cheap every step, the rest every check_every steps.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
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
    // Without embedding tables: only the rows a batch uses move, so their
    // update ratio is far below a dense layer's and would read as "too low".
    for (const auto& [name, p] : weight_matrices(watched_)) before_step_.emplace_back(name, p.detach().clone());
  }
}

bool Doctor::fired(const std::string& id) const { return std::find(fired_.begin(), fired_.end(), id) != fired_.end(); }

// Each monitor reports once per run, except that a warning may become an
// error later (train.diverging: a rise, then an explosion). Only an error
// of train.nan or train.diverging stops the run.
void Doctor::fire_once(Finding f) {
  const bool error = f.severity == Severity::Error;
  if (fired(f.id) && !(error && !fired(f.id + "#error"))) return;
  if (!fired(f.id)) fired_.push_back(f.id);
  if (error) fired_.push_back(f.id + "#error");
  const bool stops = error && (f.id == "train.nan" || f.id == "train.diverging");
  if (record({std::move(f)}) && stops) stop_ = true;
}

// train.diverging, in two levels. Medians and quantiles of 20-step windows,
// never means: one extreme batch of a heavy-tailed target (wages, counts)
// lifts a mean tenfold and is not divergence.
//  - error (the run stops), judged at every step: a quarter of the last 20
//    steps (5) have losses above 10x both the lowest window median and the
//    first: a burst or a climb an order of magnitude past where training
//    started, which no healthy run shows (SGD at lr 5: 13, 42, 496, 64 and
//    14 within 20 steps, then dead ReLUs bring the loss back down; a wage
//    table's worst window held one batch at 10x);
//  - warn, judged at each window's end after the warm-up: the window median
//    has stayed above 2x the lowest window median and above half the first
//    for 3 windows in a row: a sustained rise, for the user to judge (a late
//    rise from 0.003 to 0.06 on a nearly fitted training set is below half
//    the first window and not reported).
void Doctor::judge_divergence() {
  if (losses_.size() < kWindow) return;
  const auto last = losses_.end() - kWindow;
  if (losses_.size() % kWindow == 0) {
    std::vector<double> window(last, losses_.end());
    std::nth_element(window.begin(), window.begin() + kWindow / 2, window.end());
    const double median = window[kWindow / 2];
    // The lowest window before this one: a window is not its own reference.
    const double lowest = window_medians_.empty() ? median : lowest_median_;
    lowest_median_ = std::min(lowest, median);
    window_medians_.push_back(median);
    const double first = window_medians_.front();
    const bool rising = step_ > options_.warmup_steps && lowest > 0 && median > options_.diverging_factor * lowest &&
                        median > 0.5 * first;
    rising_windows_ = rising ? rising_windows_ + 1 : 0;
    if (rising_windows_ >= options_.diverging_windows) {
      const std::vector<double> recent(window_medians_.end() - rising_windows_, window_medians_.end());
      fire_once(finding(
          "train.diverging", Severity::Warn, "train",
          fmt::format(
              "the median loss of each of the last {} {}-step windows ({:.4g}) is above {:g}x the lowest window "
              "median {:.4g} (step {}; the first window's was {:.4g}): the loss is rising; training goes on",
              recent.size(), kWindow, fmt::join(recent, ", "), options_.diverging_factor, lowest, step_, first),
          {{"step", step_},
           {"window_medians", recent},
           {"lowest_median", lowest},
           {"first_median", first},
           {"factor", options_.diverging_factor}},
          "lower train.lr (a learning-rate range test finds the edge), or clip gradients (train.grad_clip)"));
    }
  }
  if (window_medians_.empty()) return;
  const double reference = std::max(lowest_median_, window_medians_.front());
  if (!(reference > 0)) return;
  std::vector<double> window(last, losses_.end());
  const auto quarter = static_cast<std::ptrdiff_t>(kWindow / 4);
  std::nth_element(window.begin(), window.begin() + (quarter - 1), window.end(), std::greater<>());
  const double high = window[static_cast<std::size_t>(quarter - 1)];  // the 5th largest of 20
  if (!(high > options_.exploding_factor * reference)) return;
  std::vector<double> above;
  for (auto it = last; it != losses_.end(); ++it) {
    if (*it > options_.exploding_factor * reference) above.push_back(*it);
  }
  fire_once(finding(
      "train.diverging", Severity::Error, "train",
      fmt::format("{} of the last {} step losses ({:.4g}) are above {:g}x the loss where training started and at its "
                  "lowest (window medians {:.4g} and {:.4g}; step {}): the loss has grown by an order of magnitude; "
                  "the run stops",
                  above.size(), kWindow, fmt::join(above, ", "), options_.exploding_factor, window_medians_.front(),
                  lowest_median_, step_),
      {{"step", step_},
       {"losses_above", above},
       {"first_median", window_medians_.front()},
       {"lowest_median", lowest_median_},
       {"factor", options_.exploding_factor}},
      "lower train.lr (a learning-rate range test finds the edge), or clip gradients (train.grad_clip)"));
}

// train.not_decreasing, once, at step 200 (or at the end of a shorter run,
// after_training): the loss must fall by 5% between the first and the last
// 20 steps [TheDeepChecker]. A flat loss alone is no evidence: with the
// output bias at the prior a model starts at the best constant's loss, and
// on a weak signal (5% positives, an AUC of 0.65) it cannot fall 5% in 200
// steps however healthy the run is. So a flat loss is reported only when
// the weights stayed where they were too: they moved less, relative to
// their norm at init, than 200 steps at train.update_ratio's lowest healthy
// ratio per step (1e-4) would move them even as a random walk
// (1e-4 * sqrt(200)): a learning rate far too small.
void Doctor::judge_not_decreasing() {
  if (not_decreasing_judged_ || losses_.size() < 2 * kWindow) return;
  not_decreasing_judged_ = true;
  const auto mean = [&](std::size_t from) {
    return std::accumulate(losses_.begin() + static_cast<std::ptrdiff_t>(from),
                           losses_.begin() + static_cast<std::ptrdiff_t>(from + kWindow), 0.0) /
           static_cast<double>(kWindow);
  };
  const double early = mean(0), late = mean(losses_.size() - kWindow);
  const double fall = early != 0 ? 1.0 - late / early : 0.0;
  double moved = 0, norm = 0;
  {
    torch::NoGradGuard no_grad;
    const NamedTensors weights = weight_matrices(watched_);
    for (std::size_t i = 0; i < weights.size() && i < initial_weights_.size(); ++i) {
      const torch::Tensor& now = weights[i].second;
      if (!now.sizes().equals(initial_weights_[i].sizes())) continue;
      moved += (now.detach() - initial_weights_[i]).pow(2).sum().item<double>();
      norm += initial_weights_[i].pow(2).sum().item<double>();
    }
  }
  initial_weights_.clear();  // judged once: the copies are not needed again
  const double relative_move = norm > 0 ? std::sqrt(moved / norm) : 0.0;
  relative_move_ = relative_move;
  const double least_move = options_.update_ratio_low * std::sqrt(static_cast<double>(losses_.size()));
  if (fall >= options_.not_decreasing_fall || relative_move >= least_move) return;
  fire_once(finding("train.not_decreasing", Severity::Warn, "train",
                    fmt::format("over the first {} steps the loss went from {:.4g} to {:.4g} ({:+.1f}%) and the "
                                "weight matrices moved {:.2g} of their norm at init (a healthy rate moves them at "
                                "least {:.2g}): the learning rate is far too small",
                                losses_.size(), early, late, -100 * fall, relative_move, least_move),
                    {{"steps", losses_.size()},
                     {"first_loss", early},
                     {"last_loss", late},
                     {"fall", fall},
                     {"threshold", options_.not_decreasing_fall},
                     {"relative_weight_change", relative_move},
                     {"least_weight_change", least_move}},
                    "raise train.lr (a learning-rate range test finds it)"));
}

// train.not_decreasing's second rule, when training ends, for a run whose
// weights moved more than their norm at init by step 200: the preflight's
// reference training of the same model (baseline.input_independent's: Adam
// at lr 3e-3, 100 steps on batches of 1536 rows) shows what the inputs
// allow, on rows it never saw. When it beat the best constant by at least
// 4x the 5% fall asked for above (20%), a run whose lowest 20-step median
// training loss has not come a quarter of the way from the constant's loss
// to the reference's has an optimizer that keeps the model from learning:
// a rate too high thrashes at the constant's loss (the medians wander
// around it while the reference sits far below), one too low creeps. The run's loss is a training
// loss, the reference's a held-out one: the comparison favours the run.
void Doctor::judge_reference_progress() {
  // Thrashing moves the weights farther than their own norm at init while
  // the loss stays at the constant's; a slow rate that creeps (Adam at 1e-4
  // on 300 rows, stopped early by a noisy validation split) is not this.
  if (!reference_ || window_medians_.empty() || !relative_move_ || *relative_move_ < 1.0) return;
  const double constant = reference_->constant_loss, reached = reference_->model_loss;
  if (!(constant > 0) || 1 - reached / constant < options_.not_decreasing_reference * options_.not_decreasing_fall) {
    return;
  }
  const double wanted = constant - options_.reference_progress * (constant - reached);
  if (lowest_median_ <= wanted) return;
  fire_once(finding(
      "train.not_decreasing", Severity::Warn, "train",
      fmt::format("in {} steps the lowest 20-step median training loss was {:.4g}; the best constant scores {:.4g} "
                  "and the preflight's reference training of the same model (Adam, lr {:g}, {} steps) reached {:.4g} "
                  "on rows it never saw: this run did not come {:.0f}% of the way while its weights moved {:.3g}x "
                  "their norm at init: the learning rate is too high, and training thrashes",
                  losses_.size(), lowest_median_, constant, options_.input_check_lr, options_.input_check_steps,
                  reached, 100 * options_.reference_progress, *relative_move_),
      {{"steps", losses_.size()},
       {"lowest_median_loss", lowest_median_},
       {"constant_loss", constant},
       {"reference_loss", reached},
       {"wanted", wanted},
       {"progress", options_.reference_progress},
       {"relative_weight_change", *relative_move_}},
      "lower train.lr (a learning-rate range test finds the edge; with sgd, try adam at 3e-4)"));
}

void Doctor::after_training() {
  const CostTimer timer(monitor_seconds_);
  if (stop_) return;
  judge_not_decreasing();
  judge_reference_progress();
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

  // The first 20-step average: train.oscillating's reference level.
  if (losses_.size() == kWindow) {
    first_smoothed_ = std::accumulate(losses_.begin(), losses_.end(), 0.0) / static_cast<double>(kWindow);
  }
  judge_divergence();

  if (static_cast<int64_t>(losses_.size()) == options_.not_decreasing_steps) judge_not_decreasing();

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
        const bool is_low = median<options_.update_ratio_low, is_high = median> options_.update_ratio_high;
        if (is_low) low.push_back(name);
        if (is_high) high.push_back(name);
        if (is_low || is_high) layers[name] = ratios;
      }
      // Too small counts only when every weight matrix is: a layer of few
      // inputs starts with large weights (Kaiming: 1/sqrt(fan_in)) and moves
      // slowly against them at any sane rate (3 inputs, Adam at 1e-4), while
      // the layers after it learn. One layer that moves too much thrashes.
      if (low.size() < update_ratios_.size()) low.clear();
      if (!low.empty() || !high.empty()) {
        fire_once(
            finding("train.update_ratio", Severity::Warn, "train",
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
  if (!std::isfinite(norm)) return;
  // A spike must persist: on a table with a class of 7 rows in 30,000 (or a
  // heavy-tailed target) one batch now and then holds a rare row whose
  // gradient is 10x the typical one, and over a few hundred checks one such
  // check is expected. Exploding gradients stay up; they are reported after
  // grad_spike_checks checks in a row above grad_spike x the median of the
  // checks before the streak (spikes are kept out of that reference).
  if (static_cast<int64_t>(grad_norms_.size()) >= options_.grad_spike_history) {
    std::vector<double> earlier = grad_norms_;
    auto middle = earlier.begin() + static_cast<std::ptrdiff_t>(earlier.size() / 2);
    std::nth_element(earlier.begin(), middle, earlier.end());
    const double median = *middle;
    if (median > 0 && norm > options_.grad_spike * median) {
      spike_norms_.push_back(norm);
      if (static_cast<int64_t>(spike_norms_.size()) >= options_.grad_spike_checks) {
        fire_once(finding("train.exploding_grad", Severity::Warn, "train",
                          fmt::format("gradient norm above {:.0f}x the median {:.4g} of the {} earlier checks at {} "
                                      "checks in a row ({}; step {}): the gradients are exploding",
                                      options_.grad_spike, median, earlier.size(), spike_norms_.size(),
                                      fmt::join(spike_norms_, ", "), step_ + 1),
                          {{"step", step_ + 1},
                           {"gradient_norms", spike_norms_},
                           {"median", median},
                           {"factor", options_.grad_spike},
                           {"checks", spike_norms_.size()}},
                          "lower train.lr or clip gradients (train.grad_clip, e.g. 1.0); look for rare extreme "
                          "inputs"));
      }
      return;
    }
  }
  spike_norms_.clear();
  grad_norms_.push_back(norm);
}

std::optional<Finding> doctor_detail::gradient_ratio_finding(double ratio, const std::string& first,
                                                             const std::string& last, const std::string& stage,
                                                             const std::string& when, const DoctorOptions& options) {
  const nlohmann::json evidence = {{"ratio", ratio},
                                   {"first_layer", first},
                                   {"last_layer", last},
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
