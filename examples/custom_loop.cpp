// nnrecipe's Doctor in your own LibTorch training loop.
//
// A custom two-branch model (an encoder with a mean and a log-variance head,
// VAE-style, feeding a classifier) trained by a hand-written loop. The Doctor
// takes the model and the optimizer, runs the preflight checks on one real
// batch, and watches every step after backward() and after step().
//
//   custom_loop [--plant NAME] [--steps N] [--json FILE]
//
// --plant puts in one of the silent faults this product exists to catch:
//   optimizer_coverage  two parameter tensors never given to the optimizer
//                       (the VAE case: it still converges, just worse)
//   zero_grad           optimizer.zero_grad() forgotten
//   detached_branch     the log-variance branch .detach()ed
//   eval_dropout        functional dropout that ignores eval()
//   batch_mixing        a view() that regroups rows across the batch
//   softmax_logits      softmax applied before cross_entropy (which takes logits)
// Prints the findings; exit 1 when any is an error, 0 otherwise.
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "nnrecipe/doctor.h"

namespace {

struct Faults {
  std::string plant;
  bool is(const char* name) const { return plant == name; }
};

// Encoder -> (mu, logvar) -> z = mu + exp(logvar / 2) * noise -> classifier.
struct TwoBranchNetImpl : torch::nn::Module {
  TwoBranchNetImpl(int64_t in, int64_t classes, Faults faults) : faults(std::move(faults)) {
    encoder = register_module("encoder", torch::nn::Linear(in, 32));
    mu = register_module("mu", torch::nn::Linear(32, 8));
    logvar = register_module("logvar", torch::nn::Linear(32, 8));
    dropout = register_module("dropout", torch::nn::Dropout(0.1));
    classifier = register_module("classifier", torch::nn::Linear(16, classes));
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = torch::relu(encoder->forward(x));
    if (faults.is("batch_mixing")) h = h.view({2, -1}).flip(1).reshape({x.size(0), -1});  // rows swap features
    torch::Tensor m = mu->forward(h);
    torch::Tensor lv = logvar->forward(h);
    if (faults.is("detached_branch")) lv = lv.detach();
    // Reparameterization with deterministic "noise" in eval mode.
    torch::Tensor z = is_training() ? m + torch::exp(0.5 * lv) * torch::randn_like(m) : m;
    torch::Tensor features = torch::cat({z, torch::tanh(lv)}, 1);
    features = faults.is("eval_dropout") ? torch::dropout(features, 0.3, /*train=*/true) : dropout->forward(features);
    torch::Tensor logits = classifier->forward(features);
    return faults.is("softmax_logits") ? torch::softmax(logits, 1) : logits;
  }

  Faults faults;
  torch::nn::Linear encoder{nullptr}, mu{nullptr}, logvar{nullptr}, classifier{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(TwoBranchNet);

// Three classes from the sign pattern of two features; eight noise features.
std::pair<torch::Tensor, torch::Tensor> make_batch(int64_t rows) {
  torch::Tensor x = torch::randn({rows, 10});
  torch::Tensor y = (x.select(1, 0) > 0).to(torch::kLong) + (x.select(1, 1) > 0.5).to(torch::kLong);
  return {x, y};
}

int usage(const char* why) {
  std::cerr << "custom_loop: " << why
            << "\nusage: custom_loop [--plant optimizer_coverage|zero_grad|detached_branch|eval_dropout|"
               "batch_mixing|softmax_logits] [--steps N] [--json FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Faults faults;
  int64_t steps = 200;
  std::string json;
  const std::set<std::string> plants{"optimizer_coverage", "zero_grad",    "detached_branch",
                                     "eval_dropout",       "batch_mixing", "softmax_logits"};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + arg).c_str());
    if (arg == "--plant") {
      faults.plant = argv[++i];
      if (!plants.count(faults.plant)) return usage(("unknown fault '" + faults.plant + "'").c_str());
    } else if (arg == "--steps") {
      steps = std::atoll(argv[++i]);
    } else if (arg == "--json") {
      json = argv[++i];
    } else {
      return usage(("unknown option " + arg).c_str());
    }
  }

  torch::manual_seed(0);
  TwoBranchNet model(10, 3, faults);
  std::vector<torch::Tensor> params = model->parameters();
  if (faults.is("optimizer_coverage")) {  // forgot the log-variance head
    params.clear();
    for (const auto& p : model->named_parameters()) {
      if (p.key().rfind("logvar.", 0) != 0) params.push_back(p.value());
    }
  }
  torch::optim::Adam optimizer(params, 1e-3);
  const auto loss_fn = [](const torch::Tensor& out, const torch::Tensor& y) {
    return torch::nn::functional::cross_entropy(out, y);
  };
  const auto forward = [&](const torch::Tensor& x) { return model->forward(x); };

  // 1. Attach the doctor and run the preflight on one real batch.
  nnrecipe::Doctor doctor(*model, optimizer);
  nnrecipe::TargetInfo target;
  target.task = nnrecipe::Task::Multiclass;
  target.classes = 3;
  doctor.set_target(target);
  const auto [px, py] = make_batch(128);
  doctor.preflight(px, py, forward, loss_fn);

  // 2. The user's loop, with two calls added.
  for (int64_t step = 0; step < steps && !doctor.should_stop(); ++step) {
    const auto [x, y] = make_batch(64);
    if (!faults.is("zero_grad")) optimizer.zero_grad();
    torch::Tensor loss = loss_fn(forward(x), y);
    loss.backward();
    doctor.after_backward();
    optimizer.step();
    doctor.after_step(loss.item<double>());
  }

  const nnrecipe::FindingSet& found = doctor.findings();
  std::cout << "custom_loop" << (faults.plant.empty() ? "" : " --plant " + faults.plant) << ": "
            << found.findings.size() << " finding(s)\n"
            << nnrecipe::render_findings(found);
  if (!json.empty()) std::ofstream(json) << nnrecipe::to_json(found).dump(2) << "\n";
  return found.has_errors() ? 1 : 0;
}
