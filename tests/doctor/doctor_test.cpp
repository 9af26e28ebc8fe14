// The Doctor in a user's own LibTorch loop: each preflight check and monitor
// fires on its planted fault and stays quiet on a healthy model and loop.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "doctor/finding_helpers.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {
namespace {

// Two features carry the label; the rest is noise.
struct Batch {
  torch::Tensor x, y;
};

Batch binary_batch(int64_t rows = 64, int64_t features = 6, uint64_t seed = 1) {
  torch::manual_seed(seed);
  torch::Tensor x = torch::randn({rows, features});
  torch::Tensor y = ((x.select(1, 0) + 0.5 * x.select(1, 1)) > 0).to(torch::kFloat32).view({-1, 1});
  return {x, y};
}

torch::Tensor bce(const torch::Tensor& out, const torch::Tensor& y) {
  return torch::binary_cross_entropy_with_logits(out, y);
}

// A user's two-branch model: both branches feed the head.
struct TwoBranchImpl : torch::nn::Module {
  TwoBranchImpl(int64_t in, bool detach_b = false, bool always_dropout = false, bool mix_batch = false,
                bool sigmoid_out = false)
      : detach_b(detach_b), always_dropout(always_dropout), mix_batch(mix_batch), sigmoid_out(sigmoid_out) {
    a = register_module("a", torch::nn::Linear(in, 16));
    b = register_module("b", torch::nn::Linear(in, 16));
    head = register_module("head", torch::nn::Linear(32, 1));
  }
  torch::Tensor forward(torch::Tensor x) {
    if (mix_batch) x = x - x.mean(0);  // normalizes with the batch's own mean: rows leak into each other
    torch::Tensor ha = torch::relu(a->forward(x));
    torch::Tensor hb = torch::relu(b->forward(x));
    if (detach_b) hb = hb.detach();
    torch::Tensor h = torch::cat({ha, hb}, 1);
    if (always_dropout) h = torch::dropout(h, 0.5, /*train=*/true);  // ignores eval()
    torch::Tensor out = head->forward(h);
    return sigmoid_out ? torch::sigmoid(out) : out;
  }
  bool detach_b, always_dropout, mix_batch, sigmoid_out;
  torch::nn::Linear a{nullptr}, b{nullptr}, head{nullptr};
};
TORCH_MODULE(TwoBranch);

using test::has;
using test::ids;

std::vector<Finding> preflight(TwoBranch& model, torch::optim::Optimizer& opt, const Batch& batch,
                               DoctorOptions options = {}) {
  Doctor doctor(*model, opt, options);
  return doctor.preflight(
      batch.x, batch.y, [&](const torch::Tensor& x) { return model->forward(x); }, bce);
}

TEST(DoctorPreflight, HealthyModelIsQuiet) {
  torch::manual_seed(0);
  TwoBranch model(6);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  const auto found = preflight(model, opt, binary_batch());
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(ids(found));
}

TEST(DoctorPreflight, LeavesModelGradientsAndBuffersAsItFoundThem) {
  torch::manual_seed(0);
  auto net = torch::nn::Sequential(torch::nn::Linear(6, 8), torch::nn::BatchNorm1d(8), torch::nn::ReLU(),
                                   torch::nn::Linear(8, 1));
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const Batch batch = binary_batch();
  bce(net->forward(batch.x), batch.y).backward();  // some gradients present
  std::vector<torch::Tensor> params, grads, buffers;
  for (const auto& p : net->parameters()) {
    params.push_back(p.detach().clone());
    grads.push_back(p.grad().clone());
  }
  for (const auto& b : net->buffers()) buffers.push_back(b.clone());
  Doctor doctor(*net, opt);
  doctor.preflight(
      batch.x, batch.y, [&](const torch::Tensor& x) { return net->forward(x); }, bce);
  const auto ps = net->parameters();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    EXPECT_TRUE(torch::equal(ps[i], params[i])) << i;
    EXPECT_TRUE(torch::equal(ps[i].grad(), grads[i])) << i;
  }
  const auto bs = net->buffers();
  for (std::size_t i = 0; i < bs.size(); ++i) EXPECT_TRUE(torch::equal(bs[i], buffers[i])) << i;
  EXPECT_TRUE(net->is_training());
  EXPECT_TRUE(opt.state().empty());  // the optimizer never stepped
}

