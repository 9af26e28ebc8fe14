// Preflight checks (docs/checks.md, "preflight"): on the real model and
// a real batch, before training. Thresholds are DoctorOptions' defaults; the
// catalogue (src/doctor/catalogue.cpp) says where they come from.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "doctor/doctor_support.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {

using namespace doctor_detail;

namespace {

// The loss at init that theory predicts, or nullopt where it cannot say.
std::optional<double> expected_init_loss(const TargetInfo& t) {
  if (t.task == Task::Regression) {
    // MSE of predicting the mean: 1 for a standardized target, else its variance.
    if (t.standardized_target) return 1.0;
    return t.target_variance;
  }
  const int64_t k = t.classes > 0 ? t.classes : static_cast<int64_t>(t.class_counts.size());
  if (k < 2) return std::nullopt;
  const double total = std::accumulate(t.class_counts.begin(), t.class_counts.end(), 0.0);
  if (!t.init_output_bias || total <= 0) return std::log(static_cast<double>(k));  // -log(1/C)
  double entropy = 0;  // the prior's entropy: what a bias set to the prior scores
  for (int64_t n : t.class_counts) {
    const double p = static_cast<double>(n) / total;
    if (p > 0) entropy -= p * std::log(p);
  }
  return entropy;
}

// init.output_bias: the output bias against the prior it should start at.
std::optional<Finding> output_bias_finding(const TargetInfo& t, const torch::Tensor& bias) {
  const auto fix = [&] {
    return std::string("set model.init_output_bias=true (or fill the output bias with ") +
           (t.task == Task::Regression ? "the target mean" : "the log class frequencies") + ")";
  };
  if (t.task == Task::Regression) {
    if (bias.numel() != 1) return std::nullopt;
    // The standardized target's mean is 0 and its sd 1; a raw target's are known or the check is off.
    if (!t.standardized_target && !(t.target_mean && t.target_variance)) return std::nullopt;
    const double mean = t.standardized_target ? 0.0 : *t.target_mean;
    const double sd = t.standardized_target ? 1.0 : std::sqrt(*t.target_variance);
    const double b = bias.item<double>();
    if (std::abs(b - mean) <= 0.5 * sd) return std::nullopt;
    return finding("init.output_bias", Severity::Warn, "preflight",
                   fmt::format("output bias {:.4g}, but the {}target's mean is {:.4g} (sd {:.4g})", b,
                               t.standardized_target ? "standardized " : "", mean, sd),
                   {{"bias", b}, {"expected", mean}, {"target_sd", sd}}, fix());
  }
  const double total = std::accumulate(t.class_counts.begin(), t.class_counts.end(), 0.0);
  if (t.class_counts.size() < 2 || total <= 0) return std::nullopt;
  std::vector<double> prior;
  for (int64_t n : t.class_counts) prior.push_back(std::max(1.0, static_cast<double>(n)) / total);
  const double lo = *std::min_element(prior.begin(), prior.end()), hi = *std::max_element(prior.begin(), prior.end());
  if (lo / hi >= 0.5) return std::nullopt;  // balanced enough that a zero bias is close to the prior
  std::vector<double> expected, actual;
  if (bias.numel() == 1 && prior.size() == 2) {
    expected = {std::log(prior[1] / prior[0])};  // log-odds of the positive (second) class
    actual = {bias.item<double>()};
  } else if (bias.numel() == static_cast<int64_t>(prior.size())) {
    // Softmax biases are defined up to a constant: compare them centred.
    const auto centred = [](std::vector<double> v) {
      const double m = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
      for (double& x : v) x -= m;
      return v;
    };
    for (double p : prior) expected.push_back(std::log(p));
    for (int64_t k = 0; k < bias.numel(); ++k) actual.push_back(bias[k].item<double>());
    expected = centred(expected);
    actual = centred(actual);
  } else {
    return std::nullopt;
  }
  double worst = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::abs(actual[i] - expected[i]));
  if (worst <= 0.5) return std::nullopt;
  return finding("init.output_bias", Severity::Warn, "preflight",
                 fmt::format("output bias is {:.3g} away from the class prior (rarest class {:.1f}% of the rows): the "
                             "first epochs are spent learning the base rate",
                             worst, 100 * lo),
                 {{"bias", actual}, {"expected", expected}, {"max_difference", worst}, {"rarest_share", lo}}, fix());
}

