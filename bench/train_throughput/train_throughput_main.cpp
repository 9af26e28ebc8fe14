// bench_train_throughput: training throughput of an MLP regression on
// synthetic data through nnrecipe's own code path, and a large-GEMM figure to
// compare the achieved GFLOP/s with. Prints one machine-parsable line per
// measurement (bench/train_throughput/pytorch_loop.py prints the same keys):
//
//   RESULT impl=trainer model=32-256-256-1 batch=256 threads=2 rows=100000 epochs=1
//          best_epoch_s=... samples_per_s=... best_epoch_cpu_s=... flops_per_sample=...
//          gflops=... final_loss=... data_sum=...
//   RESULT impl=gemm n=2048 threads=2 seconds=... gflops=... blas=<OpenBLAS core>
//   RESULT impl=steps model=... batch=... threads=... part=... us_per_step=...
//   RESULT impl=doctor model=... batch=... threads=... pairs=7 overhead_median=... overhead_min=... overhead_max=...
//          self_median=... (the monitors' own measured time over the epoch's)
//
// Implementations (--impl):
//   trainer  nnrecipe::Trainer::fit on an in-memory PreparedData (val and test
//            empty, so only training runs): TabularNet from build_network,
//            BatchIterator batches, the trainer's own optimizer (Adam). Epoch
//            times are the trainer's own (EpochLog::seconds).
//   loop     the step of Trainer::fit written out here (TabularNet,
//            BatchIterator shuffled, zero_grad, forward, MSE, backward,
//            optimizer step, the loss read back), with knobs the trainer does
//            not have, to measure what changing it would give:
//              --optimizer adam | fast | fast-foreach  (stock Adam, FastAdam fused / foreach)
//              --zero-grad inplace | none              (zero in place, or set to none)
//              --loss-sync step | epoch                (.item() each step, or a tensor sum read once)
//   steps    the parts of one step in microseconds (see run_steps)
//   gemm     torch::mm of two N x N float32 matrices (--gemm-n, default 2048), best of 3,
//            and the same product through nnrecipe::fast_linear (oneDNN)
//   doctor   the trainer's epoch with the doctor's checks against without (run_doctor_overhead)
// --keep-heap (any impl): glibc malloc keeps freed memory instead of handing
// it back to the system and faulting it in again the next step (mallopt
// M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 1 GiB), as nnrecipe could at start-up.
//
// Data: x = randn(rows, features), y = sin(x @ w) + 0.1 randn, w = randn / sqrt(features),
// after torch::manual_seed(seed): pytorch_loop.py draws the same numbers
// (same LibTorch generator); data_sum lets run.sh check that.
//
// Per batch size (--batch takes a list): one untimed epoch over the first
// --warmup-rows rows with a throwaway network, then a fresh network trained
// for --epochs epochs over all rows; the best epoch counts.
//
//   bench_train_throughput --impl trainer|loop|gemm|steps [--hidden 256,256] [--batch 64,256,1024]
//       [--rows 100000] [--features 32] [--epochs 2] [--warmup-rows 10000] [--threads 0]
//       [--seed 0] [--lr 3e-4] [--optimizer ...] [--zero-grad ...] [--loss-sync ...] [--keep-heap]
#include <dlfcn.h>
#include <malloc.h>
#include <time.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnrecipe/config.h"
#include "nnrecipe/fast_adam.h"
#include "nnrecipe/fast_linear.h"
#include "nnrecipe/models.h"
#include "nnrecipe/runtime.h"
#include "nnrecipe/tensors.h"
#include "nnrecipe/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string impl = "trainer";
  std::vector<int64_t> hidden = {256, 256};
  std::vector<int64_t> batches = {64, 256, 1024};
  int64_t batch = 0;  // the one being measured
  int64_t rows = 100000, features = 32, epochs = 2, warmup_rows = 10000, gemm_n = 2048;
  std::size_t threads = 0;
  uint64_t seed = 0;
  double lr = 3e-4;
  std::string optimizer = "adam", zero_grad = "inplace", loss_sync = "step";
  bool keep_heap = false;
  bool checks = false;  // trainer: the doctor's preflight and monitors on
};