TEST(DoctorPreflight, ParametersLeftOutOfTheOptimizer) {
  torch::manual_seed(0);
  TwoBranch model(6);
  // The VAE case: two parameter tensors never passed to the optimizer.
  std::vector<torch::Tensor> some{model->a->weight, model->a->bias, model->head->weight, model->head->bias};
  torch::optim::Adam opt(some, 1e-3);
  const auto found = preflight(model, opt, binary_batch());
  ASSERT_TRUE(has(found, "optim.coverage")) << ::testing::PrintToString(ids(found));
  const Finding& f = found[0];
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.evidence.at("missing"), (nlohmann::json{"b.weight", "b.bias"}));
}

TEST(DoctorPreflight, DetachedBranchGetsNoGradient) {
  torch::manual_seed(0);
  TwoBranch model(6, /*detach_b=*/true);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  const auto found = preflight(model, opt, binary_batch());
  ASSERT_TRUE(has(found, "grad.coverage")) << ::testing::PrintToString(ids(found));
  for (const Finding& f : found) {
    if (f.id == "grad.coverage") EXPECT_EQ(f.evidence.at("no_gradient"), (nlohmann::json{"b.weight", "b.bias"}));
  }
}

TEST(DoctorPreflight, DropoutActiveAtEval) {
  torch::manual_seed(0);
  TwoBranch model(6, false, /*always_dropout=*/true);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  EXPECT_TRUE(has(preflight(model, opt, binary_batch()), "eval.determinism"));
  // Quiet: the Dropout module, which eval() turns off.
  auto net = torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::ReLU(), torch::nn::Dropout(0.5),
                                   torch::nn::Linear(16, 1));
  torch::optim::Adam opt2(net->parameters(), 1e-3);
  Doctor doctor(*net, opt2);
  const Batch batch = binary_batch();
  const auto found = doctor.preflight(
      batch.x, batch.y, [&](const torch::Tensor& x) { return net->forward(x); }, bce);
  EXPECT_FALSE(has(found, "eval.determinism")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorPreflight, ModelThatMixesTheBatch) {
  torch::manual_seed(0);
  TwoBranch model(6, false, false, /*mix_batch=*/true);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  const auto found = preflight(model, opt, binary_batch());
  ASSERT_TRUE(has(found, "batch.independence")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorPreflight, SigmoidOutputIntoALogitsLoss) {
  torch::manual_seed(0);
  TwoBranch model(6, false, false, false, /*sigmoid_out=*/true);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  const auto found = preflight(model, opt, binary_batch());
  EXPECT_TRUE(has(found, "output.range")) << ::testing::PrintToString(ids(found));
  EXPECT_TRUE(has(found, "overfit.one_batch")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorPreflight, SoftmaxOutputIntoCrossEntropy) {
  torch::manual_seed(0);
  auto net = torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::ReLU(), torch::nn::Linear(16, 3));
  torch::optim::Adam opt(net->parameters(), 1e-3);
  torch::Tensor x = torch::randn({48, 6});
  torch::Tensor y = torch::argmax(x.narrow(1, 0, 3), 1);
  const auto ce = [](const torch::Tensor& o, const torch::Tensor& t) {
    return torch::nn::functional::cross_entropy(o, t);
  };
  Doctor bad(*net, opt);
  const auto found = bad.preflight(
      x, y, [&](const torch::Tensor& in) { return torch::softmax(net->forward(in), 1); }, ce);
  EXPECT_TRUE(has(found, "output.range")) << ::testing::PrintToString(ids(found));
  Doctor good(*net, opt);
  const auto quiet = good.preflight(
      x, y, [&](const torch::Tensor& in) { return net->forward(in); }, ce);
  EXPECT_TRUE(quiet.empty()) << ::testing::PrintToString(ids(quiet));
}

TEST(DoctorPreflight, NanInTheBatchStopsThere) {
  torch::manual_seed(0);
  TwoBranch model(6);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  Batch batch = binary_batch();
  batch.x[3][2] = std::numeric_limits<float>::quiet_NaN();
  const auto found = preflight(model, opt, batch);
  ASSERT_EQ(ids(found), std::vector<std::string>{"data.nan_batch"});
  EXPECT_EQ(found[0].evidence.at("nonfinite_inputs"), 1);
}

TEST(DoctorPreflight, LossAtInitAgainstTheory) {
  torch::manual_seed(0);
  auto net = torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::ReLU(), torch::nn::Linear(16, 1));
  torch::optim::Adam opt(net->parameters(), 1e-3);
  Batch batch = binary_batch(256);
  const double pos = batch.y.mean().item<double>();
  TargetInfo target{Task::Binary, 2, {static_cast<int64_t>((1 - pos) * 256), static_cast<int64_t>(pos * 256)}};
  const auto run = [&] {
    Doctor doctor(*net, opt);
    doctor.set_target(target);
    return doctor.preflight(
        batch.x, batch.y, [&](const torch::Tensor& x) { return net->forward(x); }, bce);
  };
  {
    torch::NoGradGuard no_grad;
    net[2]->as<torch::nn::Linear>()->bias.fill_(std::log(pos / (1 - pos)));  // the prior
  }
  EXPECT_FALSE(has(run(), "init.loss"));
  {
    torch::NoGradGuard no_grad;
    net[2]->as<torch::nn::Linear>()->bias.fill_(-6.0);  // confidently wrong for every positive
  }
  const auto found = run();
  ASSERT_TRUE(has(found, "init.loss")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorPreflight, CannotOverfitOneBatch) {
  // One input feature, random labels on 16 rows: a linear model cannot fit them.
  torch::manual_seed(3);
  torch::nn::Linear linear(1, 1);
  torch::optim::Adam opt(linear->parameters(), 1e-3);
  torch::Tensor x = torch::randn({16, 1});
  torch::Tensor y = torch::randint(0, 2, {16, 1}).to(torch::kFloat32);
  Doctor doctor(*linear, opt);
  const auto found = doctor.preflight(
      x, y, [&](const torch::Tensor& in) { return linear->forward(in); }, bce);
  EXPECT_TRUE(has(found, "overfit.one_batch")) << ::testing::PrintToString(ids(found));
}

// Dropout is built to stop memorizing; the one-batch fit asks whether the
// model could memorize, so it runs with dropout off and a capable model with
// heavy dropout passes (with input dropout on, 16 random labels stay out of
// reach of this net). The model's modes are restored afterwards.
TEST(DoctorPreflight, OneBatchIsFittedWithDropoutOff) {
  torch::manual_seed(5);
  torch::nn::Sequential net(torch::nn::Dropout(0.5), torch::nn::Linear(6, 16), torch::nn::ReLU(),
                            torch::nn::Linear(16, 1));
  torch::optim::Adam opt(net->parameters(), 1e-3);
  torch::Tensor x = torch::randn({64, 6});
  torch::Tensor y = torch::randint(0, 2, {64, 1}).to(torch::kFloat32);
  Doctor doctor(*net, opt);
  const auto found = doctor.preflight(
      x, y, [&](const torch::Tensor& in) { return net->forward(in); }, bce);
  EXPECT_FALSE(has(found, "overfit.one_batch")) << ::testing::PrintToString(ids(found));
  EXPECT_TRUE(net->is_training());
  EXPECT_TRUE(net[0]->is_training());
}

// Rows with identical inputs and opposite labels (a table of a few coarse
// columns: sex, class, age band) cap how far any model can bring the loss
// down on them; a model that fits everything else is not at fault.
TEST(DoctorPreflight, ConflictingDuplicatesDoNotFailOneBatchOverfitting) {
  torch::manual_seed(3);
  torch::Tensor x = torch::randn({8, 6}).repeat({2, 1});                      // rows 0-7 again as rows 8-15
  torch::Tensor y = torch::cat({torch::ones({8, 1}), torch::zeros({8, 1})});  // each pair disagrees
  y[3][0] = 0.0f;  // one pair agrees: there is something to fit
  TwoBranch model(6);
  torch::optim::Adam opt(model->parameters(), 1e-3);
  const auto found = preflight(model, opt, {x, y});
  EXPECT_FALSE(has(found, "overfit.one_batch")) << ::testing::PrintToString(ids(found));
  // The same labels on distinct rows can be memorized: the floor is 0 there,
  // and a model that cannot fit them is still caught (CannotOverfitOneBatch).
}

TEST(DoctorPreflight, IgnoreSilences) {
  torch::manual_seed(0);
  TwoBranch model(6);
  std::vector<torch::Tensor> some{model->a->weight, model->a->bias, model->head->weight, model->head->bias};
  torch::optim::Adam opt(some, 1e-3);
  DoctorOptions options;
  options.ignore = {"optim.coverage"};
  Doctor doctor(*model, opt, options);
  const Batch batch = binary_batch();
  doctor.preflight(
      batch.x, batch.y, [&](const torch::Tensor& x) { return model->forward(x); }, bce);
  EXPECT_FALSE(has(doctor.findings().findings, "optim.coverage"));
  EXPECT_EQ(doctor.findings().ignored, std::vector<std::string>{"optim.coverage"});
}

// A user's loop, with or without its faults.
struct LoopFaults {
  bool forget_zero_grad = false;
  bool leave_out_b = false;
  double lr = 1e-3;
};

std::vector<Finding> train_loop(LoopFaults faults, int64_t steps = 60) {
  torch::manual_seed(0);
  TwoBranch model(6);
  std::vector<torch::Tensor> params = model->parameters();
  if (faults.leave_out_b) {
    params = {model->a->weight, model->a->bias, model->head->weight, model->head->bias};
  }
  torch::optim::Adam opt(params, faults.lr);
  Doctor doctor(*model, opt, test::checks_every(20));
  for (int64_t step = 0; step < steps; ++step) {
    const Batch batch = binary_batch(32, 6, 100 + static_cast<uint64_t>(step));
    if (!faults.forget_zero_grad) opt.zero_grad();
    torch::Tensor loss = bce(model->forward(batch.x), batch.y);
    loss.backward();
    doctor.after_backward();
    opt.step();
    doctor.after_step(loss.item<double>());
    if (doctor.should_stop()) break;
  }
  return doctor.findings().findings;
}

TEST(DoctorMonitors, HealthyLoopIsQuiet) {
  const auto found = train_loop({}, 220);  // past every monitor's judgement step
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(ids(found));
}

TEST(DoctorMonitors, ForgottenZeroGrad) {
  const auto found = train_loop({/*forget_zero_grad=*/true});
  EXPECT_TRUE(has(found, "train.grad_accumulation")) << ::testing::PrintToString(ids(found));
}

TEST(DoctorMonitors, ParametersThatNeverChange) {
  const auto found = train_loop({false, /*leave_out_b=*/true});
  ASSERT_TRUE(has(found, "train.unchanged_params")) << ::testing::PrintToString(ids(found));
  for (const Finding& f : found) {
    if (f.id == "train.unchanged_params") {
      EXPECT_EQ(f.evidence.at("parameters"), (nlohmann::json{"b.weight", "b.bias"}));
    }
  }
}

TEST(DoctorMonitors, LearningRateFarTooSmall) {
  LoopFaults tiny;
  tiny.lr = 1e-7;
  const auto found = train_loop(tiny, 220);
  EXPECT_TRUE(has(found, "train.update_ratio")) << ::testing::PrintToString(ids(found));
  EXPECT_TRUE(has(found, "train.not_decreasing")) << ::testing::PrintToString(ids(found));
}

// One layer that moves slowly against large initial weights, while the rest
// of the network learns, is not "no learning": train.update_ratio's low side
// needs every weight matrix below the band.
TEST(DoctorMonitors, OneSlowLayerIsNotATooSmallUpdateRatio) {
  torch::manual_seed(0);
  auto net = torch::nn::Sequential(torch::nn::Linear(6, 32), torch::nn::ReLU(), torch::nn::Linear(32, 1));
  {
    torch::NoGradGuard no_grad;
    net[0]->as<torch::nn::Linear>()->weight.mul_(1000.0);  // huge against any Adam step
  }
  torch::optim::Adam opt(net->parameters(), 1e-3);
  Doctor doctor(*net, opt, test::checks_every(20));
  for (int step = 0; step < 160; ++step) {
    const Batch batch = binary_batch(32, 6, 100 + static_cast<uint64_t>(step));
    opt.zero_grad();
    torch::Tensor loss = bce(net->forward(batch.x), batch.y);
    loss.backward();
    doctor.after_backward();
    opt.step();
    doctor.after_step(loss.item<double>());
  }
  EXPECT_FALSE(has(doctor.findings().findings, "train.update_ratio"))
      << ::testing::PrintToString(ids(doctor.findings().findings));
}

TEST(DoctorMonitors, FlatLossIsNotDecreasing) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor flat(*linear, opt);
  for (int i = 0; i < 200; ++i) flat.after_step(0.69 + 0.01 * std::sin(i));
  EXPECT_TRUE(has(flat.findings().findings, "train.not_decreasing"));
  Doctor learning(*linear, opt);
  for (int i = 0; i < 200; ++i) learning.after_step(0.69 * std::exp(-i / 300.0) + 0.01 * std::sin(i));
  EXPECT_FALSE(has(learning.findings().findings, "train.not_decreasing"));
}

