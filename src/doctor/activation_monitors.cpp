// Activation monitors (docs/checks.md, "monitor"): dead ReLU units
// and saturated sigmoid/tanh inputs, looked at on check steps and on
// preflight's batch. During training a layer must fail several consecutive
// checks (one batch can be unlucky); at init one batch is enough, since a
// randomly initialized layer is not dead or saturated by chance.
#include <fmt/format.h>

#include <vector>

#include "doctor/doctor_support.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {

using namespace doctor_detail;

namespace {

// The units of a layer that are inactive (input <= 0) on every row of the
// batch, as a bool vector; a unit is a column of [N, H] or a channel of
// [N, C, ...]. Undefined for inputs without a unit dimension.
torch::Tensor dead_units(const torch::Tensor& input) {
  if (input.dim() < 2 || input.numel() == 0) return {};
  std::vector<int64_t> others{0};  // every dimension but the units'
  for (int64_t d = 2; d < input.dim(); ++d) others.push_back(d);
  return input.amax(others) <= 0;
}

double share_of(const torch::Tensor& units) {
  return units.defined() && units.numel() > 0 ? units.to(torch::kFloat64).mean().item<double>() : 0.0;
}

}  // namespace

void Doctor::observe_activation(const std::string& layer, const std::string& activation,
                                const torch::Tensor& pre_activation) {
  if (!wants_activations()) return;
  const CostTimer timer(monitor_seconds_);
  torch::NoGradGuard no_grad;
  const torch::Tensor input = pre_activation.detach();
  const std::string stage = probing_ ? "preflight" : "train";
  const int64_t needed = probing_ ? 1 : options_.activation_checks;
  const std::string when = probing_ ? "on the preflight batch, at init"
                                    : fmt::format("on {} consecutive checks, up to step {}", needed, step_ + 1);
  if (activation == "relu") {
    // A dead unit stays dead: during training the same units must be
    // inactive on every batch of the streak (units silent on one batch of
    // sparse rows and active on the next are alive).
    const torch::Tensor now = dead_units(input);
    int64_t& streak = dead_streak_[layer];
    torch::Tensor& still_dead = dead_since_[layer];
    const bool continues = streak > 0 && still_dead.defined() && now.defined() && still_dead.sizes() == now.sizes();
    const torch::Tensor joint = continues ? (still_dead & now) : now;
    if (share_of(joint) >= options_.dead_relu_share) {
      ++streak;
      still_dead = joint;
    } else {
      streak = share_of(now) >= options_.dead_relu_share ? 1 : 0;  // a new streak may start here
      still_dead = streak > 0 ? now : torch::Tensor();
    }
    const double dead = share_of(still_dead);
    if (streak >= needed) {
      fire_once(
          finding("train.dead_relu", Severity::Warn, stage,
                  fmt::format("{:.0f}% of the ReLU units after {} output nothing for any row of the batch ({}; the "
                              "same units each time): "
                              "dead units get no gradient and never come back",
                              100 * dead, layer, when),
                  {{"layer", layer}, {"dead_share", dead}, {"threshold", options_.dead_relu_share}, {"step", step_}},
                  "lower train.lr, check the bias init (a large negative bias kills ReLUs), or use "
                  "model.activation=gelu / batch norm"));
    }
  } else if (activation == "sigmoid" || activation == "tanh") {
    const double saturated =
        input.numel() > 0 ? static_cast<double>((input.abs() > options_.saturation_bound).sum().item<int64_t>()) /
                                static_cast<double>(input.numel())
                          : 0.0;
    int64_t& streak = saturated_streak_[layer];
    streak = saturated > options_.saturation_share ? streak + 1 : 0;
    if (streak >= needed) {
      fire_once(finding("train.saturation", Severity::Warn, stage,
                        fmt::format("{:.0f}% of the inputs to the {} after {} lie beyond +-{:g} ({}): it is "
                                    "saturated, its gradient is ~0",
                                    100 * saturated, activation, layer, options_.saturation_bound, when),
                        {{"layer", layer},
                         {"saturated_share", saturated},
                         {"bound", options_.saturation_bound},
                         {"threshold", options_.saturation_share},
                         {"step", step_}},
                        "normalize the inputs (data.normalize=true), use smaller initial weights, or "
                        "model.activation=relu"));
    }
  }
}

}  // namespace nnrecipe
