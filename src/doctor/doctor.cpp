// Preflight checks and training monitors (../shared/RECIPE.md, "Preflight"
// and "Monitors"). Thresholds are DoctorOptions' defaults; the catalogue
// (src/doctor/catalogue.cpp) says where they come from.
#include "nnrecipe/doctor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace nnrecipe {
namespace {

Finding finding(std::string id, Severity severity, std::string stage, std::string message, nlohmann::json evidence,
                std::string fix) {
  return {std::move(id), severity, std::move(stage), std::move(message), std::move(evidence), std::move(fix)};
}

bool all_finite(const torch::Tensor& t) {
  return !t.is_floating_point() || t.numel() == 0 || torch::isfinite(t).all().item<bool>();
}

std::string join(const std::vector<std::string>& names, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += fmt::format(" and {} more", names.size() - max);
  return out;
}

// The loss at init that theory predicts, or nullopt where it cannot say.
std::optional<double> expected_init_loss(const TargetInfo& t) {
  if (t.task == Task::Regression) {
    if (!t.standardized_target) return std::nullopt;
    return 1.0;  // MSE of a ~0 prediction on a unit-variance target
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
    if (!t.standardized_target || bias.numel() != 1) return std::nullopt;
    const double b = bias.item<double>();
    if (std::abs(b) <= 0.5) return std::nullopt;  // the standardized target's mean is 0
    return finding("init.output_bias", Severity::Warn, "preflight",
                   fmt::format("output bias {:.3g}, but the standardized target's mean is 0", b),
                   {{"bias", b}, {"expected", 0.0}}, fix());
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

// The parameters an optimizer updates (and zeroes), by identity.
std::unordered_set<const torch::TensorImpl*> optimizer_params(torch::optim::Optimizer& optimizer) {
  std::unordered_set<const torch::TensorImpl*> out;
  for (const auto& group : optimizer.param_groups()) {
    for (const auto& p : group.params()) out.insert(p.unsafeGetTensorImpl());
  }
  return out;
}

// Steps averaged by the loss monitors (single batches are too noisy).
constexpr std::size_t kWindow = 20;

}  // namespace

// Everything preflight may change, to put back afterwards.
struct Doctor::Snapshot {
  std::vector<torch::Tensor> params, buffers, grads;
  bool training = true;

  explicit Snapshot(torch::nn::Module& m) : training(m.is_training()) {
    torch::NoGradGuard no_grad;
    for (const auto& p : m.parameters()) {
      params.push_back(p.detach().clone());
      grads.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::Tensor());
    }
    for (const auto& b : m.buffers()) buffers.push_back(b.detach().clone());
  }

  void restore(torch::nn::Module& m) const {
    torch::NoGradGuard no_grad;
    auto ps = m.parameters();
    for (std::size_t i = 0; i < ps.size(); ++i) {
      ps[i].copy_(params[i]);
      if (grads[i].defined()) {
        ps[i].mutable_grad() = grads[i].clone();
      } else {
        ps[i].mutable_grad() = torch::Tensor();
      }
    }
    auto bs = m.buffers();
    for (std::size_t i = 0; i < bs.size(); ++i) bs[i].copy_(buffers[i]);
    m.train(training);
  }
};

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

std::vector<Finding> Doctor::preflight(const torch::Tensor& x, const torch::Tensor& y, const ForwardFn& forward,
                                       const LossFn& loss) {
  const std::string stage = "preflight";
  std::vector<Finding> out;

  // data.nan_batch: nothing else means anything on a non-finite batch.
  if (!all_finite(x) || !all_finite(y)) {
    const int64_t bad_x = x.is_floating_point() ? (~torch::isfinite(x)).sum().item<int64_t>() : 0;
    const int64_t bad_y = y.is_floating_point() ? (~torch::isfinite(y)).sum().item<int64_t>() : 0;
    out.push_back(finding("data.nan_batch", Severity::Error, stage,
                          fmt::format("the batch holds {} non-finite input value(s) and {} non-finite target(s)",
                                      bad_x, bad_y),
                          {{"nonfinite_inputs", bad_x}, {"nonfinite_targets", bad_y}, {"rows", x.size(0)}},
                          "impute or drop NaN/Inf before training (nnrecipe's transforms impute missing values)"));
    record(out);
    return out;
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
      out.push_back(finding("optim.coverage", Severity::Error, stage,
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

  // One real step's gradients (train mode), and the loss at init.
  model_.train(true);
  for (auto& [name, p] : params) p.mutable_grad() = torch::Tensor();
  const torch::Tensor outputs = forward(x);
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
            {{"loss", init_loss}, {"expected", *expected}, {"relative_difference", rel},
             {"tolerance", options_.init_loss_tolerance}},
            target_->task == Task::Regression
                ? "standardize the target (data.normalize_target=true) and start the output bias at its mean"
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
      out.push_back(finding("output.range", Severity::Warn, stage,
                            "every output lies in [0, 1] and every row sums to 1: the model applies a softmax, and the "
                            "loss takes logits and applies it again",
                            {{"min", o.min().item<double>()}, {"max", o.max().item<double>()},
                             {"max_row_sum_error", row_sum_error}},
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
      model_.train(true);
      return v;
    };
    const double start = eval_loss();
    double last = start;
    int64_t steps = 0;
    model_.train(true);
    while (steps < options_.overfit_steps) {
      adam.zero_grad();
      loss(forward(xs), ys).backward();
      adam.step();
      ++steps;
      if (steps % 25 == 0 || steps == options_.overfit_steps) {
        last = eval_loss();
        if (last <= options_.overfit_ratio * start) break;
      }
    }
    if (std::isfinite(start) && !(last <= options_.overfit_ratio * start)) {
      out.push_back(finding(
          "overfit.one_batch", Severity::Error, stage,
          fmt::format("{} steps of Adam (lr {:g}) on {} rows took the loss from {:.4g} to {:.4g} only (must reach "
                      "{:.0f}% of it): the model cannot fit even one small batch",
                      steps, options_.overfit_lr, rows, start, last, 100 * options_.overfit_ratio),
          {{"rows", rows}, {"steps", steps}, {"loss_start", start}, {"loss_end", last},
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
          !(last <= options_.overfit_ratio * start)) {
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
  record(out);
  return out;
}

void Doctor::after_backward() {
  if (armed_ && !stale_.empty()) {
    std::sort(stale_.begin(), stale_.end());
    stale_.erase(std::unique(stale_.begin(), stale_.end()), stale_.end());
    if (std::find(fired_.begin(), fired_.end(), "train.grad_accumulation") == fired_.end()) {
      fired_.push_back("train.grad_accumulation");
      record({finding("train.grad_accumulation", Severity::Error, "train",
                      fmt::format("at step {} the gradients of {} parameter tensor(s) still held the previous step's "
                                  "values when backward() added new ones: {}",
                                  step_, stale_.size(), join(stale_)),
                      {{"step", step_}, {"parameters", stale_}},
                      "call optimizer.zero_grad() (or zero_grad(set_to_none)) before each backward()")});
    }
  }
  armed_ = false;
  stale_.clear();
  // train.update_ratio: keep the weights as they are before the next step
  // when that step is a check (the first few checks only: see after_step).
  if ((step_ + 1) % options_.check_every == 0 && update_checks_ < options_.update_ratio_checks) {
    torch::NoGradGuard no_grad;
    before_step_.clear();
    for (const auto& [name, p] : watched_) {
      // Embedding tables are left out: N(0, 1) at init and only the rows a
      // batch uses move, so a healthy table's ratio sits near 1e-4 (ames).
      if (p.dim() >= 2 && name.find("embedding") == std::string::npos) before_step_.emplace_back(name, p.detach().clone());
    }
  }
}

void Doctor::after_step(double loss) {
  ++step_;
  // Each monitor reports once per run; train.nan and train.diverging stop it.
  const auto fire_once = [&](Finding f) {
    if (std::find(fired_.begin(), fired_.end(), f.id) != fired_.end()) return;
    fired_.push_back(f.id);
    const bool stops = f.id == "train.nan" || f.id == "train.diverging";
    if (record({std::move(f)}) && stops) stop_ = true;
  };

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
  armed_ = true;  // the next backward checks that .grad was zeroed

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

  // train.nan in parameters; train.unchanged_params against step 0.
  const auto params = trainable();
  if (start_values_.empty()) {
    torch::NoGradGuard no_grad;
    for (const auto& [name, p] : params) start_values_.push_back(p.detach().clone());
    start_step_ = step_;
    return;
  }
  std::vector<std::string> nonfinite, unchanged;
  {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < params.size() && i < start_values_.size(); ++i) {
      const torch::Tensor& p = params[i].second;
      if (!all_finite(p)) nonfinite.push_back(params[i].first);
      if (torch::equal(p, start_values_[i])) unchanged.push_back(params[i].first);
    }
  }
  if (!nonfinite.empty()) {
    fire_once(finding("train.nan", Severity::Error, "train",
                      fmt::format("parameters hold NaN/Inf at step {}: {}", step_, join(nonfinite)),
                      {{"step", step_}, {"parameters", nonfinite}},
                      "lower train.lr, clip gradients (train.grad_clip), and check the inputs for NaN/Inf"));
  }
  if (!unchanged.empty() && step_ - start_step_ >= options_.unchanged_steps) {
    fire_once(finding("train.unchanged_params", Severity::Error, "train",
                      fmt::format("{} trainable parameter tensor(s) are bit-identical to their values {} steps ago "
                                  "(step {}): {}",
                                  unchanged.size(), step_ - start_step_, start_step_, join(unchanged)),
                      {{"step", step_}, {"since_step", start_step_}, {"parameters", unchanged}},
                      "add them to the optimizer, or freeze them explicitly with requires_grad(false)"));
  }
}

}  // namespace nnrecipe