// A flat loss whose weights keep moving is a weak signal, not a learning
// rate far too small: the model starts at the best constant's loss (its
// output bias at the prior) and has little to gain.
TEST(DoctorMonitors, FlatLossWithMovingWeightsIsNotReported) {
  torch::manual_seed(0);
  torch::nn::Linear linear(6, 1);
  torch::optim::SGD opt(linear->parameters(), 0.01);
  Doctor doctor(*linear, opt);
  for (int i = 0; i < 220; ++i) {
    opt.zero_grad();
    linear->weight.mutable_grad() = torch::randn({1, 6});
    linear->bias.mutable_grad() = torch::randn({1});
    doctor.after_backward();
    opt.step();
    doctor.after_step(0.2 + 0.02 * std::sin(i));
  }
  doctor.after_training();
  EXPECT_FALSE(has(doctor.findings().findings, "train.not_decreasing"));
}

// The preflight's reference training shows what the inputs allow; a run that
// thrashes at the constant's loss (a learning rate too high: the weights
// travel farther than their own norm) gets nowhere near it, and says so when
// training ends. A run that learns does not, nor one whose weights creep.
TEST(DoctorMonitors, RunThrashingFarBehindThePreflightReferenceIsNotDecreasing) {
  const auto run = [](double final_loss, double step_size) {
    torch::manual_seed(0);
    TwoBranch model(6);
    torch::optim::SGD opt(model->parameters(), step_size);
    Doctor doctor(*model, opt);
    const Batch batch = binary_batch(512);
    doctor.preflight(
        batch.x, batch.y, [&](const torch::Tensor& x) { return model->forward(x); }, bce);
    // From the constant's loss (~0.69) towards final_loss, the weights moved
    // by random steps of the given size.
    for (int i = 0; i < 150; ++i) {
      opt.zero_grad();
      for (auto& p : model->parameters()) p.mutable_grad() = torch::randn_like(p);
      doctor.after_backward();
      opt.step();
      doctor.after_step(0.69 + (final_loss - 0.69) * i / 150.0 + 0.03 * std::sin(i));
    }
    doctor.after_training();
    return doctor.findings().findings;
  };
  const auto thrashing = run(0.69, 0.5);
  EXPECT_TRUE(has(thrashing, "train.not_decreasing")) << ::testing::PrintToString(ids(thrashing));
  const auto learning = run(0.2, 0.5);
  EXPECT_FALSE(has(learning, "train.not_decreasing")) << ::testing::PrintToString(ids(learning));
  const auto creeping = run(0.69, 1e-3);
  EXPECT_FALSE(has(creeping, "train.not_decreasing")) << ::testing::PrintToString(ids(creeping));
}