const char* const kUsage =
    "usage: bench_train_throughput --impl trainer|loop|gemm|steps|doctor [--hidden 256,256] [--batch 64,256,1024]\n"
    "         [--rows 100000] [--features 32] [--epochs 2] [--warmup-rows 10000] [--threads 0] [--seed 0]\n"
    "         [--lr 3e-4] [--gemm-n 2048] [--optimizer adam|fast|fast-foreach]\n"
    "         [--zero-grad inplace|none] [--loss-sync step|epoch] [--keep-heap] [--checks]\n";

int64_t parse_int(const std::string& option, const std::string& value, int64_t min) {
  std::size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || n < min) {
    throw std::invalid_argument(option + " expects an integer >= " + std::to_string(min) + ", got '" + value + "'");
  }
  return n;
}

std::vector<int64_t> parse_list(const std::string& option, const std::string& value) {
  std::vector<int64_t> out;
  std::stringstream in(value);
  for (std::string part; std::getline(in, part, ',');) out.push_back(parse_int(option, part, 1));
  if (out.empty()) throw std::invalid_argument(option + " expects a comma-separated list of integers");
  return out;
}

std::string one_of(const std::string& option, const std::string& value, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    std::string all;
    for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
    throw std::invalid_argument(option + " expects one of " + all + ", got '" + value + "'");
  }
  return value;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    if (opt == "-h" || opt == "--help") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (opt == "--keep-heap") {
      a.keep_heap = true;
      continue;
    }
    if (opt == "--checks") {
      a.checks = true;
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument("unknown option or missing value: " + opt);
    const std::string v = argv[++i];
    if (opt == "--impl") {
      a.impl = one_of(opt, v, {"trainer", "loop", "gemm", "steps", "doctor"});
    } else if (opt == "--hidden") {
      a.hidden = parse_list(opt, v);
    } else if (opt == "--batch") {
      a.batches = parse_list(opt, v);
    } else if (opt == "--rows") {
      a.rows = parse_int(opt, v, 1);
    } else if (opt == "--features") {
      a.features = parse_int(opt, v, 1);
    } else if (opt == "--epochs") {
      a.epochs = parse_int(opt, v, 1);
    } else if (opt == "--warmup-rows") {
      a.warmup_rows = parse_int(opt, v, 0);
    } else if (opt == "--threads") {
      a.threads = static_cast<std::size_t>(parse_int(opt, v, 0));
    } else if (opt == "--seed") {
      a.seed = static_cast<uint64_t>(parse_int(opt, v, 0));
    } else if (opt == "--gemm-n") {
      a.gemm_n = parse_int(opt, v, 1);
    } else if (opt == "--lr") {
      a.lr = std::stod(v);
    } else if (opt == "--optimizer") {
      a.optimizer = one_of(opt, v, {"adam", "fast", "fast-foreach"});
    } else if (opt == "--zero-grad") {
      a.zero_grad = one_of(opt, v, {"inplace", "none"});
    } else if (opt == "--loss-sync") {
      a.loss_sync = one_of(opt, v, {"step", "epoch"});
    } else {
      throw std::invalid_argument("unknown option: " + opt);
    }
  }
  return a;
}

std::string model_name(const Args& a) {
  std::string s = std::to_string(a.features);
  for (int64_t h : a.hidden) s += "-" + std::to_string(h);
  return s + "-1";
}

// Multiply-adds x 2 of the weight GEMMs per sample: forward, weight
// gradients, and input gradients of every layer but the first (the data
// needs none). Bias, ReLU, loss and optimizer are not counted.
double flops_per_sample(const Args& a) {
  std::vector<int64_t> widths{a.features};
  widths.insert(widths.end(), a.hidden.begin(), a.hidden.end());
  widths.push_back(1);
  double weights = 0;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) weights += static_cast<double>(widths[i] * widths[i + 1]);
  const double first = static_cast<double>(widths[0] * widths[1]);
  return 2.0 * weights * 3.0 - 2.0 * first;
}

nnrecipe::TensorData make_data(const Args& a) {
  torch::manual_seed(a.seed);
  nnrecipe::TensorData d;
  d.x = torch::randn({a.rows, a.features});
  const torch::Tensor w = torch::randn({a.features, 1}) / std::sqrt(static_cast<double>(a.features));
  d.y = (torch::sin(d.x.mm(w)) + 0.1 * torch::randn({a.rows, 1})).contiguous();
  return d;
}

