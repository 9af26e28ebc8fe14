// baseline.input_independent (../shared/RECIPE.md, "Preflight"): does the
// model learn anything from its inputs? A model trained on zeroed inputs
// sees the same input for every row, so the best it can do is one constant
// output fitted to the training rows (the prior). We fit that constant
// directly (no network needed), then train the real model on the real
// inputs, and compare both on held-out rows of the batch. If the real model
// never beats the constant, the inputs carry nothing the model can use:
// labels misaligned with the rows (shuffled), inputs dropped in forward(),
// or a target that does not depend on the features at all.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "doctor/doctor_support.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {

using namespace doctor_detail;

namespace {

constexpr int64_t kEvalEvery = 5;

struct ConstantFit {
  double held_out = 0;   ///< best held-out loss over the evaluations
  bool converged = false;
};

// The best constant output for the fit rows, by Adam on the user's own loss
// (whatever its output format), judged on the held-out rows.
ConstantFit fit_constant(const torch::Tensor& outputs_like, const torch::Tensor& y_fit, const torch::Tensor& y_held,
                         const LossFn& loss) {
  const torch::Tensor c = torch::zeros({1, outputs_like.size(1)}, outputs_like.options()).requires_grad_(true);
  torch::optim::Adam adam({c}, torch::optim::AdamOptions(0.1));
  ConstantFit fit{std::numeric_limits<double>::infinity(), false};
  double previous = std::numeric_limits<double>::infinity();
  constexpr int steps = 300;
  for (int step = 1; step <= steps; ++step) {
    adam.zero_grad();
    const torch::Tensor l = loss(c.expand({y_fit.size(0), c.size(1)}), y_fit);
    l.backward();
    adam.step();
    if (step % 50 == 0) {
      const double now = l.item<double>();
      fit.converged = std::abs(previous - now) <= 1e-3 * std::max(std::abs(now), 1e-12);
      previous = now;
    }
    if (step % kEvalEvery == 0) {
      torch::NoGradGuard no_grad;
      fit.held_out = std::min(fit.held_out, loss(c.expand({y_held.size(0), c.size(1)}), y_held).item<double>());
    }
  }
  return fit;
}

}  // namespace

std::vector<Finding> Doctor::check_input_dependence(const torch::Tensor& x, const torch::Tensor& y,
                                                    const ForwardFn& forward, const LossFn& loss) {
  const int64_t n = x.size(0);
  if (n < options_.input_check_min_rows || !x.is_floating_point()) return {};
  // The batch's rows are in random order (a shuffled batch): the last
  // quarter is held out.
  const int64_t fit_rows = n * 3 / 4;
  const torch::Tensor x_fit = x.narrow(0, 0, fit_rows), y_fit = y.narrow(0, 0, fit_rows);
  const torch::Tensor x_held = x.narrow(0, fit_rows, n - fit_rows), y_held = y.narrow(0, fit_rows, n - fit_rows);

  torch::Tensor sample;
  {
    torch::NoGradGuard no_grad;
    model_.train(false);
    sample = forward(x_held);
  }
  if (sample.dim() != 2 || !sample.is_floating_point()) return {};
  const ConstantFit constant = fit_constant(sample.detach(), y_fit, y_held, loss);
  // A constant that has not converged (a target far from unit scale) is no
  // yardstick: init.loss speaks for that case.
  if (!constant.converged || !std::isfinite(constant.held_out)) return {};
  const double goal = (1 - options_.input_check_margin) * constant.held_out;

  std::vector<torch::Tensor> tensors;
  for (const auto& [name, p] : trainable()) tensors.push_back(p);
  if (tensors.empty()) return {};
  torch::optim::Adam adam(tensors, torch::optim::AdamOptions(options_.input_check_lr));
  double best = std::numeric_limits<double>::infinity();
  int64_t steps = 0;
  while (steps < options_.input_check_steps && !(best < goal)) {
    model_.train(true);
    adam.zero_grad();
    loss(forward(x_fit), y_fit).backward();
    adam.step();
    ++steps;
    if (steps % kEvalEvery == 0) {
      torch::NoGradGuard no_grad;
      model_.train(false);
      best = std::min(best, loss(forward(x_held), y_held).item<double>());
    }
  }
  if (best < goal || !std::isfinite(best)) return {};
  return {finding("baseline.input_independent", Severity::Error, "preflight",
                  fmt::format("trained on {} rows of the batch, the model's best loss on {} held-out rows is {:.4g}; "
                              "a constant prediction (what a model on zeroed inputs learns) scores {:.4g}: the "
                              "inputs do not help it predict the target",
                              fit_rows, n - fit_rows, best, constant.held_out),
                  {{"model_loss", best}, {"constant_loss", constant.held_out}, {"fit_rows", fit_rows},
                   {"held_out_rows", n - fit_rows}, {"steps", steps}, {"margin", options_.input_check_margin}},
                  "check that the labels are aligned with the feature rows (no separate shuffling or sorting), "
                  "that forward() uses its input, and that the features can predict the target at all; where "
                  "overfit.one_batch fired too, the model cannot learn anything yet, and inputs far from unit "
                  "scale (config.no_normalization) can keep it from using them: fix those first")};
}

}  // namespace nnrecipe
