// The gradient-flow, activation, input-dependence and output-width checks:
// each fires on its planted fault and stays quiet on a healthy model.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "doctor/finding_helpers.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {
namespace {

using test::has;
using test::ids;

torch::Tensor bce(const torch::Tensor& out, const torch::Tensor& y) {
  return torch::binary_cross_entropy_with_logits(out, y);
}

// y depends on the first two features.
void make_binary(int64_t rows, torch::Tensor& x, torch::Tensor& y, uint64_t seed = 1) {
  torch::manual_seed(seed);
  x = torch::randn({rows, 6});
  y = ((x.select(1, 0) + 0.5 * x.select(1, 1)) > 0).to(torch::kFloat32).view({-1, 1});
}

// An MLP whose forward reports each activation's input to the doctor, as a
// user would wire it: depth, activation and the hidden biases are the faults.
struct ProbedMlpImpl : torch::nn::Module {
  ProbedMlpImpl(int64_t in, int64_t width, int64_t depth, std::string activation) : activation(std::move(activation)) {
    int64_t w = in;
    for (int64_t i = 0; i < depth; ++i) {
      layers.push_back(register_module("hidden" + std::to_string(i), torch::nn::Linear(w, width)));
      w = width;
    }
    out = register_module("out", torch::nn::Linear(w, 1));
  }
  torch::Tensor forward(torch::Tensor x, Doctor* doctor) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      x = layers[i]->forward(x);
      if (doctor) doctor->observe_activation("hidden" + std::to_string(i), activation, x);
      x = activation == "relu" ? torch::relu(x) : activation == "tanh" ? torch::tanh(x) : torch::sigmoid(x);
    }
    return out->forward(x);
  }
  void fill_hidden_bias(double value) {
    torch::NoGradGuard no_grad;
    for (auto& l : layers) l->bias.fill_(value);
  }
  std::string activation;
  std::vector<torch::nn::Linear> layers;
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(ProbedMlp);

std::vector<Finding> preflight(ProbedMlp& net, const torch::Tensor& x, const torch::Tensor& y) {
  torch::optim::Adam opt(net->parameters(), 1e-3);
  Doctor doctor(*net, opt);
  return doctor.preflight(
      x, y, [&](const torch::Tensor& in) { return net->forward(in, &doctor); }, bce);
}

TEST(DoctorFlow, HealthyProbedMlpIsQuiet) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  for (const std::string act : {"relu", "tanh"}) {
    torch::manual_seed(0);
    ProbedMlp net(6, 32, 2, act);
    const auto found = preflight(net, x, y);
    EXPECT_TRUE(found.empty()) << act << ": " << ::testing::PrintToString(ids(found));
  }
}

TEST(DoctorFlow, DeepSigmoidStackVanishes) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 20, "sigmoid");
  const auto found = preflight(net, x, y);
  ASSERT_TRUE(has(found, "train.vanishing_grad")) << ::testing::PrintToString(ids(found));
  for (const Finding& f : found) {
    if (f.id == "train.vanishing_grad") {
      EXPECT_LT(f.evidence.at("ratio").get<double>(), 1e-3);
      EXPECT_EQ(f.evidence.at("first_layer"), "hidden0.weight");
      EXPECT_EQ(f.evidence.at("last_layer"), "out.weight");
    }
  }
}

TEST(DoctorFlow, ScaledLastLayerExplodesTheFirstLayersGradient) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 1, "relu");
  {
    torch::NoGradGuard no_grad;
    net->layers[0]->weight.mul_(1e-3);  // the last layer's gradient scales with this
    net->layers[0]->bias.fill_(1e-3);
    net->out->weight.mul_(1e2);  // the first layer's with this
  }
  const auto found = preflight(net, x, y);
  EXPECT_TRUE(has(found, "train.exploding_grad")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorFlow, GradientNormSpikeDuringTraining) {
  const auto run = [](double late_scale) {
    torch::nn::Linear linear(4, 1);
    torch::optim::SGD opt(linear->parameters(), 0.0);  // lr 0: only the gradients matter here
    Doctor doctor(*linear, opt, test::checks_every(20));
    for (int step = 1; step <= 240; ++step) {
      const double scale = step > 160 ? late_scale : 1.0;
      linear->weight.mutable_grad() = torch::full({1, 4}, scale);
      linear->bias.mutable_grad() = torch::full({1}, scale);
      doctor.after_backward();
      opt.step();
      doctor.after_step(1.0 - step * 1e-3);
    }
    return doctor.findings().findings;
  };
  EXPECT_TRUE(has(run(50.0), "train.exploding_grad"));
  EXPECT_FALSE(has(run(3.0), "train.exploding_grad"));
}