// Process CPU time (all threads): with one thread it is the epoch's time
// minus what other processes on a busy machine took from it.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The fastest run of kSteps consecutive steps inside an epoch (marked after
// each step, 1-based): throughput with the epoch's edges and, on a busy
// machine, other processes' bursts left out. Both sides measure it the same way.
struct Windows {
  static constexpr int64_t kSteps = 20;
  double best_seconds = 0;  // 0: no complete window yet
  int64_t last_epoch = -1, last_step = -1;
  Clock::time_point last;
  void mark(int64_t epoch, int64_t step) {
    if (step % kSteps != 0) return;
    const auto now = Clock::now();
    if (epoch == last_epoch && step - last_step == kSteps) {
      const double s = std::chrono::duration<double>(now - last).count();
      if (best_seconds == 0 || s < best_seconds) best_seconds = s;
    }
    last_epoch = epoch;
    last_step = step;
    last = now;
  }
};

struct Timing {
  std::vector<double> epoch_seconds, epoch_cpu_seconds;
  Windows windows;
  double final_loss = 0;
  double monitor_seconds = 0;  // the doctor's own measure of its monitors (--checks)
};

// Each run trains a fresh network whose weights come from seed + 1 (so all
// implementations, pytorch_loop.py included, start from the same weights and
// see the same batches: their final losses must agree).
Timing run_trainer(const Args& a, const nnrecipe::TensorData& train, int64_t epochs) {
  nnrecipe::Config c;
  c.model.type = "mlp";
  c.model.hidden = a.hidden;
  c.train.optimizer = "adam";
  c.train.lr = a.lr;
  c.train.loss = "mse";
  c.train.batch_size = a.batch;
  c.train.epochs = epochs;
  c.train.seed = static_cast<int64_t>(a.seed);
  c.train.threads = static_cast<int64_t>(a.threads);
  c.train.early_stopping.patience = 0;
  nnrecipe::PreparedData data;
  data.task = nnrecipe::Task::Regression;
  data.shape.task = nnrecipe::Task::Regression;
  data.shape.input_dim = a.features;
  data.train = train;  // val and test stay empty: fit() times training only
  torch::manual_seed(a.seed + 1);
  nnrecipe::Network net = nnrecipe::build_network(c.model, data.shape);
  Timing t;
  nnrecipe::TrainerOptions options;
  options.checks = a.checks;  // preflight runs before the first epoch: not in the epoch times
  double cpu_mark = cpu_seconds();
  options.on_epoch = [&](const nnrecipe::EpochLog&, int64_t) {
    const double now = cpu_seconds();
    t.epoch_cpu_seconds.push_back(now - cpu_mark);
    cpu_mark = now;
  };
  // The trainer reports every 20th step (and the last): the windows' edges.
  options.on_step = [&](int64_t epoch, int64_t step, int64_t, double) { t.windows.mark(epoch, step); };
  nnrecipe::Trainer trainer(c, data, net, options);
  const nnrecipe::TrainOutcome out = trainer.fit();
  if (out.stopped_by_check || out.history.empty()) {
    throw std::runtime_error("the doctor stopped the run: " + nnrecipe::render_findings(out.findings));
  }
  for (const nnrecipe::EpochLog& e : out.history) t.epoch_seconds.push_back(e.seconds);
  t.final_loss = out.history.back().train_loss;
  t.monitor_seconds = out.monitor_seconds;
  return t;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const Args& a, const std::vector<torch::Tensor>& params) {
  if (a.optimizer == "adam") return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(a.lr));
  return std::make_unique<nnrecipe::FastAdam>(params, nnrecipe::FastAdamOptions(a.lr).fused(a.optimizer == "fast"));
}

// The benchmark's MLP with the initial weights every implementation starts from.
nnrecipe::Network bench_network(const Args& a) {
  nnrecipe::ModelConfig mc;
  mc.hidden = a.hidden;
  nnrecipe::ModelShape shape;
  shape.input_dim = a.features;
  torch::manual_seed(a.seed + 1);
  return nnrecipe::build_network(mc, shape);
}

