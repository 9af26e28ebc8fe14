// FastAdam against torch::optim::Adam / AdamW: the same parameters after the
// same steps on a small MLP (bit for bit on the foreach path, within 1e-6
// relative on the fused one), the same checkpoint format, and a save/load in
// the middle of training that continues exactly.
#include "nnrecipe/fast_adam.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnrecipe/models.h"

namespace nnrecipe::test {
namespace {

constexpr int64_t kRows = 96, kFeatures = 8, kBatch = 32;

struct Problem {
  torch::Tensor x, y;
};

Problem make_problem(uint64_t seed = 3) {
  torch::manual_seed(seed);
  Problem p;
  p.x = torch::randn({kRows, kFeatures});
  p.y = (p.x.narrow(1, 0, 1) * 2 - p.x.narrow(1, 1, 1).pow(2) + 0.1 * torch::randn({kRows, 1})).contiguous();
  return p;
}

// A small MLP of nnrecipe's own (8 -> 16 -> 16 -> 1), initialised from `seed`.
TabularNet make_net(uint64_t seed = 11, torch::Dtype dtype = torch::kFloat32) {
  torch::manual_seed(seed);
  TabularNet net(TabularNetOptions(kFeatures, 1).hidden({16, 16}));
  net->to(dtype);
  return net;
}

// The trainer's step: zero_grad, forward, MSE, backward, step; batches are
// fixed slices (step s takes rows [s * kBatch, ...) mod kRows).
void train(TabularNet& net, torch::optim::Optimizer& opt, const Problem& data, int first_step, int steps) {
  net->train();
  for (int s = first_step; s < first_step + steps; ++s) {
    const int64_t start = (s * kBatch) % kRows;
    const auto x = data.x.narrow(0, start, kBatch).to(net->parameters()[0].scalar_type());
    const auto y = data.y.narrow(0, start, kBatch).to(net->parameters()[0].scalar_type());
    opt.zero_grad();
    torch::mse_loss(net->forward(x, {}), y).backward();
    opt.step();
  }
}

// max over parameters of max|a - b| / max|b|.
double max_relative_difference(TabularNet& a, TabularNet& b) {
  const auto pa = a->parameters(), pb = b->parameters();
  double worst = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    const double diff = (pa[i] - pb[i]).abs().max().item<double>();
    const double scale = std::max(pb[i].abs().max().item<double>(), 1e-12);
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

bool same_parameters(TabularNet& a, TabularNet& b) {
  const auto pa = a->parameters(), pb = b->parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

// Parameters must move, or "the same as stock" proves nothing.
double distance_from_start(TabularNet& net, uint64_t seed = 11) {
  TabularNet start = make_net(seed);
  double d = 0;
  for (std::size_t i = 0; i < net->parameters().size(); ++i) {
    d = std::max(d, (net->parameters()[i] - start->parameters()[i]).abs().max().item<double>());
  }
  return d;
}

struct Case {
  std::string name;
  double weight_decay;
  bool decoupled;
};

const std::vector<Case> kCases = {
    {"adam", 0.0, false}, {"adam_l2", 0.01, false}, {"adamw", 0.05, true}, {"adamw_no_decay", 0.0, true}};

std::unique_ptr<torch::optim::Optimizer> stock(const Case& c, const std::vector<torch::Tensor>& params, double lr) {
  if (c.decoupled) {
    return std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(lr).weight_decay(c.weight_decay));
  }
  return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(lr).weight_decay(c.weight_decay));
}

FastAdamOptions fast_options(const Case& c, double lr, bool fused) {
  return FastAdamOptions(lr).weight_decay(c.weight_decay).decoupled_weight_decay(c.decoupled).fused(fused);
}

constexpr double kLr = 1e-2;
constexpr int kSteps = 40;

TEST(FastAdam, FusedMatchesStockAdamAndAdamW) {
  const Problem data = make_problem();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    TabularNet ref = make_net(), net = make_net();
    auto ref_opt = stock(c, ref->parameters(), kLr);
    FastAdam opt(net->parameters(), fast_options(c, kLr, /*fused=*/true));
    train(ref, *ref_opt, data, 0, kSteps);
    train(net, opt, data, 0, kSteps);
    EXPECT_EQ(opt.fused_steps(), kSteps);
    EXPECT_EQ(opt.foreach_steps(), 0);
    EXPECT_GT(distance_from_start(net), 0.05);
    EXPECT_LT(max_relative_difference(net, ref), 1e-6);
  }
}

// The foreach path runs the stock ops in the stock order: bit for bit.
TEST(FastAdam, ForeachIsBitIdenticalToStock) {
  const Problem data = make_problem();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    TabularNet ref = make_net(), net = make_net();
    auto ref_opt = stock(c, ref->parameters(), kLr);
    FastAdam opt(net->parameters(), fast_options(c, kLr, /*fused=*/false));
    train(ref, *ref_opt, data, 0, kSteps);
    train(net, opt, data, 0, kSteps);
    EXPECT_EQ(opt.foreach_steps(), kSteps);
    EXPECT_EQ(opt.fused_steps(), 0);
    EXPECT_TRUE(same_parameters(net, ref));
  }
}