// One check in a few hundred with a 10x gradient (a batch holding a row of a
// class with 7 training rows) is expected, not an explosion.
TEST(DoctorFlow, IsolatedGradientSpikesAreNotAnExplosion) {
  torch::nn::Linear linear(4, 1);
  torch::optim::SGD opt(linear->parameters(), 0.0);
  Doctor doctor(*linear, opt, test::checks_every(20));
  for (int step = 1; step <= 2000; ++step) {
    // Checks at steps 20, 40, ...: every 10th one spikes to 30x, then falls back.
    const double scale = step % 200 == 0 ? 30.0 : 1.0;
    linear->weight.mutable_grad() = torch::full({1, 4}, scale);
    linear->bias.mutable_grad() = torch::full({1}, scale);
    doctor.after_backward();
    opt.step();
    doctor.after_step(1.0 - step * 1e-4);
  }
  EXPECT_FALSE(has(doctor.findings().findings, "train.exploding_grad"));
}

TEST(DoctorFlow, NegativeBiasKillsTheReluUnitsAtInit) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 2, "relu");
  net->fill_hidden_bias(-10.0);
  const auto found = preflight(net, x, y);
  ASSERT_TRUE(has(found, "train.dead_relu")) << ::testing::PrintToString(ids(found));
  for (const Finding& f : found) {
    if (f.id == "train.dead_relu") EXPECT_EQ(f.evidence.at("dead_share").get<double>(), 1.0);
  }
}

TEST(DoctorFlow, UnnormalizedInputsSaturateTanhAtInit) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 2, "tanh");
  const auto found = preflight(net, x * 100, y);
  EXPECT_TRUE(has(found, "train.saturation")) << ::testing::PrintToString(ids(found));
}

// During training a layer must fail three consecutive checks.
std::vector<Finding> observe(const std::string& activation, const std::function<torch::Tensor(int)>& input) {
  torch::nn::Linear linear(4, 1);
  torch::optim::SGD opt(linear->parameters(), 0.01);
  Doctor doctor(*linear, opt, test::checks_every(20));
  for (int step = 0; step < 100; ++step) {
    doctor.observe_activation("hidden0", activation, input(step));
    doctor.after_step(1.0 - step * 1e-3);
  }
  return doctor.findings().findings;
}

TEST(DoctorFlow, ActivationMonitorsNeedConsecutiveChecks) {
  torch::manual_seed(0);
  const auto dead = [](int) { return -torch::rand({64, 16}) - 0.1; };
  const auto healthy = [](int) { return torch::randn({64, 16}); };
  // Dead on one check only (step 39), then alive again.
  const auto once = [](int step) { return step == 39 ? -torch::rand({64, 16}) - 0.1 : torch::randn({64, 16}); };
  EXPECT_TRUE(has(observe("relu", dead), "train.dead_relu"));
  EXPECT_FALSE(has(observe("relu", healthy), "train.dead_relu"));
  EXPECT_FALSE(has(observe("relu", once), "train.dead_relu"));
  // 75% of the units silent on every batch, but a different 75% each time
  // (sparse rows reach different units): none is dead.
  const auto rotating = [](int step) {
    torch::Tensor t = -torch::rand({64, 16}) - 0.1;
    t.narrow(1, (step / 20) % 4 * 4, 4).copy_(torch::rand({64, 4}) + 0.1);
    return t;
  };
  EXPECT_FALSE(has(observe("relu", rotating), "train.dead_relu"));
  const auto saturated = [](int) { return torch::randn({64, 16}) * 50; };
  EXPECT_TRUE(has(observe("sigmoid", saturated), "train.saturation"));
  EXPECT_FALSE(has(observe("sigmoid", healthy), "train.saturation"));
  // Convolutional inputs: a unit is a channel.
  const auto dead_channels = [](int) {
    torch::Tensor t = torch::randn({8, 10, 5, 5});
    t.narrow(1, 0, 8).copy_(-torch::rand({8, 8, 5, 5}) - 0.1);
    return t;
  };
  EXPECT_TRUE(has(observe("relu", dead_channels), "train.dead_relu"));
}