/// Training mode with the Dropout modules off: the one-batch fit measures
/// whether the model can memorize, and dropout is the regularizer built to
/// stop exactly that (Karpathy's recipe adds it only after overfitting).
void train_without_dropout(torch::nn::Module& model) {
  model.train(true);
  for (const auto& m : model.modules(/*include_self=*/false)) {
    if (m->as<torch::nn::DropoutImpl>() || m->as<torch::nn::Dropout2dImpl>() || m->as<torch::nn::Dropout3dImpl>() ||
        m->as<torch::nn::AlphaDropoutImpl>() || m->as<torch::nn::FeatureAlphaDropoutImpl>()) {
      m->eval();
    }
  }
}

// config.output_dim for a user's model: output units against the target.
// Binary accepts 1 (BCE) or 2 (cross-entropy); regression may have any
// number of outputs (multi-target), so only classification is checked.
std::optional<Finding> output_dim_finding(const std::optional<TargetInfo>& target, const torch::Tensor& outputs) {
  if (!target || target->task == Task::Regression || outputs.dim() != 2) return std::nullopt;
  const int64_t classes = target->classes > 0 ? target->classes : static_cast<int64_t>(target->class_counts.size());
  if (classes < 2) return std::nullopt;
  const int64_t units = outputs.size(1);
  const bool ok = target->task == Task::Binary ? (units == 1 || units == 2) : units == classes;
  if (ok) return std::nullopt;
  const std::string needed = target->task == Task::Binary ? "1 (a logit) or 2" : std::to_string(classes);
  return finding(
      "config.output_dim", Severity::Error, "preflight",
      fmt::format("the model has {} output unit(s) but the {}-class target needs {}", units, classes, needed),
      {{"outputs", units}, {"classes", classes}}, fmt::format("size the output layer to {} units", needed));
}

// The lowest loss any function of the inputs can reach on these rows:
// rows with identical inputs must get identical outputs, so where such rows
// disagree on the target (a table of few, coarse columns: age, sex, class)
// the loss cannot reach zero. Fits one free output per group of identical
// rows with the user's own loss; 0 when every row is distinct.
double loss_floor(const torch::Tensor& xs, const torch::Tensor& ys, const torch::Tensor& outputs_like,
                  const LossFn& loss) {
  if (!xs.is_floating_point() || xs.dim() < 2 || outputs_like.dim() != 2) return 0;
  const torch::Tensor flat = xs.detach().reshape({xs.size(0), -1}).to(torch::kCPU);
  const auto [unique_rows, inverse, counts] = torch::unique_dim(flat, 0, /*sorted=*/true, /*return_inverse=*/true);
  const int64_t groups = unique_rows.size(0);
  if (groups == xs.size(0)) return 0;
  torch::AutoGradMode grad_on(true);
  const torch::Tensor c =
      torch::zeros({groups, outputs_like.size(1)}, outputs_like.options().requires_grad(false)).requires_grad_(true);
  const torch::Tensor index = inverse.to(outputs_like.device());
  torch::optim::Adam adam({c}, torch::optim::AdamOptions(0.1));
  double best = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 500; ++step) {
    adam.zero_grad();
    const torch::Tensor l = loss(c.index_select(0, index), ys);
    best = std::min(best, l.item<double>());
    l.backward();
    adam.step();
  }
  return std::isfinite(best) ? std::max(best, 0.0) : 0.0;
}

}  // namespace

