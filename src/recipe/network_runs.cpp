// Training one network for a stage of `nnrecipe run`: its own run
// directory, the budget's deadline, the progress line, and the predictions
// the later stages compare and ensemble.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

#include "nnrecipe/config.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/leaderboard.h"
#include "nnrecipe/progress.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "network" : out.substr(0, 40);
}

/// Multiply-adds per row of a tabular network of this config: what a
/// training epoch's cost grows with. A numeric embedding widens the first
/// layer's input and adds its own per-column layers; TabM's members each
/// run the whole MLP.
double network_cost(const ModelConfig& model, const ModelShape& shape) {
  const auto outputs = static_cast<double>(std::max<int64_t>(output_units(shape), 1));
  if (model.type == "fm") {
    const auto features =
        static_cast<double>(shape.input_dim + static_cast<int64_t>(shape.embedding_cardinalities.size()));
    return features * static_cast<double>(model.factors) * 2 + static_cast<double>(shape.input_dim) * outputs;
  }
  const auto numeric = static_cast<double>(shape.numeric_columns.size());
  double inputs = static_cast<double>(std::max<int64_t>(shape.input_dim, 1));
  double embedding = 0;
  if (model.type != "linear" && model.numeric_embedding != "none" && numeric > 0) {
    const NumericEmbeddingOptions defaults(model.numeric_embedding, {}, 0);
    const auto dim = static_cast<double>(defaults.embedding_dim());
    inputs += numeric * (dim - 1);
    embedding = numeric * static_cast<double>(defaults.layer_inputs()) * dim;
  }
  double total = 0;
  double previous = inputs;
  const std::vector<int64_t> hidden = model.type == "linear" ? std::vector<int64_t>{} : model.hidden;
  for (int64_t h : hidden) {
    total += previous * static_cast<double>(h);
    previous = static_cast<double>(h);
  }
  total += previous * outputs;
  const double members = model.type == "tabm" ? static_cast<double>(model.ensemble_size) : 1.0;
  return embedding + members * total;
}