TEST(DoctorFlow, ShuffledLabelsAreInputIndependent) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  torch::manual_seed(0);
  ProbedMlp healthy(6, 32, 2, "relu");
  EXPECT_FALSE(has(preflight(healthy, x, y), "baseline.input_independent"));
  // The same labels, shuffled apart from their rows.
  const torch::Tensor shuffled = y.index_select(0, torch::randperm(256));
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 2, "relu");
  const auto found = preflight(net, x, shuffled);
  ASSERT_TRUE(has(found, "baseline.input_independent")) << ::testing::PrintToString(ids(found));
  for (const Finding& f : found) {
    if (f.id == "baseline.input_independent") {
      // A statistic, so a warning; its evidence is the bound it rests on.
      EXPECT_EQ(f.severity, Severity::Warn);
      EXPECT_LT(f.evidence.at("gain_upper_99").get<double>(), f.evidence.at("margin").get<double>());
      EXPECT_EQ(f.evidence.at("rows").get<int64_t>(), 256);  // every row judged once
    }
  }
}

// A weak real signal on an imbalanced target (~6% positives, AUC ~0.7: a
// credit-risk or marketing table) is not "input-independent": 2048 rows
// measure it. The same labels shuffled are.
TEST(DoctorFlow, WeakSignalOnRareLabelsIsNotInputIndependent) {
  const int64_t rows = 2048;
  const auto run = [&](bool shuffle, uint64_t seed) {
    torch::manual_seed(seed);
    const torch::Tensor x = torch::randn({rows, 6});
    const torch::Tensor p = torch::sigmoid(-3.2 + 0.8 * x.select(1, 0));
    torch::Tensor y = torch::bernoulli(p).view({-1, 1});
    if (shuffle) y = y.index_select(0, torch::randperm(rows));
    torch::manual_seed(0);
    ProbedMlp net(6, 32, 2, "relu");
    return has(preflight(net, x, y), "baseline.input_independent");
  };
  int weak_fired = 0, shuffled_fired = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    weak_fired += run(false, seed);
    shuffled_fired += run(true, seed);
  }
  EXPECT_EQ(weak_fired, 0);
  EXPECT_GE(shuffled_fired, 4);
}

// Too few rows to tell is not evidence: 16 held-out positives decide nothing.
TEST(DoctorFlow, TooFewRowsToTellFireNothing) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({96, 6});
  const torch::Tensor y = torch::bernoulli(torch::sigmoid(-1.0 + 0.5 * x.select(1, 0))).view({-1, 1});
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 2, "relu");
  EXPECT_FALSE(has(preflight(net, x, y), "baseline.input_independent"));
}

TEST(DoctorFlow, ForwardThatDropsItsInputIsInputIndependent) {
  torch::Tensor x, y;
  make_binary(256, x, y);
  torch::manual_seed(0);
  ProbedMlp net(6, 32, 2, "relu");
  torch::optim::Adam opt(net->parameters(), 1e-3);
  Doctor doctor(*net, opt);
  // A bug: the input is multiplied by a mask that was meant to be ones.
  const auto found = doctor.preflight(
      x, y, [&](const torch::Tensor& in) { return net->forward(in * torch::zeros_like(in), nullptr); }, bce);
  EXPECT_TRUE(has(found, "baseline.input_independent")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorFlow, ClassifierOutputWidthAgainstTheClasses) {
  torch::manual_seed(0);
  torch::Tensor x = torch::randn({96, 6});
  torch::Tensor y = torch::argmax(x.narrow(1, 0, 3), 1);
  const auto ce = [](const torch::Tensor& o, const torch::Tensor& t) {
    return torch::nn::functional::cross_entropy(o, t);
  };
  const auto run = [&](int64_t outputs) {
    auto net = torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::ReLU(), torch::nn::Linear(16, outputs));
    torch::optim::Adam opt(net->parameters(), 1e-3);
    Doctor doctor(*net, opt);
    doctor.set_target({Task::Multiclass, 3, {32, 32, 32}});
    return doctor.preflight(
        x, y, [&](const torch::Tensor& in) { return net->forward(in); }, ce);
  };
  const auto wide = run(5);  // trains, silently: two units that no label ever asks for
  ASSERT_TRUE(has(wide, "config.output_dim")) << ::testing::PrintToString(ids(wide));
  EXPECT_EQ(wide[0].evidence.at("outputs"), 5);
  const auto narrow = run(2);  // cross-entropy would throw on label 2: the finding comes first
  EXPECT_TRUE(has(narrow, "config.output_dim"));
  EXPECT_FALSE(has(run(3), "config.output_dim"));
}

}  // namespace
}  // namespace nnrecipe