TEST(DoctorMonitors, NanLossStopsTheRun) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor doctor(*linear, opt);
  doctor.after_step(0.7);
  EXPECT_FALSE(doctor.should_stop());
  doctor.after_step(std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(doctor.should_stop());
  ASSERT_EQ(doctor.take_new_findings().size(), 1u);
  EXPECT_TRUE(doctor.take_new_findings().empty());
}

// A heavy-tailed regression target (wages) puts an extreme row into a batch
// now and then: that batch's MSE is 10-40x the others'. Neither level of
// train.diverging may fire on it.
TEST(DoctorMonitors, HeavyTailedBatchesAreNotDivergence) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor doctor(*linear, opt);
  for (int i = 0; i < 3000 && !doctor.should_stop(); ++i) {
    const double typical = 0.5 + 0.4 * std::exp(-i / 300.0) + 0.05 * std::sin(i);
    // Up to two extreme batches in a row, every 53 steps.
    const double spike = i % 53 == 0 ? 40.0 : i % 53 == 1 ? 12.0 : 1.0;
    doctor.after_step(typical * spike);
  }
  EXPECT_FALSE(doctor.should_stop());
  EXPECT_FALSE(has(doctor.findings().findings, "train.diverging"))
      << ::testing::PrintToString(ids(doctor.findings().findings));
}