// Trainer::fit's epoch, minus what needs a Config knob it does not have.
Timing run_loop(const Args& a, const nnrecipe::TensorData& train, int64_t epochs) {
  nnrecipe::Network net = bench_network(a);
  const std::vector<torch::Tensor> params = net->parameters();
  auto optimizer = make_optimizer(a, params);
  auto* fast = dynamic_cast<nnrecipe::FastAdam*>(optimizer.get());
  const bool set_to_none = a.zero_grad == "none", sync_each_step = a.loss_sync == "step";
  nnrecipe::BatchIterator batches(train, a.batch, /*shuffle=*/true, a.seed);
  Timing t;
  torch::Tensor total_t = torch::zeros({}, torch::kFloat64);
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    const auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    torch::manual_seed(a.seed * 7919 + static_cast<uint64_t>(epoch) + 1);
    net->train();
    batches.start_epoch(static_cast<uint64_t>(epoch));
    nnrecipe::Batch b;
    double total = 0;
    total_t.zero_();
    int64_t seen = 0, step = 0;
    while (batches.next(b)) {
      if (!set_to_none) {
        optimizer->zero_grad();
      } else if (fast != nullptr) {
        fast->zero_grad(/*set_to_none=*/true);
      } else {
        for (const auto& p : params) p.mutable_grad().reset();
      }
      const torch::Tensor l = torch::mse_loss(net->forward(b.x, b.ids), b.y);
      l.backward();
      optimizer->step();
      const int64_t n = b.x.size(0);
      if (sync_each_step) {
        total += l.item<double>() * static_cast<double>(n);
      } else {
        total_t.add_(l.detach(), static_cast<double>(n));  // in place, no allocation
      }
      seen += n;
      t.windows.mark(epoch, ++step);
    }
    if (!sync_each_step) total = total_t.item<double>();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    t.epoch_seconds.push_back(seconds);
    t.epoch_cpu_seconds.push_back(cpu_seconds() - cpu_start);
    t.final_loss = total / static_cast<double>(std::max<int64_t>(seen, 1));
  }
  if (fast != nullptr && a.optimizer == "fast" && fast->fused_steps() == 0) {
    throw std::runtime_error("FastAdam did not take its fused path");
  }
  return t;
}

// --impl steps: what one step's parts cost, in microseconds per step. Each
// part runs in windows of a few steps, the parts take turns window by window,
// and the fastest window counts: a busy machine slows windows, not the
// minimum. Parts: batch (BatchIterator::next), zero_grad (in place), fwd_bwd
// (forward, MSE, backward into zeroed gradients), fwd_bwd_none (the same
// into no gradients: set_to_none), adam / fastadam / fastadam_foreach
// (optimizer step), item (loss.item()), step_trainer (all of the trainer's
// step) and step_all (batch, set_to_none, fwd/bwd, FastAdam, loss summed in a
// tensor).
void run_steps(const Args& a, const nnrecipe::TensorData& data, int threads) {
  nnrecipe::Network net = bench_network(a);
  net->train();
  const std::vector<torch::Tensor> params = net->parameters();
  torch::optim::Adam adam(params, torch::optim::AdamOptions(a.lr));
  nnrecipe::FastAdam fast(params, nnrecipe::FastAdamOptions(a.lr));
  nnrecipe::FastAdam foreach_adam(params, nnrecipe::FastAdamOptions(a.lr).fused(false));
  nnrecipe::BatchIterator batches(data, a.batch, /*shuffle=*/true, a.seed);
  uint64_t epoch = 0;
  nnrecipe::Batch b;
  auto next = [&] {
    if (!batches.next(b)) {
      batches.start_epoch(++epoch);
      batches.next(b);
    }
  };
  next();
  torch::Tensor loss = torch::mse_loss(net->forward(b.x, b.ids), b.y);
  loss.backward();
  torch::Tensor total = torch::zeros({}, torch::kFloat64);
  double sink = 0;
  auto set_none = [&] {
    for (const auto& p : params) p.mutable_grad().reset();
  };
  auto fwd_bwd = [&] {
    loss = torch::mse_loss(net->forward(b.x, b.ids), b.y);
    loss.backward();
  };
  // Parts that need gradients to exist keep them (fwd_bwd_none leaves fresh ones).
  const std::vector<std::pair<std::string, std::function<void()>>> parts = {
      {"batch", [&] { next(); }},
      {"zero_grad", [&] { adam.zero_grad(); }},
      {"fwd_bwd",
       [&] {
         adam.zero_grad();
         fwd_bwd();
       }},
      {"fwd_bwd_none",
       [&] {
         set_none();
         fwd_bwd();
       }},
      {"adam", [&] { adam.step(); }},
      {"fastadam", [&] { fast.step(); }},
      {"fastadam_foreach", [&] { foreach_adam.step(); }},
      {"item", [&] { sink += loss.item<double>(); }},
      {"step_trainer",
       [&] {
         next();
         adam.zero_grad();
         fwd_bwd();
         adam.step();
         sink += loss.item<double>() * static_cast<double>(b.x.size(0));
       }},
      {"step_all",
       [&] {
         next();
         set_none();
         fwd_bwd();
         fast.step();
         total.add_(loss.detach(), static_cast<double>(b.x.size(0)));
       }},
  };
  const int64_t window = std::max<int64_t>(4, 4096 / a.batch);
  std::vector<double> best(parts.size(), 1e30);
  for (int round = 0; round < 12; ++round) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto start = Clock::now();
      for (int64_t k = 0; k < window; ++k) parts[i].second();
      const double s = std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(window);
      if (round > 0) best[i] = std::min(best[i], s);  // round 0 warms up
    }
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::printf("RESULT impl=steps%s model=%s batch=%lld threads=%d part=%s us_per_step=%.2f\n",
                a.keep_heap ? "+keep_heap" : "", model_name(a).c_str(), static_cast<long long>(a.batch), threads,
                parts[i].first.c_str(), best[i] * 1e6);
  }
  std::fflush(stdout);
  if (sink == 12345.678) std::printf("%f\n", total.item<double>());  // keep the reads
}

