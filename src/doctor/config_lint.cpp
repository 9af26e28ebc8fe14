// The config.* checks (docs/checks.md, "config lint"). Each one reads
// the config and DataFacts only; the thresholds are the catalogue's defaults
// (src/doctor/catalogue.cpp says where they come from).
#include "nnrecipe/config_lint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/metrics.h"
#include "nnrecipe/prepared_data.h"

namespace nnrecipe {
namespace {

constexpr const char* kStage = "lint";

Finding finding(std::string id, Severity severity, std::string message, nlohmann::json evidence, std::string fix) {
  return {std::move(id), severity, kStage, std::move(message), std::move(evidence), std::move(fix)};
}

bool classification(Task task) { return task != Task::Regression; }

void loss_task_mismatch(const Config& c, const DataFacts& d, std::vector<Finding>& out) {
  const std::string loss = resolved_loss(c, d.task);
  const std::string task = to_string(d.task);
  const nlohmann::json evidence = {{"loss", loss}, {"task", task}, {"classes", d.class_counts.size()}};
  const std::string right = d.task == Task::Binary ? "bce" : d.task == Task::Multiclass ? "ce" : "mse";
  const std::string fix = fmt::format("set train.loss={} (or auto, which picks it for a {} target)", right, task);
  if (classification(d.task) && (loss == "mse" || loss == "l1" || loss == "huber")) {
    out.push_back(finding("config.loss_task_mismatch", Severity::Error,
                          fmt::format("train.loss {} is a regression loss, but the target is {} ({} classes)", loss,
                                      task, d.class_counts.size()),
                          evidence, fix));
  } else if (!classification(d.task) && (loss == "bce" || loss == "ce")) {
    out.push_back(
        finding("config.loss_task_mismatch", Severity::Error,
                fmt::format("train.loss {} is a classification loss, but the target is numeric (regression)", loss),
                evidence, fix));
  } else if (loss == "bce" && d.task == Task::Multiclass) {
    out.push_back(finding("config.loss_task_mismatch", Severity::Error,
                          fmt::format("train.loss bce takes two classes, but the target has {}", d.class_counts.size()),
                          evidence, fix));
  }
  if (!out.empty() && out.back().id == "config.loss_task_mismatch") out.back().fix_set = {{"train.loss", "auto"}};
}

void double_activation(const Config& c, const DataFacts& d, std::vector<Finding>& out) {
  const std::string loss = resolved_loss(c, d.task);
  const std::string act = c.model.output_activation;
  if (act == "none" || (loss != "bce" && loss != "ce")) return;
  out.push_back(
      finding("config.double_activation", Severity::Error,
              fmt::format("model.output_activation {} feeds train.loss {}, which applies {} itself to logits: the "
                          "outputs are squashed twice",
                          act, loss, loss == "bce" ? "a sigmoid" : "a softmax"),
              {{"output_activation", act}, {"loss", loss}},
              "set model.output_activation=none (the loss takes logits; predictions apply the activation)"));
  out.back().fix_set = {{"model.output_activation", "none"}};
}

void output_dim(const Config& c, const DataFacts& d, std::vector<Finding>& out) {
  if (c.model.outputs == 0) return;
  const int64_t classes = static_cast<int64_t>(d.class_names.size());
  const int64_t needed = d.task == Task::Multiclass ? classes : 1;
  if (c.model.outputs == needed) return;
  out.push_back(
      finding("config.output_dim", Severity::Error,
              fmt::format("model.outputs is {} but a {} target needs {} output unit{}{}", c.model.outputs,
                          to_string(d.task), needed, needed == 1 ? "" : "s",
                          d.task == Task::Multiclass ? fmt::format(" (one per class: {} classes)", classes) : ""),
              {{"outputs", c.model.outputs}, {"needed", needed}, {"task", to_string(d.task)}},
              "set model.outputs=0 (the tool sizes the output layer for the task)"));
  out.back().fix_set = {{"model.outputs", 0}};
}

void lr_range(const Config& c, std::vector<Finding>& out) {
  // L-BFGS searches each step's length; its lr only scales the first trial.
  if (c.train.optimizer == "lbfgs") return;
  const bool sgd = c.train.optimizer == "sgd";
  const double lo = sgd ? 1e-4 : 1e-5, hi = sgd ? 1.0 : 1e-2;  // [UMLAUT; DeepDiagnosis]
  const double lr = c.train.lr;
  if (lr >= lo && lr <= hi) return;
  const double suggest = sgd ? 0.01 : 3e-4;
  out.push_back(finding("config.lr_range", Severity::Warn,
                        fmt::format("train.lr {:g} is {} the usual range [{:g}, {:g}] for {}", lr,
                                    lr < lo ? "below" : "above", lo, hi, c.train.optimizer),
                        {{"lr", lr}, {"optimizer", c.train.optimizer}, {"low", lo}, {"high", hi}},
                        fmt::format("set train.lr={:g} (a safe start for {}), or find it with a learning-rate "
                                    "range test",
                                    suggest, sgd ? "SGD with momentum" : "Adam")));
  out.back().fix_set = {{"train.lr", suggest}};
}

void no_normalization(const Config& c, const DataFacts& d, std::vector<Finding>& out) {
  if (c.data.normalize || d.off_scale.empty()) return;
  nlohmann::json features = nlohmann::json::array();
  std::string names;
  for (std::size_t i = 0; i < d.off_scale.size() && i < 5; ++i) {
    const auto& s = d.off_scale[i];
    features.push_back({{"feature", s.feature}, {"mean", s.mean}, {"std", s.std}});
    names += fmt::format("{}{} (mean {:.3g}, std {:.3g})", i ? ", " : "", s.feature, s.mean, s.std);
  }
  out.push_back(finding("config.no_normalization", Severity::Warn,
                        fmt::format("data.normalize is false and {} input feature{} far from unit scale: {}",
                                    d.off_scale.size(), d.off_scale.size() == 1 ? " is" : "s are", names),
                        {{"off_scale_features", d.off_scale.size()}, {"largest", features}},
                        "set data.normalize=true (standardization is fitted on the training split only)"));
  out.back().fix_set = {{"data.normalize", true}};
}

void batch_size(const Config& c, const DataFacts& d, std::vector<Finding>& out) {
  const int64_t b = c.train.batch_size;
  if (d.train_rows > 0 && b >= d.train_rows) {
    const int64_t smaller = std::max<int64_t>(1, std::min<int64_t>(64, d.train_rows / 10));
    out.push_back(finding(
        "config.batch_size", Severity::Warn,
        fmt::format("train.batch_size {} >= the {} training rows: one full-batch step per epoch", b, d.train_rows),
        {{"batch_size", b}, {"train_rows", d.train_rows}}, fmt::format("set train.batch_size={} or smaller", smaller)));
    out.back().fix_set = {{"train.batch_size", smaller}};
  }
  const bool batchnorm = c.model.batchnorm || c.model.type == "cnn";
  if (batchnorm && b < 8) {
    out.push_back(finding("config.batch_size", Severity::Warn,
                          fmt::format("train.batch_size {} with batch normalization: statistics over fewer than 8 "
                                      "rows are mostly noise",
                                      b),
                          {{"batch_size", b}, {"batchnorm", true}},
                          "set train.batch_size=32 or more, or model.batchnorm=false"));
    out.back().fix_set = {{"train.batch_size", 32}};
  }
}

void dropout_range(const Config& c, std::vector<Finding>& out) {
  if (c.model.dropout <= 0.5) return;  // [UMLAUT]
  out.push_back(finding("config.dropout_range", Severity::Warn,
                        fmt::format("model.dropout {:g} drops more than half of every layer's units", c.model.dropout),
                        {{"dropout", c.model.dropout}, {"threshold", 0.5}},
                        "set model.dropout=0 for a first run, then add 0.1-0.5 only if the model overfits"));
  out.back().fix_set = {{"model.dropout", 0.0}};
}

void adam_l2(const Config& c, std::vector<Finding>& out) {
  if (c.train.optimizer != "adam" || c.train.weight_decay <= 0) return;
  out.push_back(finding("config.adam_l2", Severity::Info,
                        fmt::format("train.weight_decay {:g} with adam is L2 added to the gradient, which Adam "
                                    "rescales per parameter",
                                    c.train.weight_decay),
                        {{"optimizer", "adam"}, {"weight_decay", c.train.weight_decay}},
                        "set train.optimizer=adamw (decoupled weight decay)"));
  out.back().fix_set = {{"train.optimizer", "adamw"}};
}

void early_schedule(const Config& c, std::vector<Finding>& out) {
  if (c.train.schedule == "constant") return;
  out.push_back(finding("config.early_schedule", Severity::Info,
                        fmt::format("train.schedule {} decays the learning rate from the start", c.train.schedule),
                        {{"schedule", c.train.schedule}},
                        "train with schedule=constant until the model overfits, then add the decay"));
  out.back().fix_set = {{"train.schedule", "constant"}};
}

void early_augmentation(const Config& c, std::vector<Finding>& out) {
  if (!c.model.augment) return;
  out.push_back(finding("config.early_augmentation", Severity::Info,
                        "model.augment is on: augmentation regularizes before the model has been shown to overfit",
                        {{"augment", true}},
                        "set model.augment=false for the first runs; add it in the regularize stage"));
  out.back().fix_set = {{"model.augment", false}};
}

void no_seed(const Config& c, std::vector<Finding>& out) {
  if (c.train.seed.has_value()) return;
  out.push_back(finding("config.no_seed", Severity::Info,
                        "train.seed is null: every run draws other weights and batches", {{"seed", nullptr}},
                        "set train.seed=0 (any fixed number)"));
  out.back().fix_set = {{"train.seed", 0}};
}

void metric_imbalance(const Config& c, const DataFacts& d, std::vector<Finding>& out) {
  if (!classification(d.task) || d.class_counts.size() < 2) return;
  // "auto" resolves to a metric fit for the class balance (metrics.cpp):
  // only a config that asks for accuracy gets here.
  const std::string& chosen = c.train.early_stopping.metric;
  const std::string metric = chosen == "auto" ? default_selection_metric(d.task, d.class_counts).name : chosen;
  if (metric != "accuracy" || c.train.early_stopping.patience == 0) return;
  const auto [lo, hi] = std::minmax_element(d.class_counts.begin(), d.class_counts.end());
  const double ratio = *hi > 0 ? static_cast<double>(*lo) / static_cast<double>(*hi) : 1.0;
  if (ratio >= kImbalancedClassRatio) return;
  const auto name = [&](auto it) {
    const auto i = static_cast<std::size_t>(it - d.class_counts.begin());
    return i < d.class_names.size() ? d.class_names[i] : std::to_string(i);
  };
  out.push_back(
      finding("config.metric_imbalance", Severity::Warn,
              fmt::format("early stopping selects by accuracy, but class '{}' has {} training rows against {} of '{}' "
                          "(ratio {:.3f})",
                          name(lo), *lo, *hi, name(hi), ratio),
              {{"metric", metric},
               {"rarest_class", name(lo)},
               {"rarest_count", *lo},
               {"commonest_class", name(hi)},
               {"commonest_count", *hi},
               {"ratio", ratio},
               {"threshold", kImbalancedClassRatio}},
              d.task == Task::Binary ? "set train.early_stopping.metric=auc (or pr_auc when positives are rare)"
                                     : "set train.early_stopping.metric=balanced_accuracy (or macro_f1)"));
  out.back().fix_set = {{"train.early_stopping.metric", d.task == Task::Binary ? "auc" : "balanced_accuracy"}};
}

}  // namespace

std::vector<Finding> lint_config(const Config& config, const DataFacts& facts) {
  std::vector<Finding> out;
  loss_task_mismatch(config, facts, out);
  double_activation(config, facts, out);
  output_dim(config, facts, out);
  lr_range(config, out);
  no_normalization(config, facts, out);
  batch_size(config, facts, out);
  dropout_range(config, out);
  adam_l2(config, out);
  early_schedule(config, out);
  early_augmentation(config, out);
  no_seed(config, out);
  metric_imbalance(config, facts, out);
  return out;
}

void suggest_config_fixes(std::vector<Finding>& findings, const Config& c) {
  for (Finding& f : findings) {
    if (!f.fix_set.empty()) continue;
    if (f.id == "init.output_bias" && !c.model.init_output_bias) {
      f.fix_set = {{"model.init_output_bias", true}};
    } else if (f.id == "init.loss" && c.data.normalize_target == false) {
      f.fix_set = {{"data.normalize_target", true}};
    } else if (f.id == "train.saturation" && !c.data.normalize) {
      f.fix_set = {{"data.normalize", true}};
    } else if (f.id == "train.vanishing_grad" && (c.model.activation == "sigmoid" || c.model.activation == "tanh")) {
      f.fix_set = {{"model.activation", "relu"}};
    } else if (f.id == "train.dead_relu" && c.model.hidden_bias_init) {
      f.fix_set = {{"model.hidden_bias_init", nullptr}};
    }
  }
}

}  // namespace nnrecipe