// A loss that climbs back to 3x its lowest and stays: a warning, and training
// goes on (it is for the user to judge; early stopping keeps the best epoch).
TEST(DoctorMonitors, SustainedRiseWarnsWithoutStopping) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor doctor(*linear, opt);
  for (int i = 0; i < 400; ++i) doctor.after_step(i < 200 ? 1.0 - 0.7 * i / 200.0 : 0.9 + 0.01 * std::sin(i));
  EXPECT_FALSE(doctor.should_stop());
  const auto& found = doctor.findings().findings;
  ASSERT_TRUE(has(found, "train.diverging")) << ::testing::PrintToString(ids(found));
  for (const Finding& f : found) {
    if (f.id == "train.diverging") EXPECT_EQ(f.severity, Severity::Warn);
  }
}

// A burst of losses 10-800x the rest within a few steps (SGD at lr 5: the
// weights blow up, then dead ReLUs bring the loss back to the prior's) is
// proof: the run stops even though the window medians stay low.
TEST(DoctorMonitors, BurstOfHugeLossesStopsTheRun) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor doctor(*linear, opt);
  const std::vector<double> burst = {13.1, 0.6, 2.0, 42.1, 496, 1.4, 64.4, 0.7, 14.4};
  int step = 0;
  for (; step < 300 && !doctor.should_stop(); ++step) {
    const double loss =
        step >= 30 && step < 39 ? burst[static_cast<std::size_t>(step - 30)] : 0.6 + 0.05 * std::sin(step);
    doctor.after_step(loss);
  }
  EXPECT_TRUE(doctor.should_stop());
  EXPECT_LT(step, 40);
  const auto& found = doctor.findings().findings;
  ASSERT_TRUE(has(found, "train.diverging"));
  EXPECT_EQ(found.front().severity, Severity::Error);
}