// through_onednn: nnrecipe::fast_linear (x y^T + 0 by oneDNN's sgemm, what
// the trainer's linear layers use) instead of torch::mm (the BLAS).
double gemm_gflops(const Args& a, bool through_onednn, double& best_seconds) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(a.seed);
  const torch::Tensor x = torch::randn({a.gemm_n, a.gemm_n}), y = torch::randn({a.gemm_n, a.gemm_n});
  const torch::Tensor zero_bias = torch::zeros({a.gemm_n});
  torch::Tensor out = torch::empty({a.gemm_n, a.gemm_n});
  best_seconds = 1e30;
  for (int rep = 0; rep < 4; ++rep) {  // the first is a warm-up
    const auto start = Clock::now();
    if (through_onednn) {
      out = nnrecipe::fast_linear(x, y, zero_bias);
    } else {
      torch::mm_out(out, x, y);
    }
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (rep > 0) best_seconds = std::min(best_seconds, s);
  }
  const double n = static_cast<double>(a.gemm_n);
  return 2.0 * n * n * n / best_seconds / 1e9;
}

// OpenBLAS's kernel set ("Prescott" = SSE3 only: a CPU model it does not
// know; OPENBLAS_CORETYPE overrides it), or "none" when it is not OpenBLAS.
std::string blas_core() {
  using CoreFn = char* (*)();
  if (auto fn = reinterpret_cast<CoreFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"))) return fn();
  return "none";
}

}  // namespace

// The doctor's cost (--impl doctor): one epoch of the trainer without and
// one with checks (preflight before it, untimed; monitors at the default
// interval), back to back in one process, order alternating, 7 pairs per
// batch size. The machine's load drifts between runs seconds apart, so each
// pair's ratio is taken and their median reported, not ratios of bests.
void run_doctor_overhead(Args a, const nnrecipe::TensorData& data, int threads) {
  constexpr int kPairs = 7;
  std::vector<double> self_shares;  // the monitors' own time over the epoch's
  const auto epoch_seconds = [&](bool checks) {
    Args b = a;
    b.checks = checks;
    const Timing t = run_trainer(b, data, 1);
    if (checks) self_shares.push_back(t.monitor_seconds / t.epoch_seconds.at(0));
    return t.epoch_seconds.at(0);
  };
  for (int64_t batch : a.batches) {
    a.batch = batch;
    epoch_seconds(true);  // warm-up: allocator, thread pools, the doctor's first use
    self_shares.clear();
    std::vector<double> overheads;
    for (int i = 0; i < kPairs; ++i) {
      double off = 0, on = 0;
      if (i % 2 == 0) {
        off = epoch_seconds(false);
        on = epoch_seconds(true);
      } else {
        on = epoch_seconds(true);
        off = epoch_seconds(false);
      }
      overheads.push_back(on / off - 1);
    }
    std::sort(overheads.begin(), overheads.end());
    std::sort(self_shares.begin(), self_shares.end());
    std::printf(
        "RESULT impl=doctor model=%s batch=%lld threads=%d pairs=%d overhead_median=%.4f overhead_min=%.4f "
        "overhead_max=%.4f self_median=%.4f\n",
        model_name(a).c_str(), static_cast<long long>(batch), threads, kPairs, overheads[kPairs / 2], overheads.front(),
        overheads.back(), self_shares[self_shares.size() / 2]);
    std::fflush(stdout);
  }
}