std::vector<Finding> Doctor::preflight(const torch::Tensor& x, const torch::Tensor& y, const ForwardFn& forward,
                                       const LossFn& loss) {
  const std::string stage = "preflight";
  std::vector<Finding> out;
  const std::size_t first_new = new_.size();  // monitors' findings on this batch land in new_
  const auto done = [&] {
    record(out);
    return std::vector<Finding>(new_.begin() + static_cast<std::ptrdiff_t>(first_new), new_.end());
  };

  // data.nan_batch: nothing else means anything on a non-finite batch.
  if (!all_finite(x) || !all_finite(y)) {
    const int64_t bad_x = x.is_floating_point() ? (~torch::isfinite(x)).sum().item<int64_t>() : 0;
    const int64_t bad_y = y.is_floating_point() ? (~torch::isfinite(y)).sum().item<int64_t>() : 0;
    out.push_back(
        finding("data.nan_batch", Severity::Error, stage,
                fmt::format("the batch holds {} non-finite input value(s) and {} non-finite target(s)", bad_x, bad_y),
                {{"nonfinite_inputs", bad_x}, {"nonfinite_targets", bad_y}, {"rows", x.size(0)}},
                "impute or drop NaN/Inf before training (nnrecipe's transforms impute missing values)"));
    return done();
  }

  // optim.coverage: every trainable parameter must be in the optimizer.
  {
    const auto in_optimizer = optimizer_params(optimizer_);
    std::vector<std::string> missing;
    int64_t missing_values = 0;
    for (const auto& [name, p] : trainable()) {
      if (!in_optimizer.count(p.unsafeGetTensorImpl())) {
        missing.push_back(name);
        missing_values += p.numel();
      }
    }
    if (!missing.empty()) {
      out.push_back(
          finding("optim.coverage", Severity::Error, stage,
                  fmt::format("{} trainable parameter tensor(s) ({} values) are not in the optimizer and will "
                              "never be updated: {}",
                              missing.size(), missing_values, join(missing)),
                  {{"missing", missing}, {"values", missing_values}},
                  "pass every parameter to the optimizer (model->parameters()), or set "
                  "requires_grad(false) on those meant to stay fixed"));
    }
  }

  const Snapshot snapshot(model_);
  const auto params = trainable();

  // One real step's gradients (train mode), and the loss at init. The
  // activation monitors look at this forward (dead ReLUs, saturation at init).
  model_.train(true);
  for (auto& [name, p] : params) p.mutable_grad() = torch::Tensor();
  const torch::Tensor outputs = [&] {
    probing_ = true;
    struct Reset {
      bool& flag;
      ~Reset() { flag = false; }  // also when forward() throws
    } reset{probing_};
    return forward(x);
  }();
  if (auto f = output_dim_finding(target_, outputs)) {  // the loss would throw, or quietly ignore outputs
    out.push_back(std::move(*f));
    snapshot.restore(model_);
    return done();
  }
  const torch::Tensor l = loss(outputs, y);
  const double init_loss = l.item<double>();
  l.backward();
  {
    std::vector<std::string> none, zero;
    for (const auto& [name, p] : params) {
      if (!p.grad().defined()) {
        none.push_back(name);
      } else if (p.grad().abs().max().item<double>() == 0.0) {
        zero.push_back(name);
      }
    }
    if (!none.empty() || !zero.empty()) {
      std::vector<std::string> all = none;
      all.insert(all.end(), zero.begin(), zero.end());
      out.push_back(finding(
          "grad.coverage", Severity::Error, stage,
          fmt::format("{} trainable parameter tensor(s) get no gradient from the loss ({} none: not in the graph, "
                      "e.g. a detached branch or an unused layer; {} all zero): {}",
                      all.size(), none.size(), zero.size(), join(all)),
          {{"no_gradient", none}, {"zero_gradient", zero}, {"loss", init_loss}},
          "find where these parameters leave the graph (.detach(), .data, a NoGradGuard, a branch whose output is "
          "unused), or freeze them with requires_grad(false)"));
    }
  }

  // Gradient flow at init: the first layer's gradient against the last's
  // (off with the train-time check: grad_ratio_checks 0).
  if (options_.grad_ratio_checks > 0) {
    const NamedTensors weights = weight_matrices(params);
    const double ratio = first_last_gradient_ratio(weights);
    if (ratio >= 0) {
      if (auto f = gradient_ratio_finding(ratio, weights.front().first, weights.back().first, stage,
                                          "on the preflight batch, at init", options_)) {
        fire_once(std::move(*f));
      }
    }
  }

  if (target_ && !output_bias_.empty()) {
    for (const auto& item : model_.named_parameters()) {
      if (item.key() == output_bias_) {
        if (auto f = output_bias_finding(*target_, item.value().detach().to(torch::kCPU, torch::kFloat64))) {
          out.push_back(std::move(*f));
        }
      }
    }
  }
  // The theory below is cross-entropy's for classification (MSE's for regression).
  if (target_ && (target_->task == Task::Regression || logits_loss_)) {
    if (const auto expected = expected_init_loss(*target_)) {
      const double rel = std::abs(init_loss - *expected) / std::max(*expected, 1e-12);
      if (std::isfinite(init_loss) && rel > options_.init_loss_tolerance) {
        out.push_back(finding(
            "init.loss", Severity::Warn, stage,
            fmt::format("loss at init {:.4g}, expected about {:.4g} for this target ({:.0f}% off)", init_loss,
                        *expected, 100 * rel),
            {{"loss", init_loss},
             {"expected", *expected},
             {"relative_difference", rel},
             {"tolerance", options_.init_loss_tolerance}},
            target_->task == Task::Regression
                ? (target_->standardized_target
                       ? "start the output bias at the target's mean (model.init_output_bias=true)"
                       : "standardize the target (data.normalize_target=true): then the output starts at its mean "
                         "with unit scale")
                : "start from small random weights and set the output bias to the class prior "
                  "(model.init_output_bias=true); check that the loss takes logits"));
      }
    }
  }

  // Multi-output classification: rows that sum to 1 are softmax outputs.
  if (logits_loss_ && outputs.dim() == 2 && outputs.size(1) > 1) {
    torch::NoGradGuard no_grad;
    const torch::Tensor o = outputs.detach();
    const bool unit = (o.min().item<double>() >= 0.0) && (o.max().item<double>() <= 1.0);
    const double row_sum_error = (o.sum(1) - 1.0).abs().max().item<double>();
    if (unit && row_sum_error < 1e-4) {
      out.push_back(finding(
          "output.range", Severity::Warn, stage,
          "every output lies in [0, 1] and every row sums to 1: the model applies a softmax, and the "
          "loss takes logits and applies it again",
          {{"min", o.min().item<double>()}, {"max", o.max().item<double>()}, {"max_row_sum_error", row_sum_error}},
          "return logits from forward() (no softmax/sigmoid) when the loss is cross-entropy or "
          "BCE-with-logits"));
    }
  }

  // eval.determinism: eval mode must be a function of the input.
  model_.train(false);
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor a = forward(x), b = forward(x);
    const double diff = (a - b).abs().max().item<double>();
    if (!(diff == 0.0)) {
      out.push_back(finding("eval.determinism", Severity::Error, stage,
                            fmt::format("two eval-mode forwards of the same batch differ by up to {:.3g}: something "
                                        "random (dropout?) is still active at evaluation",
                                        diff),
                            {{"max_abs_difference", diff}},
                            "use torch::nn::Dropout modules (eval() turns them off), or pass is_training() to "
                            "functional dropout; call model->eval() before evaluating"));
    }
  }

  // batch.independence: in eval mode, row 0's output must not depend on other rows.
  if (x.is_floating_point() && x.size(0) >= 2) {
    const torch::Tensor xi = x.detach().clone().requires_grad_(true);
    const torch::Tensor o = forward(xi);
    if (o.dim() >= 1 && o.size(0) == x.size(0)) {
      const auto grads = torch::autograd::grad({o[0].sum()}, {xi}, {}, /*retain_graph=*/false,
                                               /*create_graph=*/false, /*allow_unused=*/true);
      if (grads[0].defined()) {
        const torch::Tensor others = grads[0].narrow(0, 1, x.size(0) - 1).abs();
        const double leak = others.max().item<double>();
        if (leak > 0) {
          const int64_t rows = (others.flatten(1).amax(1) > 0).sum().item<int64_t>();
          out.push_back(finding("batch.independence", Severity::Error, stage,
                                fmt::format("the output of row 0 depends on {} other row(s) of the batch (max |d "
                                            "out_0 / d x_j| = {:.3g}): the model mixes samples",
                                            rows, leak),
                                {{"rows_mixed_in", rows}, {"max_gradient", leak}},
                                "look for a view/reshape or a reduction over dimension 0 (e.g. view(-1, ...) "
                                "that regroups rows, or a mean over the batch)"));
        }
      }
    }
  }

  // overfit.one_batch: a copy of the model (same tensors, restored below)
  // must drive the loss on a few rows near zero.
  const int64_t rows = std::min<int64_t>(options_.overfit_rows, x.size(0));
  if (rows >= 2) {
    const torch::Tensor xs = x.narrow(0, 0, rows), ys = y.narrow(0, 0, rows);
    std::vector<torch::Tensor> tensors;
    for (const auto& [name, p] : params) tensors.push_back(p);
    torch::optim::Adam adam(tensors, torch::optim::AdamOptions(options_.overfit_lr));
    const auto eval_loss = [&] {
      torch::NoGradGuard no_grad;
      model_.train(false);
      const double v = loss(forward(xs), ys).item<double>();
      train_without_dropout(model_);
      return v;
    };
    const double start = eval_loss();
    // The model must remove 90% of the loss that can be removed: all of it
    // when the rows are distinct, less when identical inputs carry
    // different targets (loss_floor).
    const double floor = std::isfinite(start) ? std::min(loss_floor(xs, ys, outputs.detach(), loss), start) : 0.0;
    const double goal = floor + options_.overfit_ratio * (start - floor);
    double last = start;
    int64_t steps = 0;
    train_without_dropout(model_);
    while (steps < options_.overfit_steps) {
      adam.zero_grad();
      loss(forward(xs), ys).backward();
      adam.step();
      ++steps;
      if (steps % 25 == 0 || steps == options_.overfit_steps) {
        last = eval_loss();
        if (last <= goal) break;
      }
    }
    if (std::isfinite(start) && !(last <= goal)) {
      // Removing under half of the loss that can be removed is proof that
      // something between output and loss is broken (activated outputs into
      // a logits loss stay near the start); getting most of the way but not
      // 90% is a model that learns but cannot memorize (one input column, a
      // narrow net): a warning.
      const bool broken = !(last <= floor + options_.overfit_error_share * (start - floor));
      out.push_back(finding(
          "overfit.one_batch", broken ? Severity::Error : Severity::Warn, stage,
          fmt::format("{} steps of Adam (lr {:g}) on {} rows took the loss from {:.4g} to {:.4g} only (must reach "
                      "{:.4g}: {:.0f}% of the way to {:.4g}, the lowest loss any function of these inputs can "
                      "reach): the model cannot fit even one small batch",
                      steps, options_.overfit_lr, rows, start, last, goal, 100 * (1 - options_.overfit_ratio), floor),
          {{"rows", rows},
           {"steps", steps},
           {"loss_start", start},
           {"loss_end", last},
           {"loss_floor", floor},
           {"goal", goal},
           {"target_ratio", options_.overfit_ratio}},
          "look for a bug between outputs and loss (activated outputs into a logits loss, wrong target shape or "
          "type), too little capacity, or parameters that do not train"));
    }
    // Single output fed to a logits loss: after fitting, logits leave [0, 1]; sigmoid outputs cannot.
    if (logits_loss_) {
      torch::NoGradGuard no_grad;
      model_.train(false);
      const torch::Tensor o = forward(xs);
      if (o.dim() == 2 && o.size(1) == 1 && o.min().item<double>() >= 0.0 && o.max().item<double>() <= 1.0 &&
          !(last <= goal)) {
        out.push_back(finding("output.range", Severity::Warn, stage,
                              fmt::format("after fitting {} rows every output still lies in [{:.3g}, {:.3g}]: the "
                                          "model applies a sigmoid, and the loss takes logits",
                                          rows, o.min().item<double>(), o.max().item<double>()),
                              {{"min", o.min().item<double>()}, {"max", o.max().item<double>()}},
                              "return logits from forward() (no sigmoid) when the loss is BCE-with-logits"));
      }
    }
  }

  snapshot.restore(model_);
  const std::vector<Finding> dependence = check_input_dependence(x, y, forward, loss);
  out.insert(out.end(), dependence.begin(), dependence.end());
  snapshot.restore(model_);
  return done();
}

}  // namespace nnrecipe
