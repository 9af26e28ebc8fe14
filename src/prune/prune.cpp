// prune_run: iterative magnitude pruning of a trained run, with fine-tuning
// after each step, and the table, JSON and report of sparsity against the
// validation metric (include/nnrecipe/prune.h).
#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/prune.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe {
namespace {

int64_t count_params(torch::nn::Module& net, bool nonzero_only) {
  torch::NoGradGuard no_grad;
  int64_t n = 0;
  for (const auto& p : net.parameters()) n += nonzero_only ? (p != 0).sum().item<int64_t>() : p.numel();
  return n;
}

// Forward time in eval mode on up to 2048 validation rows, ms per 1000 rows:
// best of repeated timings (the machine is shared; the minimum is the
// least disturbed).
double ms_per_1000_rows(NetworkImpl& net, const TensorData& d) {
  const int64_t n = std::min<int64_t>(d.size(), 2048);
  if (n == 0) return 0;
  net.eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = d.x.slice(0, 0, n);
  const torch::Tensor ids = d.ids.defined() && d.ids.numel() > 0 ? d.ids.slice(0, 0, n) : torch::Tensor();
  for (int i = 0; i < 3; ++i) net.forward(x, ids);
  double best = INFINITY, total = 0;
  for (int rep = 0; rep < 200 && (rep < 5 || total < 0.3); ++rep) {
    const auto start = std::chrono::steady_clock::now();
    net.forward(x, ids);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, s), total += s;
  }
  return best * 1000.0 * 1000.0 / static_cast<double>(n);
}

std::vector<int64_t> total_widths(const ModelConfig& m) { return m.hidden; }

std::string csv(const PruneResult& r) {
  std::string out = "sparsity,actual,params,val_" + r.metric + "_pruned,val_" + r.metric + ",test_" + r.metric +
                    ",ms_per_1000_rows,model\n";
  const auto line = [&](double sparsity, const PruneStep& s) {
    out += fmt::format("{},{:.4f},{},{},{},{},{:.4f},{}\n", sparsity, s.actual, s.params, s.val_before_finetune,
                       s.val.count(r.metric) ? s.val.at(r.metric) : NAN,
                       s.test.count(r.metric) ? s.test.at(r.metric) : NAN, s.ms_per_1000_rows, s.model_dir);
  };
  line(0, r.dense);
  for (const PruneStep& s : r.steps) line(s.sparsity, s);
  return out;
}

nlohmann::json step_json(const PruneStep& s) {
  return {{"sparsity", s.sparsity},
          {"actual", s.actual},
          {"params", s.params},
          {"hidden", s.hidden},
          {"val", s.val},
          {"test", s.test},
          {"val_before_finetune", s.val_before_finetune},
          {"ms_per_1000_rows", s.ms_per_1000_rows},
          {"model_dir", s.model_dir}};
}

}  // namespace