int main(int argc, char** argv) {
  Args a;
  try {
    a = parse_args(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench_train_throughput: " << e.what() << "\n" << kUsage;
    return 2;
  }
  try {
    if (a.keep_heap && (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1 || mallopt(M_TRIM_THRESHOLD, 1 << 30) != 1)) {
      throw std::runtime_error("mallopt failed");
    }
    nnrecipe::configure_threads(a.threads);
    const int threads = torch::get_num_threads();
    if (a.impl == "gemm") {
      double seconds = 0, onednn_seconds = 0;
      const double gflops = gemm_gflops(a, false, seconds);
      const double onednn_gflops = nnrecipe::fast_linear_available() ? gemm_gflops(a, true, onednn_seconds) : 0.0;
      std::printf("RESULT impl=gemm n=%lld threads=%d seconds=%.6f gflops=%.2f blas=%s onednn_gflops=%.2f\n",
                  static_cast<long long>(a.gemm_n), threads, seconds, gflops, blas_core().c_str(), onednn_gflops);
      return 0;
    }
    const nnrecipe::TensorData data = make_data(a);
    if (a.impl == "doctor") {
      run_doctor_overhead(a, data, threads);
      return 0;
    }
    if (a.impl == "steps") {
      for (int64_t batch : a.batches) {
        a.batch = batch;
        run_steps(a, data, threads);
      }
      return 0;
    }
    const double data_sum = data.x.sum().item<double>() + data.y.sum().item<double>();
    const int64_t warm_rows = std::min(a.rows, a.warmup_rows);
    const nnrecipe::TensorData warm{data.x.narrow(0, 0, warm_rows), {}, data.y.narrow(0, 0, warm_rows)};
    auto run = [&](const nnrecipe::TensorData& train, int64_t epochs) {
      return a.impl == "trainer" ? run_trainer(a, train, epochs) : run_loop(a, train, epochs);
    };
    std::string impl = a.impl;
    if (a.impl == "loop") impl += ":" + a.optimizer + "," + a.zero_grad + "," + a.loss_sync;
    if (a.keep_heap) impl += "+keep_heap";
    if (a.checks) impl += "+checks";
    const double fps = flops_per_sample(a);
    for (int64_t batch : a.batches) {
      a.batch = batch;
      if (warm_rows > 0) run(warm, 1);  // allocator, thread pool, caches; not timed
      const Timing t = run(data, a.epochs);
      const double best = *std::min_element(t.epoch_seconds.begin(), t.epoch_seconds.end());
      const double best_cpu = *std::min_element(t.epoch_cpu_seconds.begin(), t.epoch_cpu_seconds.end());
      const double samples_per_s = static_cast<double>(a.rows) / best;
      const double window_samples_per_s = t.windows.best_seconds > 0
                                              ? static_cast<double>(Windows::kSteps * batch) / t.windows.best_seconds
                                              : samples_per_s;
      std::printf(
          "RESULT impl=%s model=%s batch=%lld threads=%d rows=%lld epochs=%lld best_epoch_s=%.6f "
          "samples_per_s=%.1f window_samples_per_s=%.1f best_epoch_cpu_s=%.6f flops_per_sample=%.0f gflops=%.3f "
          "final_loss=%.6f "
          "data_sum=%.4f\n",
          impl.c_str(), model_name(a).c_str(), static_cast<long long>(batch), threads, static_cast<long long>(a.rows),
          static_cast<long long>(a.epochs), best, samples_per_s, window_samples_per_s, best_cpu, fps,
          samples_per_s * fps / 1e9, t.final_loss, data_sum);
      std::fflush(stdout);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_train_throughput: " << e.what() << "\n";
    return 1;
  }
}
