#include "nnrecipe/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "nnrecipe/config_lint.h"
#include "nnrecipe/doctor.h"
#include "nnrecipe/error.h"
#include "nnrecipe/fast_adam.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/metrics.h"
#include "train/archive_io.h"
#include "train/train_support.h"

namespace nnrecipe {

namespace {

using Clock = std::chrono::steady_clock;
using train_detail::batch_loss;
using train_detail::LossFunction;
using train_detail::make_optimizer;
using train_detail::set_lr;

torch::Tensor balanced_weights(const std::vector<int64_t>& counts) {
  double total = 0;
  for (int64_t n : counts) total += static_cast<double>(n);
  std::vector<float> w;
  for (int64_t n : counts)
    w.push_back(
        static_cast<float>(total / (static_cast<double>(counts.size()) * std::max<double>(1, static_cast<double>(n)))));
  return torch::tensor(w);
}

// weight_decay / 2 * sum of squared parameters: for L-BFGS, weight decay as
// a term of the loss (its gradient, weight_decay * p, is the L2 that Adam
// and SGD add to the gradient).
torch::Tensor l2_penalty(const std::vector<torch::Tensor>& params, double weight_decay) {
  torch::Tensor sum = torch::zeros({}, params.empty() ? torch::TensorOptions() : params.front().options());
  for (const torch::Tensor& p : params) sum = sum + p.pow(2).sum();
  return 0.5 * weight_decay * sum;
}

// The learning rate of an epoch (0-based) under the configured schedule.
double scheduled_lr(const Config& c, int64_t epoch) {
  const double lr = c.train.lr;
  const double progress = static_cast<double>(epoch) / static_cast<double>(c.train.epochs);
  if (c.train.schedule == "cosine") return lr * 0.5 * (1.0 + std::cos(M_PI * progress));
  if (c.train.schedule == "step") return lr * std::pow(0.1, std::floor(progress * 3.0));
  return lr;
}

// Image augmentation (model.augment): each image shifted by a random crop
// of the 2-pixel padded image, and flipped left-right with probability 1/2.
// Padding is black in normalized units. Draws from torch's generator, which
// the epoch loop seeds, so augmented runs repeat exactly.
torch::Tensor augment_images(const torch::Tensor& x, const ImageNormalization& norm) {
  constexpr int64_t kPad = 2;
  const double black = (0.0 - norm.mean) / norm.std;
  const torch::Tensor padded = torch::constant_pad_nd(x, {kPad, kPad, kPad, kPad}, black);
  const torch::Tensor offsets = torch::randint(0, 2 * kPad + 1, {x.size(0), 2}, torch::kInt64);
  const torch::Tensor flips = torch::rand({x.size(0)}) < 0.5;
  std::vector<torch::Tensor> out;
  out.reserve(static_cast<std::size_t>(x.size(0)));
  const auto off = offsets.accessor<int64_t, 2>();
  const auto flip = flips.accessor<bool, 1>();
  for (int64_t i = 0; i < x.size(0); ++i) {
    torch::Tensor img = padded[i].narrow(1, off[i][0], x.size(2)).narrow(2, off[i][1], x.size(3));
    out.push_back(flip[i] ? img.flip({2}) : img);
  }
  return torch::stack(out);
}

// Moves a batch to the training device (a no-op on CPU).
void to_device(Batch& b, const torch::Device& device) {
  if (device.is_cpu()) return;
  b.x = b.x.to(device);
  if (b.ids.defined()) b.ids = b.ids.to(device);
  if (b.y.defined()) b.y = b.y.to(device);
}

// Parameters and buffers, copied (best weights kept in memory).
using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;
StateDict snapshot(torch::nn::Module& m) {
  StateDict s;
  for (const auto& p : m.named_parameters()) s.emplace_back(p.key(), p.value().detach().clone());
  for (const auto& b : m.named_buffers()) s.emplace_back(b.key(), b.value().detach().clone());
  return s;
}
void restore(torch::nn::Module& m, const StateDict& s) {
  torch::NoGradGuard no_grad;
  auto params = m.named_parameters();
  auto buffers = m.named_buffers();
  for (const auto& [name, value] : s) {
    if (auto* p = params.find(name)) {
      p->copy_(value);
    } else if (auto* b = buffers.find(name)) {
      b->copy_(value);
    }
  }
}

nlohmann::json epoch_json(const EpochLog& e) {
  return {{"epoch", e.epoch},     {"train_loss", e.train_loss}, {"val_loss", e.val_loss}, {"lr", e.lr},
          {"seconds", e.seconds}, {"train", e.train_metrics},   {"val", e.val_metrics}};
}
EpochLog epoch_from_json(const nlohmann::json& j) {
  EpochLog e;
  e.epoch = j.at("epoch");
  e.train_loss = j.at("train_loss");
  e.val_loss = j.at("val_loss");
  e.lr = j.at("lr");
  e.seconds = j.at("seconds");
  e.train_metrics = j.at("train").get<std::map<std::string, double>>();
  e.val_metrics = j.at("val").get<std::map<std::string, double>>();
  return e;
}

/// LibTorch 1.13's L-BFGS allocates its `al` scratch list with history_size
/// undefined tensors and fills as many as it has history pairs; saving the
/// optimizer then throws "Cannot access storage of UndefinedTensorImpl"
/// whenever a fit converged in fewer iterations than that (a linear model
/// on a clean linear target). d, H_diag and prev_flat_grad stay undefined
/// when the first step already met the gradient tolerance. Every one of
/// them is written before it is read, so a zero stands in for each.
void define_lbfgs_scratch(torch::optim::Optimizer& optimizer) {
  auto* lbfgs = dynamic_cast<torch::optim::LBFGS*>(&optimizer);
  if (!lbfgs) return;
  const auto defined = [](const torch::Tensor& t) { return t.defined() ? t : torch::zeros({}); };
  for (auto& entry : lbfgs->state()) {
    auto& s = static_cast<torch::optim::LBFGSParamState&>(*entry.second);
    s.d(defined(s.d()));
    s.H_diag(defined(s.H_diag()));
    s.prev_flat_grad(defined(s.prev_flat_grad()));
    if (s.al()) {
      std::vector<torch::Tensor> al = *s.al();
      for (torch::Tensor& t : al) t = defined(t);
      s.al(std::move(al));
    }
  }
}

// Archive keys may not contain '.', which parameter names do.
std::string archive_key(std::string name) {
  for (char& ch : name) {
    if (ch == '.') ch = '/';
  }
  return name;
}

}  // namespace

torch::Device resolve_device(const std::string& name) {
  if (name == "cuda" && !torch::cuda::is_available()) {
    throw InputError("train.device: cuda was asked for, but this LibTorch has no CUDA device (use auto or cpu)");
  }
  if (name == "cuda" || (name == "auto" && torch::cuda::is_available())) return torch::Device(torch::kCUDA);
  return torch::Device(torch::kCPU);
}

Trainer::Trainer(const Config& config, const PreparedData& data, Network net, TrainerOptions options)
    : config_(config),
      data_(data),
      net_(std::move(net)),
      options_(std::move(options)),
      device_(resolve_device(config.train.device)) {
  net_->to(device_);
}

Evaluation Trainer::evaluate(const TensorData& split) {
  Evaluation ev;
  if (split.size() == 0) return ev;
  torch::NoGradGuard no_grad;
  net_->eval();
  const LossFunction loss(resolved_loss(config_, data_.task), data_.task, data_.shape.classes, {});
  BatchIterator it(split, 1024, false, 0);
  Batch b;
  double total = 0;
  std::vector<torch::Tensor> outs;
  while (it.next(b)) {
    to_device(b, device_);
    const torch::Tensor out = net_->forward(b.x, b.ids);
    total += loss(out, b.y).item<double>() * static_cast<double>(b.x.size(0));
    outs.push_back(out.cpu());
  }
  ev.loss = total / static_cast<double>(split.size());
  const torch::Tensor out = torch::cat(outs).to(torch::kFloat64);
  if (data_.task == Task::Regression) {
    const auto o = out.contiguous();
    const auto y = split.y.to(torch::kFloat64).contiguous();
    std::vector<double> truth;
    for (int64_t i = 0; i < o.size(0); ++i) {
      const double z = o.data_ptr<double>()[i];
      ev.values.push_back(data_.transform ? data_.transform->inverse_target(z) : z);
      const double yz = y.data_ptr<double>()[i];
      truth.push_back(data_.transform ? data_.transform->inverse_target(yz) : yz);
    }
    ev.metrics = regression_metrics(truth, ev.values);
    return ev;
  }
  const torch::Tensor probs =
      (data_.task == Task::Binary ? torch::cat({1 - torch::sigmoid(out), torch::sigmoid(out)}, 1)
                                  : torch::softmax(out, 1))
          .contiguous();
  ev.probs.assign(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
  const torch::Tensor y = split.y.contiguous();
  const std::vector<int64_t> labels(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
  ev.metrics = classification_metrics(labels, ev.probs, static_cast<std::size_t>(probs.size(1)));
  return ev;
}

namespace {

// Applies train.freeze (frozen parameters get no gradient and stay out of
// the optimizer) and returns the trainable parameters.
std::vector<torch::Tensor> apply_freeze(NetworkImpl& net, const Config& c) {
  std::vector<torch::Tensor> trainable;
  for (auto& p : net.named_parameters()) {
    bool frozen = false;
    for (const std::string& pattern : c.train.freeze) frozen |= p.key().find(pattern) != std::string::npos;
    p.value().set_requires_grad(!frozen);
    if (!frozen) trainable.push_back(p.value());
  }
  return trainable;
}

std::unique_ptr<Doctor> make_doctor(NetworkImpl& net, torch::optim::Optimizer& optimizer, const Config& c,
                                    const PreparedData& d) {
  DoctorOptions options;
  options.ignore = c.checks.ignore;
  // train.update_ratio's band (~1e-3) describes a first-order step; an
  // L-BFGS step is a line search to the minimum along its direction.
  if (c.train.optimizer == "lbfgs") options.update_ratio_checks = 0;
  // A factorization machine is a linear model plus pairwise terms: there is
  // no stack of layers for a gradient to vanish or explode through, and,
  // like a linear model, it makes no promise to memorize a batch. Those two
  // checks describe deep networks (overfit_rows below 2 turns
  // overfit.one_batch off, grad_ratio_checks 0 the gradient-flow ratio).
  if (c.model.type == "fm") {
    options.grad_ratio_checks = 0;
    options.overfit_rows = 0;
  }
  auto doctor = std::make_unique<Doctor>(net, optimizer, options);
  TargetInfo target;
  target.task = d.task;
  target.classes = d.shape.classes;
  target.class_counts = d.class_counts;
  target.standardized_target = c.data.normalize_target.value_or(true);
  if (d.task == Task::Regression && !target.standardized_target && d.train.size() > 1) {
    const torch::Tensor y = d.train.y.to(torch::kFloat64);
    target.target_mean = y.mean().item<double>();
    target.target_variance = y.var().item<double>();
  }
  target.init_output_bias = c.model.init_output_bias;
  doctor->set_target(target);
  doctor->set_output_bias("output.bias");
  const std::string loss = resolved_loss(c, d.task);
  doctor->set_logits_loss(loss == "bce" || loss == "ce");
  return doctor;
}

// Connects the network's activations to the doctor for as long as both live.
class ActivationWatch {
 public:
  ActivationWatch(NetworkImpl& net, Doctor& doctor) : net_(net) {
    // Training forwards only: evaluation batches are not what the monitors judge.
    net_.set_activation_observer(
        [this, &doctor](const std::string& layer, const std::string& kind, const torch::Tensor& t) {
          if (net_.is_training()) doctor.observe_activation(layer, kind, t);
        });
  }
  ~ActivationWatch() { net_.set_activation_observer({}); }
  ActivationWatch(const ActivationWatch&) = delete;
  ActivationWatch& operator=(const ActivationWatch&) = delete;

 private:
  NetworkImpl& net_;
};

// Rows of a batch the network classifies right (train.val_better_than_train
// compares this, measured while training, with validation accuracy).
int64_t correct_predictions(const torch::Tensor& out, const torch::Tensor& y, bool logits) {
  torch::NoGradGuard no_grad;
  const torch::Tensor predicted =
      out.size(1) == 1 ? (out.squeeze(1) > (logits ? 0.0 : 0.5)).to(torch::kLong) : out.argmax(1);
  return (predicted == y).sum().item<int64_t>();
}

// Preflight on a batch of training rows. Embedding ids travel as extra float
// columns of x (exact below 2^24), so that the Doctor sees one input tensor.
std::vector<Finding> run_preflight(Doctor& doctor, NetworkImpl& net, const TensorData& train, const LossFunction& loss,
                                   uint64_t seed, const torch::Device& device) {
  // Tables: 2048 rows, every one of them judged by baseline.input_independent's
  // cross-fit (20 positives per 1% of prevalence: a weak signal is
  // measured, not guessed); images: 256 (a CNN step on more costs seconds).
  BatchIterator it(train, train.x.dim() == 2 ? 2048 : 256, /*shuffle=*/true, seed ^ 0x9e3779b97f4a7c15ULL);
  it.start_epoch(0);
  Batch b;
  if (!it.next(b)) return {};
  to_device(b, device);
  const bool has_ids = b.ids.defined() && b.ids.dim() == 2 && b.ids.size(1) > 0 && b.x.dim() == 2;
  const int64_t dense = b.x.dim() == 2 ? b.x.size(1) : 0;
  const torch::Tensor x = has_ids ? torch::cat({b.x, b.ids.to(b.x.scalar_type())}, 1) : b.x;
  const ForwardFn forward = [&](const torch::Tensor& in) {
    if (!has_ids) return net.forward(in, b.ids);
    return net.forward(in.narrow(1, 0, dense), in.narrow(1, dense, in.size(1) - dense).to(torch::kLong));
  };
  return doctor.preflight(x, b.y, forward,
                          [&](const torch::Tensor& out, const torch::Tensor& y) { return loss(out, y); });
}

}  // namespace

FindingSet Trainer::preflight() {
  const Config& c = config_;
  const uint64_t seed = static_cast<uint64_t>(c.train.seed.value_or(0));
  auto optimizer = make_optimizer(c, apply_freeze(*net_, c));
  const LossFunction loss(resolved_loss(c, data_.task), data_.task, data_.shape.classes, {});
  auto doctor = make_doctor(*net_, *optimizer, c, data_);
  const ActivationWatch watch(*net_, *doctor);
  run_preflight(*doctor, *net_, data_.train, loss, seed, device_);
  FindingSet found = doctor->findings();
  suggest_config_fixes(found.findings, c);
  return found;
}

TrainOutcome Trainer::fit() {
  const auto start = Clock::now();
  const Config& c = config_;
  const uint64_t seed = static_cast<uint64_t>(c.train.seed.value_or(static_cast<int64_t>(std::random_device{}())));
  const bool has_val = data_.val.size() > 0;

  // Frozen parameters stay out of the optimizer and get no gradient.
  const std::vector<torch::Tensor> trainable = apply_freeze(*net_, c);
  auto optimizer = make_optimizer(c, trainable);
  torch::Tensor weights;
  if (c.train.class_weights == "balanced" && data_.task != Task::Regression)
    weights = balanced_weights(data_.class_counts).to(device_);
  const LossFunction loss(resolved_loss(c, data_.task), data_.task, data_.shape.classes, weights);

  const SelectionMetric watched =
      c.train.early_stopping.metric == "auto"       ? default_selection_metric(data_.task, data_.class_counts)
      : c.train.early_stopping.metric == "val_loss" ? SelectionMetric{"val_loss", false}
                                                    : selection_metric(c.train.early_stopping.metric);
  TrainOutcome outcome;
  outcome.selection_metric = watched.name;
  outcome.params = count_parameters(*net_);
  double best = std::nan("");
  int64_t since_best = 0;
  int64_t first_epoch = 0;
  StateDict best_state = snapshot(*net_);

  const std::string& dir = options_.run_dir;
  const std::string checkpoint = dir.empty() ? "" : dir + "/checkpoint.pt";
  if (!dir.empty()) make_directories(dir);
  if (options_.resume) {
    if (!path_exists(checkpoint)) throw InputError(dir, "no checkpoint.pt to resume from");
    // A damaged or foreign checkpoint is the input's fault: an error that
    // names the file, not LibTorch's stack trace.
    try {
      torch::serialize::InputArchive in;
      in.load_from(checkpoint);
      net_->load(in);
      torch::serialize::InputArchive opt_in, best_in;
      in.read("optimizer", opt_in);
      optimizer->load(opt_in);
      in.read("best_state", best_in);
      for (auto& [name, tensor] : best_state) best_in.read(archive_key(name), tensor);
      torch::Tensor meta;
      in.read("meta", meta);  // [epochs done, best, since_best, best_epoch]
      first_epoch = meta[0].item<int64_t>();
      best = meta[1].item<double>();
      since_best = meta[2].item<int64_t>();
      outcome.best_epoch = meta[3].item<int64_t>();
    } catch (const c10::Error& e) {
      throw InputError(checkpoint, fmt::format("cannot resume from this checkpoint (damaged, or written for another "
                                               "network or optimizer): {}",
                                               std::string(e.what_without_backtrace()).substr(0, 200)));
    }
    std::ifstream log(dir + "/metrics.jsonl");
    std::size_t line_number = 0;
    for (std::string line; std::getline(log, line) && static_cast<int64_t>(outcome.history.size()) < first_epoch;) {
      ++line_number;
      try {
        outcome.history.push_back(epoch_from_json(nlohmann::json::parse(line)));
      } catch (const nlohmann::json::exception& e) {
        throw InputError(dir + "/metrics.jsonl", std::string("damaged: ") + e.what(), line_number);
      }
    }
  }
  // metrics.jsonl holds exactly the epochs done (an interrupted epoch's line
  // may be missing; nothing after the checkpoint survives).
  std::string jsonl;
  for (const EpochLog& e : outcome.history) jsonl += epoch_json(e).dump() + "\n";
  if (!dir.empty()) write_file_atomic(dir + "/metrics.jsonl", jsonl);

  // The doctor: preflight before the first epoch, monitors at every step.
  std::unique_ptr<Doctor> doctor;
  std::optional<ActivationWatch> watch;
  const bool count_correct = data_.task != Task::Regression;
  const bool logits = resolved_loss(c, data_.task) == "bce" && c.model.output_activation == "none";
  // Called every step: copies the doctor's findings only when there are new
  // ones (a FindingSet with JSON evidence is no thing to copy on a hot path).
  const auto report = [&] {
    std::vector<Finding> fresh = doctor->take_new_findings();
    if (fresh.empty()) return;
    suggest_config_fixes(fresh, c);
    for (const Finding& f : fresh) {
      if (options_.on_finding) options_.on_finding(f);
    }
    outcome.findings = doctor->findings();
    suggest_config_fixes(outcome.findings.findings, c);
  };
  if (options_.checks) {
    doctor = make_doctor(*net_, *optimizer, c, data_);
    watch.emplace(*net_, *doctor);
    if (!options_.resume && options_.preflight) {
      run_preflight(*doctor, *net_, data_.train, loss, seed, device_);
      report();
      if (outcome.findings.has_errors()) {
        outcome.stopped_by_check = true;
        outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return outcome;
      }
    }
  }

  // L-BFGS takes the whole training split as its batch: one step (up to
  // kLbfgsIterationsPerEpoch iterations, each a line search along a
  // quasi-Newton direction) per epoch. Meant for small models on tables
  // (the recipe's linear baseline): a convex problem solved to its optimum,
  // as scikit-learn's LogisticRegression does, where minibatch Adam stalls
  // in the valleys of correlated columns.
  const bool full_batch = c.train.optimizer == "lbfgs";
  const int64_t batch_size = full_batch ? std::max<int64_t>(data_.train.size(), 1) : c.train.batch_size;
  BatchIterator batches(data_.train, batch_size, /*shuffle=*/!full_batch, seed);
  const bool augment = c.model.augment && data_.image_norm.has_value();
  for (int64_t epoch = first_epoch; epoch < c.train.epochs; ++epoch) {
    if (has_val && c.train.early_stopping.patience > 0 && since_best >= c.train.early_stopping.patience) {
      outcome.stopped_early = true;
      break;
    }
    const auto epoch_start = Clock::now();
    // Dropout's randomness per epoch from the seed: a resumed run draws the
    // same numbers as an uninterrupted one.
    torch::manual_seed(seed * 7919 + static_cast<uint64_t>(epoch) + 1);
    const double lr = scheduled_lr(c, epoch);
    set_lr(*optimizer, lr);
    net_->train();
    batches.start_epoch(static_cast<uint64_t>(epoch));
    Batch b;
    double total = 0;
    int64_t seen = 0, step = 0, correct = 0, judged = 0;
    const int64_t steps = batches.batches_per_epoch();
    while (batches.next(b)) {
      if (interrupt_requested()) {
        outcome.interrupted = true;
        break;
      }
      // Gradients set to none rather than zeroed: backward then writes them
      // instead of adding to zeros (same numbers, less work per step).
      for (auto& p : trainable) p.mutable_grad().reset();
      if (augment) b.x = augment_images(b.x, *data_.image_norm);
      to_device(b, device_);
      torch::Tensor out;
      torch::Tensor l = batch_loss(loss, *net_, b.x, b.ids, b.y, data_.task, &out);
      if (full_batch && c.train.weight_decay > 0) l = l + l2_penalty(trainable, c.train.weight_decay);
      l.backward();
      // Accuracy while training, for train.val_better_than_train: on about
      // 50 batches per epoch, enough for the estimate (each costs a few small
      // ops and a read, which a small model's step would feel every time).
      if (doctor && count_correct && step % std::max<int64_t>(1, steps / 50) == 0) {
        correct += correct_predictions(out, b.y, logits);
        judged += b.y.size(0);
      }
      if (doctor) doctor->after_backward();
      if (full_batch) {
        // The gradient just computed is the line search's first; every
        // further evaluation recomputes loss and gradient from scratch.
        bool first = true;
        optimizer->step([&] {
          if (first) {
            first = false;
            return l.detach();
          }
          for (auto& p : trainable) p.mutable_grad().reset();
          torch::Tensor again = batch_loss(loss, *net_, b.x, b.ids, b.y, data_.task);
          if (c.train.weight_decay > 0) again = again + l2_penalty(trainable, c.train.weight_decay);
          again.backward();
          return again.detach();
        });
      } else {
        if (c.train.grad_clip > 0) torch::nn::utils::clip_grad_norm_(trainable, c.train.grad_clip);
        optimizer->step();
      }
      if (options_.after_optimizer_step) options_.after_optimizer_step();
      const double lv = l.item<double>();
      if (doctor) {
        doctor->after_step(lv);
        report();
        if (doctor->should_stop()) {
          outcome.stopped_by_check = true;
          break;
        }
      }
      total += lv * static_cast<double>(b.x.size(0));
      seen += b.x.size(0);
      ++step;
      if (options_.on_step && (step % 20 == 0 || step == steps))
        options_.on_step(epoch + 1, step, steps, total / static_cast<double>(seen));
    }
    // Stopped by train.nan / train.diverging or an interrupt: this epoch
    // leaves no checkpoint, the last one is the last good epoch's.
    if (outcome.stopped_by_check || outcome.interrupted) break;
    EpochLog log;
    log.epoch = epoch + 1;
    log.train_loss = total / static_cast<double>(std::max<int64_t>(seen, 1));
    log.lr = lr;
    if (has_val) {
      const Evaluation val = evaluate(data_.val);
      log.val_loss = val.loss;
      log.val_metrics = val.metrics;
      const double score = watched.name == "val_loss" ? val.loss : val.metrics.at(watched.name);
      if (std::isnan(best) || is_better(watched, score, best)) {
        best = score;
        since_best = 0;
        outcome.best_epoch = log.epoch;
        best_state = snapshot(*net_);
      } else {
        ++since_best;
      }
    } else {
      outcome.best_epoch = log.epoch;
      best_state = snapshot(*net_);
    }
    if (doctor) {
      EpochStats stats;
      stats.epoch = log.epoch;
      stats.train_loss = log.train_loss;
      if (has_val) stats.val_loss = log.val_loss;
      if (judged > 0) stats.train_accuracy = static_cast<double>(correct) / static_cast<double>(judged);
      if (log.val_metrics.count("accuracy")) stats.val_accuracy = log.val_metrics.at("accuracy");
      doctor->after_epoch(stats);
      report();
    }
    log.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    outcome.history.push_back(log);
    if (!dir.empty()) {
      jsonl += epoch_json(log).dump() + "\n";
      write_file_atomic(dir + "/metrics.jsonl", jsonl);
      // Checkpoint: model, optimizer, best weights and counters, written to
      // a temp file and renamed, so a kill leaves the previous one intact.
      torch::serialize::OutputArchive out, opt_out, best_out;
      net_->save(out);
      define_lbfgs_scratch(*optimizer);
      optimizer->save(opt_out);
      out.write("optimizer", opt_out);
      for (const auto& [name, tensor] : best_state) best_out.write(archive_key(name), tensor);
      out.write("best_state", best_out);
      out.write("meta", torch::tensor({static_cast<double>(epoch + 1), best, static_cast<double>(since_best),
                                       static_cast<double>(outcome.best_epoch)},
                                      torch::kFloat64));
      save_archive_atomic(out, checkpoint);
    }
    if (options_.on_epoch) options_.on_epoch(log, c.train.epochs);
    if (options_.stop_after_epoch && epoch + 1 < c.train.epochs && options_.stop_after_epoch(log)) {
      outcome.stopped_by_scheduler = true;
      break;
    }
  }

  if (doctor && !outcome.stopped_by_check && !outcome.interrupted) {
    doctor->after_training();
    report();
  }
  if (doctor) {  // ids silenced by checks.ignore are recorded without a new finding
    outcome.findings = doctor->findings();
    suggest_config_fixes(outcome.findings.findings, c);
    outcome.monitor_seconds = doctor->monitor_seconds();
  }
  restore(*net_, best_state);
  const Evaluation val = evaluate(data_.val);
  const Evaluation test = evaluate(data_.test);
  outcome.val = val.metrics;
  outcome.test = test.metrics;
  outcome.test_loss = test.loss;
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!dir.empty()) {
    save_model(dir + "/model", c, data_, *net_);
    nlohmann::json summary = {
        {"task", to_string(data_.task)},
        {"val", val.metrics},
        {"test", test.metrics},
        {"val_loss", val.loss},
        {"test_loss", test.loss},
        {"params", outcome.params},
        {"seconds", outcome.seconds},
        {"epochs", outcome.history.size()},
        {"best_epoch", outcome.best_epoch},
        {"selection_metric", watched.name},
        {"stopped_early", outcome.stopped_early},
        {"stopped_by_check", outcome.stopped_by_check},
        {"stopped_by_scheduler", outcome.stopped_by_scheduler},
        // As in run's, tune's and prune's summaries: the signal's name, or null.
        {"interrupted", outcome.interrupted ? nlohmann::json(interrupt_name()) : nlohmann::json(nullptr)},
        {"monitor_seconds", outcome.monitor_seconds},
        {"rows", {{"train", data_.train.size()}, {"val", data_.val.size()}, {"test", data_.test.size()}}}};
    write_json_atomic(dir + "/summary.json", summary);
  }
  return outcome;
}

Network configured_network(const Config& config, const PreparedData& data) {
  if (config.train.seed) torch::manual_seed(static_cast<uint64_t>(*config.train.seed));
  Network net = build_network(config.model, data.shape);
  fit_to_training_rows(*net, data.train.x);
  if (config.model.init_output_bias) init_output_bias(*net, data.shape, data.class_counts);
  return net;
}

int64_t fewest_resumed_epochs(const TrainConfig& train, int64_t epochs_done, int64_t best_epoch) {
  const int64_t left = std::max<int64_t>(train.epochs - epochs_done, 0);
  if (train.early_stopping.patience <= 0) return left;
  return std::min(left, std::max<int64_t>(best_epoch + train.early_stopping.patience - epochs_done, 1));
}

TrainOutcome train_network(const Config& config, const PreparedData& data, TrainerOptions options) {
  return Trainer(config, data, configured_network(config, data), std::move(options)).fit();
}

FindingSet preflight_network(const Config& config, const PreparedData& data) {
  return Trainer(config, data, configured_network(config, data)).preflight();
}

}  // namespace nnrecipe