// float64 parameters are not the fused kernel's: foreach takes them.
TEST(FastAdam, DoubleParametersTakeTheForeachPath) {
  const Problem data = make_problem();
  TabularNet ref = make_net(11, torch::kFloat64), net = make_net(11, torch::kFloat64);
  torch::optim::Adam ref_opt(ref->parameters(), torch::optim::AdamOptions(kLr));
  FastAdam opt(net->parameters(), FastAdamOptions(kLr));
  train(ref, ref_opt, data, 0, 10);
  train(net, opt, data, 0, 10);
  EXPECT_EQ(opt.fused_steps(), 0);
  EXPECT_EQ(opt.foreach_steps(), 10);
  EXPECT_TRUE(same_parameters(net, ref));
}

// A parameter without a gradient is skipped and keeps its step count, as in
// the stock optimizer; here the first layer gets gradients only from step 10.
TEST(FastAdam, ParametersWithoutGradientKeepTheirStepCount) {
  const Problem data = make_problem();
  for (bool fused : {true, false}) {
    SCOPED_TRACE(fused ? "fused" : "foreach");
    TabularNet ref = make_net(), net = make_net();
    torch::optim::Adam ref_opt(ref->parameters(), torch::optim::AdamOptions(kLr));
    FastAdam opt(net->parameters(), FastAdamOptions(kLr).fused(fused));
    for (TabularNet* n : {&ref, &net}) {
      for (auto& p : (*n)->named_parameters()) {
        if (p.key().rfind("body.0.", 0) == 0) p.value().set_requires_grad(false);
      }
    }
    train(ref, ref_opt, data, 0, 10);
    train(net, opt, data, 0, 10);
    for (TabularNet* n : {&ref, &net}) {
      for (auto& p : (*n)->parameters()) p.set_requires_grad(true);
    }
    train(ref, ref_opt, data, 10, 10);
    train(net, opt, data, 10, 10);
    // body.0.weight is the only [16, 8] parameter: find its state by shape
    // (the state's keys differ between LibTorch 1.x and 2.x).
    int64_t first_layer_steps = -1;
    for (const auto& [key, state] : opt.state()) {
      const auto& adam_state = static_cast<const torch::optim::AdamParamState&>(*state);
      if (adam_state.exp_avg().sizes() == torch::IntArrayRef{16, kFeatures}) first_layer_steps = adam_state.step();
    }
    EXPECT_EQ(first_layer_steps, 10);
    EXPECT_LT(max_relative_difference(net, ref), 1e-6);
  }
}

// The trainer sets the learning rate of every group each epoch.
TEST(FastAdam, LearningRateSetThroughTheGroupOptions) {
  const Problem data = make_problem();
  TabularNet ref = make_net(), net = make_net();
  torch::optim::AdamW ref_opt(ref->parameters(), torch::optim::AdamWOptions(kLr).weight_decay(0.01));
  FastAdam opt(net->parameters(), fast_adamw_options(kLr, 0.01));
  train(ref, ref_opt, data, 0, 10);
  train(net, opt, data, 0, 10);
  for (torch::optim::Optimizer* o : std::vector<torch::optim::Optimizer*>{&ref_opt, &opt}) {
    for (auto& group : o->param_groups()) group.options().set_lr(kLr / 10);
  }
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].options().get_lr(), kLr / 10);
  train(ref, ref_opt, data, 10, 10);
  train(net, opt, data, 10, 10);
  EXPECT_LT(max_relative_difference(net, ref), 1e-6);
}

std::string save_state(TabularNet& net, torch::optim::Optimizer& opt) {
  torch::serialize::OutputArchive out, opt_out;
  net->save(out);
  opt.save(opt_out);
  out.write("optimizer", opt_out);  // nested, as the trainer's checkpoint
  std::ostringstream bytes;
  out.save_to(bytes);
  return bytes.str();
}

void load_state(const std::string& bytes, TabularNet& net, torch::optim::Optimizer& opt) {
  std::istringstream in_bytes(bytes);
  torch::serialize::InputArchive in, opt_in;
  in.load_from(in_bytes);
  net->load(in);
  in.read("optimizer", opt_in);
  opt.load(opt_in);
}