TEST(DoctorMonitors, DivergingLossStopsTheRunAndANoisyOneDoesNot) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor noisy(*linear, opt);
  for (int i = 0; i < 200; ++i) noisy.after_step(0.5 + 0.2 * std::sin(i) * std::exp(-i / 100.0));
  EXPECT_FALSE(noisy.should_stop());
  Doctor diverging(*linear, opt);
  for (int i = 0; i < 200 && !diverging.should_stop(); ++i)
    diverging.after_step(i < 80 ? 1.0 - i / 100.0 : 0.2 * std::exp((i - 80) / 10.0));
  EXPECT_TRUE(diverging.should_stop());
  EXPECT_TRUE(has(diverging.findings().findings, "train.diverging"));
}

}  // namespace
}  // namespace nnrecipe

namespace nnrecipe {
namespace {

TEST(DoctorPreflight, OutputBiasAgainstThePrior) {
  torch::manual_seed(0);
  auto net = torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::ReLU(), torch::nn::Linear(16, 1));
  torch::optim::Adam opt(net->parameters(), 1e-3);
  torch::Tensor x = torch::randn({200, 6});
  torch::Tensor y = (x.select(1, 0) > 1.0).to(torch::kFloat32).view({-1, 1});  // ~16% positive
  const int64_t pos = y.sum().item<int64_t>();
  const auto run = [&] {
    Doctor doctor(*net, opt);
    doctor.set_target({Task::Binary, 2, {200 - pos, pos}});
    doctor.set_output_bias("2.bias");
    const auto found = doctor.preflight(
        x, y, [&](const torch::Tensor& in) { return net->forward(in); }, bce);
    return has(found, "init.output_bias");
  };
  auto& bias = net[2]->as<torch::nn::Linear>()->bias;
  {
    torch::NoGradGuard no_grad;
    bias.fill_(0.0);
  }
  EXPECT_TRUE(run());
  {
    torch::NoGradGuard no_grad;
    bias.fill_(std::log(static_cast<double>(pos) / static_cast<double>(200 - pos)));
  }
  EXPECT_FALSE(run());
}

}  // namespace
}  // namespace nnrecipe