PruneResult prune_run(const PruneOptions& o) {
  if (o.sparsities.empty()) throw InputError("--sparsity: give at least one value in (0, 1), e.g. 0.5,0.9");
  for (std::size_t i = 0; i < o.sparsities.size(); ++i) {
    const double s = o.sparsities[i];
    if (!(s > 0 && s < 1)) throw InputError(fmt::format("--sparsity {}: each value must lie in (0, 1)", s));
    if (i > 0 && s <= o.sparsities[i - 1])
      throw InputError("--sparsity: values must increase (each step prunes further)");
  }
  LoadedModel m = load_model(o.run_dir + "/model");
  // The run's own config.yaml keeps the data paths as the run read them
  // (model/config.yaml's are taken relative to the model folder).
  const std::string config_path = o.run_dir + "/config.yaml";
  Config config = parse_config(read_text_file(config_path, "cannot open the run's config"), config_path);
  const PreparedData data = prepare_data(config);
  const std::string name = config.train.early_stopping.metric;
  const SelectionMetric metric = name == "auto" || name == "val_loss"
                                     ? default_selection_metric(data.task, data.class_counts)
                                     : selection_metric(name);
  PruneResult r;
  r.metric = metric.name;
  r.higher_is_better = metric.higher_is_better;
  r.structured = o.structured;
  r.out_dir = o.out_dir.empty() ? o.run_dir + (o.structured ? "/prune-structured" : "/prune") : o.out_dir;
  const auto say = [&](const std::string& s) {
    if (o.on_progress) o.on_progress(s);
  };
  make_directories(r.out_dir);

  Network net = m.net;
  const auto evaluate = [&](const Config& c, const TensorData& split) { return Trainer(c, data, net).evaluate(split); };
  const auto score = [&](const Evaluation& e) { return e.metrics.count(r.metric) ? e.metrics.at(r.metric) : NAN; };
  r.dense.val = evaluate(config, data.val).metrics;
  r.dense.test = evaluate(config, data.test).metrics;
  r.dense.params = count_params(*net, !o.structured);
  r.dense.hidden = total_widths(config.model);
  r.dense.actual = o.structured ? 0 : weight_sparsity(*net);
  r.dense.ms_per_1000_rows = ms_per_1000_rows(*net, data.val);
  say(fmt::format("dense: val {} {:.4f}, {} parameters", r.metric,
                  r.dense.val.count(r.metric) ? r.dense.val.at(r.metric) : NAN, r.dense.params));

  const std::vector<int64_t> original_widths = config.model.hidden;
  double previous = 0;
  for (double sparsity : o.sparsities) {
    if (interrupt_requested()) break;
    PruneStep step;
    step.sparsity = sparsity;
    std::map<std::string, torch::Tensor> masks;
    if (o.structured) {
      // Relative to the current (already smaller) network.
      net = shrink_network(*net, config.model, data.shape, 1 - (1 - sparsity) / (1 - previous));
      double kept = 0, all = 0;
      for (std::size_t i = 0; i < original_widths.size(); ++i) {
        kept += static_cast<double>(config.model.hidden[i]), all += static_cast<double>(original_widths[i]);
      }
      step.actual = all > 0 ? 1 - kept / all : 0;
    } else {
      masks = magnitude_masks(*net, sparsity);
      apply_masks(*net, masks);
    }
    step.val_before_finetune = score(evaluate(config, data.val));
    if (o.finetune_epochs > 0) {
      Config tune = config;
      tune.train.epochs = o.finetune_epochs;
      tune.train.early_stopping.patience = 0;
      TrainerOptions options;
      if (!o.structured) options.after_optimizer_step = [&] { apply_masks(*net, masks); };
      const TrainOutcome out = Trainer(tune, data, net, options).fit();
      // A step whose fine-tuning was cut is not a finished step: dropped,
      // as if it had not started (its model is not saved).
      if (out.interrupted) break;
      step.val = out.val;
      step.test = out.test;
    } else {
      step.val = evaluate(config, data.val).metrics;
      step.test = evaluate(config, data.test).metrics;
    }
    if (!o.structured) step.actual = weight_sparsity(*net);
    step.params = count_params(*net, !o.structured);
    step.hidden = config.model.hidden;
    step.ms_per_1000_rows = ms_per_1000_rows(*net, data.val);
    step.model_dir = fmt::format("{}/sparsity-{:.2f}/model", r.out_dir, sparsity);
    save_model(step.model_dir, config, data, *net);
    say(fmt::format("sparsity {:.2f} (actual {:.3f}): val {} {:.4f} after pruning, {:.4f} fine-tuned; {} parameters",
                    sparsity, step.actual, r.metric, step.val_before_finetune,
                    step.val.count(r.metric) ? step.val.at(r.metric) : NAN, step.params));
    r.steps.push_back(std::move(step));
    previous = sparsity;
  }
  if (interrupt_requested()) {
    r.interrupted = interrupt_name();
    say(fmt::format("interrupted ({}) after {} of {} steps", r.interrupted, r.steps.size(), o.sparsities.size()));
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const PruneStep& s : r.steps) steps.push_back(step_json(s));
  write_json_atomic(r.out_dir + "/prune.json",
                    {{"metric", r.metric},
                     {"higher_is_better", r.higher_is_better},
                     {"structured", r.structured},
                     {"finetune_epochs", o.finetune_epochs},
                     {"dense", step_json(r.dense)},
                     {"steps", steps},
                     {"interrupted", r.interrupted.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.interrupted)}});
  write_file_atomic(r.out_dir + "/prune.csv", csv(r));
  return r;
}

}  // namespace nnrecipe