// Save in the middle, load into a fresh network and optimizer (as --resume
// does), continue: the same parameters, bit for bit, as never stopping.
TEST(FastAdam, SaveLoadMidwayContinuesExactly) {
  const Problem data = make_problem();
  for (const Case& c : kCases) {
    for (bool fused : {true, false}) {
      SCOPED_TRACE(c.name + (fused ? " fused" : " foreach"));
      TabularNet straight = make_net();
      FastAdam straight_opt(straight->parameters(), fast_options(c, kLr, fused));
      train(straight, straight_opt, data, 0, kSteps / 2);
      const std::string checkpoint = save_state(straight, straight_opt);
      train(straight, straight_opt, data, kSteps / 2, kSteps / 2);

      TabularNet resumed = make_net(99);  // other initial weights: all must come from the checkpoint
      FastAdam resumed_opt(resumed->parameters(), fast_options(c, kLr, fused));
      load_state(checkpoint, resumed, resumed_opt);
      train(resumed, resumed_opt, data, kSteps / 2, kSteps / 2);
      EXPECT_TRUE(same_parameters(resumed, straight));
      EXPECT_EQ(resumed_opt.state().size(), straight_opt.state().size());
    }
  }
}

// The archive is the stock one: a checkpoint of torch::optim::Adam resumes
// under FastAdam, and one of FastAdam under torch::optim::Adam.
TEST(FastAdam, CheckpointsAreInterchangeableWithStockAdam) {
  const Problem data = make_problem();
  TabularNet ref = make_net();
  torch::optim::Adam ref_opt(ref->parameters(), torch::optim::AdamOptions(kLr));
  train(ref, ref_opt, data, 0, kSteps / 2);
  const std::string stock_checkpoint = save_state(ref, ref_opt);
  train(ref, ref_opt, data, kSteps / 2, kSteps / 2);

  TabularNet net = make_net(99);
  FastAdam opt(net->parameters(), FastAdamOptions(kLr).fused(false));
  load_state(stock_checkpoint, net, opt);
  train(net, opt, data, kSteps / 2, kSteps / 2);
  EXPECT_TRUE(same_parameters(net, ref));

  TabularNet fast = make_net();
  FastAdam fast_opt(fast->parameters(), FastAdamOptions(kLr).fused(false));
  train(fast, fast_opt, data, 0, kSteps / 2);
  const std::string fast_checkpoint = save_state(fast, fast_opt);
  TabularNet back = make_net(99);
  torch::optim::Adam back_opt(back->parameters(), torch::optim::AdamOptions(kLr));
  load_state(fast_checkpoint, back, back_opt);
  train(back, back_opt, data, kSteps / 2, kSteps / 2);
  EXPECT_TRUE(same_parameters(back, ref));
}

// Same number of parameter tensors, other shapes: the stock load would take
// the moments and fail later (or worse); FastAdam says so at load.
TEST(FastAdam, LoadingTheStateOfAnotherModelThrows) {
  const Problem data = make_problem();
  TabularNet net = make_net();
  FastAdam opt(net->parameters(), FastAdamOptions(kLr));
  train(net, opt, data, 0, 3);
  torch::serialize::OutputArchive out;
  opt.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);

  std::istringstream in_bytes(bytes.str());
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  TabularNet wider(TabularNetOptions(kFeatures, 1).hidden({32, 16}));
  FastAdam wider_opt(wider->parameters(), FastAdamOptions(kLr));
  EXPECT_THROW(wider_opt.load(in), std::invalid_argument);
}

TEST(FastAdam, ZeroGrad) {
  const Problem data = make_problem();
  TabularNet net = make_net();
  FastAdam opt(net->parameters(), FastAdamOptions(kLr));
  train(net, opt, data, 0, 2);
  const auto w = net->parameters()[0];
  const void* storage = w.grad().data_ptr();
  opt.zero_grad();  // in place: same buffer, zeros
  EXPECT_EQ(w.grad().data_ptr(), storage);
  EXPECT_EQ(w.grad().abs().sum().item<double>(), 0.0);
  opt.zero_grad(/*set_to_none=*/true);
  for (const auto& p : net->parameters()) EXPECT_FALSE(p.grad().defined());
  // A step with no gradients changes nothing.
  const auto before = w.detach().clone();
  opt.step();
  EXPECT_TRUE(torch::equal(w, before));
}

// The fused kernel writes memory directly; it must still bump the version
// counters, or autograd would silently use updated weights in a stale graph.
TEST(FastAdam, FusedStepBumpsVersionCounters) {
  const Problem data = make_problem();
  TabularNet net = make_net();
  FastAdam opt(net->parameters(), FastAdamOptions(kLr));
  train(net, opt, data, 0, 1);
  const auto loss = torch::mse_loss(net->forward(data.x, {}), data.y);
  opt.step();
  EXPECT_EQ(opt.fused_steps(), 2);
  EXPECT_THROW(loss.backward(), c10::Error);
}

TEST(FastAdam, RejectsInvalidOptions) {
  TabularNet net = make_net();
  EXPECT_THROW(FastAdam(net->parameters(), FastAdamOptions(-1)), std::invalid_argument);
  EXPECT_THROW(FastAdam(net->parameters(), FastAdamOptions(1e-3).betas({0.9, 1.0})), std::invalid_argument);
  EXPECT_THROW(FastAdam(net->parameters(), FastAdamOptions(1e-3).weight_decay(-0.1)), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe::test