std::vector<int64_t> labels_of(const torch::Tensor& y) {
  const torch::Tensor c = y.to(torch::kCPU).to(torch::kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

/// `run --resume`: a network of the interrupted run whose directory holds a
/// checkpoint of exactly this config continues from it (the trainer's own
/// resume: the same epochs, shuffles and dropout draws as without the
/// interrupt); a finished one trains no further epoch.
bool resumable(const Context& ctx, const std::string& dir, const Config& config) {
  if (!ctx.options.resume || !path_exists(dir + "/checkpoint.pt") || !path_exists(dir + "/request.yaml")) return false;
  return read_text_file(dir + "/request.yaml") == to_yaml(config);
}

}  // namespace

double NetworkRun::seconds_per_epoch() const {
  return outcome.history.empty() ? seconds : seconds / static_cast<double>(outcome.history.size());
}

double NetworkRun::val_score(const std::string& metric) const {
  const auto it = val.metrics.find(metric);
  return it == val.metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

double NetworkRun::best_train_loss() const {
  double best = std::numeric_limits<double>::infinity();
  for (const EpochLog& e : outcome.history) {
    if (std::isfinite(e.train_loss)) best = std::min(best, e.train_loss);
  }
  return std::isfinite(best) ? best : std::numeric_limits<double>::quiet_NaN();
}

void Context::log(const std::string& line) const {
  if (options.on_log) options.on_log(line);
}

void Context::progress(const std::string& stage_name, const std::string& what) const {
  if (!options.on_progress) return;
  options.on_progress(fmt::format("{} | {} | {} left of {}", stage_name, what,
                                  format_duration(std::max(0.0, budget.left())), format_duration(budget.total())));
}

void add_findings(FindingSet& into, const FindingSet& from) {
  for (const std::string& id : from.ignored) {
    if (std::find(into.ignored.begin(), into.ignored.end(), id) == into.ignored.end()) into.ignored.push_back(id);
  }
  into.add(from.findings, {});
}

StageReport& Context::begin_stage(const std::string& name, double cumulative_share) {
  StageReport report;
  report.name = name;
  result.stages.push_back(std::move(report));
  budget.begin_stage(cumulative_share);
  stage().budget_seconds = budget.stage_budget();
  return stage();
}

std::string hidden_text(const std::vector<int64_t>& hidden) { return fmt::format("[{}]", fmt::join(hidden, ", ")); }

std::string number_text(double value) { return fmt::format("{:.3g}", value); }

std::vector<std::string> apply_repairs(Config& config, const FindingSet& found, std::vector<std::string>& ids) {
  std::vector<std::string> changes;
  const auto change = [&](const std::string& key, const std::string& value, const std::string& id) {
    const std::string before = option_value_text(config, key);
    apply_override(config, key + "=" + value);
    const std::string after = option_value_text(config, key);
    if (after != before) changes.push_back(fmt::format("{}: {} -> {} ({})", key, before, after, id));
  };
  for (const Finding& f : found.findings) {
    if (f.severity != Severity::Error) continue;
    ids.push_back(f.id);
    if (!f.fix_set.empty()) {
      for (const auto& [key, value] : f.fix_set.items()) change(key, value.dump(), f.id);
    } else if (f.id == "train.nan" || f.id == "train.diverging") {
      change("train.lr", fmt::format("{:g}", config.train.lr / 10), f.id);
      if (!(config.train.grad_clip > 0)) change("train.grad_clip", "1.0", f.id);
    }
  }
  return changes;
}

namespace {

// A run of the recipe's own that a check stopped: the findings' fixes
// applied and one retry. The stopped attempt's errors are kept as warnings
// that say what was done (the recipe, not the user, chose that
// configuration); a retry stopped again keeps its errors.
std::optional<std::size_t> repair_and_retry(Context& ctx, const TrainRequest& request, const NetworkRun& failed) {
  Repair repair;
  repair.network = request.name;
  TrainRequest retry = request;
  retry.may_repair = false;
  retry.resume_dir.clear();
  repair.changes = apply_repairs(retry.config, failed.outcome.findings, repair.findings);
  const std::string did = repair.changes.empty()
                              ? "no fix to apply"
                              : "repaired and retried: " + fmt::format("{}", fmt::join(repair.changes, "; "));
  FindingSet kept;
  kept.ignored = failed.outcome.findings.ignored;
  for (Finding f : failed.outcome.findings.findings) {
    if (f.severity == Severity::Error && !repair.changes.empty()) {
      f.severity = Severity::Warn;
      f.message += fmt::format(" [{} of the recipe's own: {}]", request.name, did);
    }
    kept.findings.push_back(std::move(f));
  }
  add_findings(ctx.result.findings, kept);
  ctx.log(
      fmt::format("{}: {} stopped by {}; {}", ctx.stage().name, request.name, fmt::join(repair.findings, ", "), did));
  if (repair.changes.empty()) {
    // Nothing to change: its errors stand.
    repair.outcome = "not retried: the network is left out of the run";
    ctx.stage().repairs.push_back(repair);
    return std::nullopt;
  }
  const std::size_t repair_index = ctx.stage().repairs.size();
  ctx.stage().repairs.push_back(repair);
  const auto index = train_candidate(ctx, retry);
  Repair& recorded = ctx.stage().repairs[repair_index];
  if (!index) {
    recorded.outcome = "the retry failed to train: the network is left out of the run";
  } else if (ctx.networks[*index].outcome.stopped_by_check) {
    recorded.outcome = "stopped again by a check: the network is left out of the run";
  } else {
    recorded.outcome = fmt::format("the retry trained: val {} {:.4f}", ctx.metric.name,
                                   ctx.networks[*index].val_score(ctx.metric.name));
  }
  return index;
}

}  // namespace

std::optional<std::size_t> train_candidate(Context& ctx, const TrainRequest& request) {
  const std::string dir = !request.resume_dir.empty() ? request.resume_dir
                                                      : fmt::format("{}/stages/{:02d}-{}", ctx.options.out_dir,
                                                                    ++ctx.run_counter, slug(request.name));
  PreparedData subset;
  const PreparedData* data = request.data ? request.data.get() : &ctx.data;
  if (request.train_subset || request.val_subset) {
    subset = *data;  // tensors are shared, not copied
    if (request.train_subset) subset.train = *request.train_subset;
    if (request.val_subset) subset.val = *request.val_subset;
    data = &subset;
  }
  const std::string stage_name = ctx.stage().name;
  bool cut = false;
  TrainerOptions options;
  options.run_dir = dir;
  options.resume = !request.resume_dir.empty() || resumable(ctx, dir, request.config);
  if (options.resume && request.resume_dir.empty()) {
    ctx.log(fmt::format("{}: {} continues from its checkpoint in {}", stage_name, request.name, dir));
  }
  // A resumed run whose decisions went another way here: the directory
  // holds another network's files, which must not mix with this one's.
  if (ctx.options.resume && !options.resume) std::filesystem::remove_all(dir);
  make_directories(dir);
  write_file_atomic(dir + "/request.yaml", to_yaml(request.config));
  options.checks = request.checks;
  options.on_epoch = [&](const EpochLog& e, int64_t epochs) {
    const auto m = e.val_metrics.find(ctx.metric.name);
    ctx.progress(stage_name,
                 fmt::format("{}: epoch {}/{}, val {} {}", request.name, e.epoch, epochs, ctx.metric.name,
                             m == e.val_metrics.end() ? std::string("n/a") : fmt::format("{:.4f}", m->second)));
  };
  // The stage's deadline ends training after the current epoch; the trainer
  // then keeps the best weights so far, so a cut run is still a usable model.
  options.stop_after_epoch = [&](const EpochLog&) {
    return cut = request.stage_deadline ? ctx.budget.stage_over() : ctx.budget.left() <= 0;
  };
  ctx.progress(stage_name, request.name + ": starting");

  NetworkRun run;
  run.name = request.name;
  run.stage = stage_name;
  run.full_data = !request.train_subset && !request.val_subset && !request.data;
  run.config = request.config;
  run.run_dir = dir;
  const auto start = Clock::now();
  try {
    Trainer trainer(request.config, *data, configured_network(request.config, *data), options);
    run.outcome = trainer.fit();
    run.val = trainer.evaluate(data->val);
    run.test = trainer.evaluate(data->test);
    run.train_metrics = data->train.size() <= kTrainMetricRows
                            ? trainer.evaluate(data->train).metrics
                            : trainer.evaluate(subset_rows(data->train, kTrainMetricRows, 0)).metrics;
  } catch (const std::exception& e) {
    ctx.log(fmt::format("{}: {} failed: {}", stage_name, request.name, e.what()));
    ctx.stage().cut.push_back(fmt::format("{} failed: {}", request.name, e.what()));
    return std::nullopt;
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.cut_by_budget = cut || run.outcome.interrupted;  // an interrupt ends the budget
  if (run.outcome.interrupted && run.outcome.history.empty()) {
    ctx.stage().cut.push_back(request.name + ": interrupted before its first epoch");
    return std::nullopt;
  }
  if (run.outcome.stopped_by_check && request.may_repair) return repair_and_retry(ctx, request, run);
  add_findings(ctx.result.findings, run.outcome.findings);

  TrainCurve curve;
  curve.label = request.name;
  curve.best_epoch = run.outcome.best_epoch;
  for (const EpochLog& e : run.outcome.history) {
    curve.train_loss.push_back(e.train_loss);
    curve.val_loss.push_back(e.val_loss);
    const auto m = e.val_metrics.find(ctx.metric.name);
    curve.val_metric.push_back(m == e.val_metrics.end() ? std::numeric_limits<double>::quiet_NaN() : m->second);
  }
  ctx.stage().curves.push_back(std::move(curve));
  ctx.log(fmt::format("{}: {} val {} {:.4f}, best epoch {} of {}{} ({})", stage_name, request.name, ctx.metric.name,
                      run.val_score(ctx.metric.name), run.outcome.best_epoch, run.outcome.history.size(),
                      cut ? ", cut by the budget" : "", format_duration(run.seconds)));
  ctx.networks.push_back(std::move(run));
  return ctx.networks.size() - 1;
}

AblationRow ablation_row(const Context& ctx, const std::string& change, const NetworkRun& run, double before_val) {
  AblationRow row;
  row.change = change;
  row.train_loss = run.best_train_loss();
  row.val_metric = run.val_score(ctx.metric.name);
  row.delta = (ctx.metric.higher_is_better ? 1.0 : -1.0) * (row.val_metric - before_val);
  row.epochs = static_cast<int64_t>(run.outcome.history.size());
  row.seconds = run.seconds;
  if (run.cut_by_budget) row.note = "cut by the budget";
  return row;
}

double expected_seconds(const Context& ctx, const Config& config) {
  if (!ctx.incumbent_run) return 0;
  const NetworkRun& ref = ctx.networks[*ctx.incumbent_run];
  double scale = network_cost(config.model, ctx.data.shape) / network_cost(ref.config.model, ctx.data.shape);
  // Smaller batches cost more per epoch (more steps, each with overhead).
  scale *= std::sqrt(static_cast<double>(ref.config.train.batch_size) / static_cast<double>(config.train.batch_size));
  scale = std::max(scale, 0.25);
  const double epochs = static_cast<double>(std::max<std::size_t>(ref.outcome.history.size(), 1));
  return ref.seconds_per_epoch() * epochs * scale;
}

TensorData take_tensor_rows(const TensorData& d, const std::vector<std::size_t>& rows) {
  std::vector<int64_t> idx(rows.begin(), rows.end());
  const torch::Tensor index = torch::tensor(idx, torch::kInt64);
  TensorData out;
  out.x = d.x.index_select(0, index);
  if (d.ids.defined()) out.ids = d.ids.index_select(0, index);
  out.y = d.y.index_select(0, index);
  return out;
}

TensorData subset_rows(const TensorData& data, int64_t rows, uint64_t seed) {
  torch::Generator gen = torch::make_generator<torch::CPUGeneratorImpl>(seed);
  const torch::Tensor order =
      torch::randperm(data.size(), gen, torch::kInt64).narrow(0, 0, std::min(rows, data.size()));
  const std::vector<std::size_t> picked(order.data_ptr<int64_t>(), order.data_ptr<int64_t>() + order.numel());
  return take_tensor_rows(data, picked);
}

Predictions predictions_of(const Context& ctx, const Evaluation& e) {
  Predictions p;
  p.task = ctx.data.task;
  p.probs = e.probs;
  p.values = e.values;
  if (p.task == Task::Regression) {
    p.rows = e.values.size();
  } else {
    p.classes = static_cast<std::size_t>(ctx.data.shape.classes);
    p.rows = p.classes == 0 ? 0 : e.probs.size() / p.classes;
  }
  return p;
}

std::map<std::string, double> score(const Context& ctx, const Predictions& p, bool test) {
  if (ctx.encoded) {
    return score_predictions(p, test ? ctx.encoded->test : ctx.encoded->val, ctx.encoded->transform);
  }
  // Image data: always classification.
  const TensorData& split = test ? ctx.data.test : ctx.data.val;
  return classification_metrics(labels_of(split.y), p.probs, p.classes);
}

}  // namespace nnrecipe::recipe_detail
