// fast_linear must be torch::linear: same values, same gradients (checked
// against autograd through torch::linear and against finite differences),
// on the oneDNN path (CPU float32) and on the fallback (everything else).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <tuple>
#include <vector>

#include "nnrecipe/fast_linear.h"
#include "nnrecipe/models.h"

namespace nnrecipe {
namespace {

double max_abs(const torch::Tensor& t) { return t.numel() == 0 ? 0.0 : t.abs().max().item<double>(); }

// Largest |a - b| relative to the largest |b| (float GEMMs sum in other orders).
double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return max_abs(a - b) / std::max(1e-12, max_abs(b));
}

struct Grads {
  torch::Tensor y, x, weight, bias;
};

template <typename LinearFn>
Grads run(LinearFn linear, const torch::Tensor& x0, const torch::Tensor& w0, const torch::Tensor& b0,
          const torch::Tensor& upstream) {
  torch::Tensor x = x0.detach().clone().requires_grad_(true);
  torch::Tensor w = w0.detach().clone().requires_grad_(true);
  torch::Tensor b = b0.detach().clone().requires_grad_(true);
  torch::Tensor y = linear(x, w, b);
  (y * upstream).sum().backward();
  return {y.detach(), x.grad(), w.grad(), b.grad()};
}

class FastLinearShapes : public ::testing::TestWithParam<std::tuple<int64_t, int64_t, int64_t>> {};

TEST_P(FastLinearShapes, ValuesAndGradientsMatchTorchLinear) {
  const auto [batch, in, out] = GetParam();
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({batch, in}), w = torch::randn({out, in}), b = torch::randn({out});
  const torch::Tensor upstream = torch::randn({batch, out});
  const Grads fast = run(fast_linear, x, w, b, upstream);
  const Grads ref = run([](auto& a, auto& c, auto& d) { return torch::linear(a, c, d); }, x, w, b, upstream);
  ASSERT_EQ(fast.y.sizes(), ref.y.sizes());
  EXPECT_LT(relative_difference(fast.y, ref.y), 1e-5);
  EXPECT_LT(relative_difference(fast.x, ref.x), 1e-5);
  EXPECT_LT(relative_difference(fast.weight, ref.weight), 1e-5);
  EXPECT_LT(relative_difference(fast.bias, ref.bias), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Shapes, FastLinearShapes,
                         ::testing::Values(std::make_tuple(1, 1, 1), std::make_tuple(1, 7, 3),
                                           std::make_tuple(64, 32, 256), std::make_tuple(1024, 256, 256),
                                           std::make_tuple(33, 256, 1), std::make_tuple(5, 3, 10)));

TEST(FastLinear, GradientsMatchFiniteDifferences) {
  // Central differences of L = sum(upstream * linear(x, w, b)), in double
  // from float inputs: L is linear in each input, so the differences are
  // exact up to the float rounding of the forward pass.
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({6, 4}), w = torch::randn({3, 4}), b = torch::randn({3});
  const torch::Tensor upstream = torch::randn({6, 3});
  const Grads fast = run(fast_linear, x, w, b, upstream);
  const auto loss = [&](const torch::Tensor& xx, const torch::Tensor& ww, const torch::Tensor& bb) {
    torch::NoGradGuard no_grad;
    return (fast_linear(xx, ww, bb).to(torch::kFloat64) * upstream.to(torch::kFloat64)).sum().item<double>();
  };
  const float h = 0.5f;
  const auto check = [&](const torch::Tensor& value, const torch::Tensor& analytic, int which) {
    for (int64_t i = 0; i < value.numel(); ++i) {
      torch::Tensor plus = value.clone(), minus = value.clone();
      plus.view(-1)[i] += h;
      minus.view(-1)[i] -= h;
      const double numeric = which == 0   ? (loss(plus, w, b) - loss(minus, w, b)) / (2 * h)
                             : which == 1 ? (loss(x, plus, b) - loss(x, minus, b)) / (2 * h)
                                          : (loss(x, w, plus) - loss(x, w, minus)) / (2 * h);
      EXPECT_NEAR(analytic.view(-1)[i].item<double>(), numeric, 1e-3 * (1.0 + std::abs(numeric)))
          << "input " << which << " element " << i;
    }
  };
  check(x, fast.x, 0);
  check(w, fast.weight, 1);
  check(b, fast.bias, 2);
}

TEST(FastLinear, NonContiguousInputsAndFrozenParameters) {
  torch::manual_seed(7);
  const torch::Tensor x = torch::randn({16, 8}).t();  // 8 x 16, not contiguous
  const torch::Tensor w = torch::randn({16, 5}).t();  // 5 x 16, not contiguous
  const torch::Tensor b = torch::randn({5});
  EXPECT_LT(relative_difference(fast_linear(x, w, b), torch::linear(x, w, b)), 1e-5);

  // Only the weight wants a gradient (inputs are data, the bias is frozen).
  torch::Tensor weight = w.detach().clone().requires_grad_(true);
  fast_linear(x, weight, b).sum().backward();
  torch::Tensor ref_weight = w.detach().clone().requires_grad_(true);
  torch::linear(x, ref_weight, b).sum().backward();
  EXPECT_LT(relative_difference(weight.grad(), ref_weight.grad()), 1e-5);
}

TEST(FastLinear, EmptyBatch) {
  torch::Tensor w = torch::randn({3, 4}).requires_grad_(true);
  torch::Tensor b = torch::randn({3}).requires_grad_(true);
  torch::Tensor y = fast_linear(torch::zeros({0, 4}), w, b);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{0, 3}));
  y.sum().backward();
  EXPECT_EQ(max_abs(w.grad()), 0.0);
  EXPECT_EQ(max_abs(b.grad()), 0.0);
}

// One row: the output must be a new tensor, not the bias (a batch of one
// row, the last of an epoch, once accumulated the product into the bias
// parameter, and an in-place ReLU on the output then threw).
TEST(FastLinear, OneRowLeavesTheBiasUntouchedAndOwnsItsOutput) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({1, 4});
  torch::Tensor w = torch::randn({3, 4}).requires_grad_(true);
  torch::Tensor b = torch::randn({3}).requires_grad_(true);
  const torch::Tensor before = b.detach().clone();
  torch::Tensor y = fast_linear(x, w, b);
  EXPECT_TRUE(torch::equal(b.detach(), before));
  EXPECT_NE(y.data_ptr(), b.data_ptr());
  EXPECT_NO_THROW(torch::relu_(y));
  y.sum().backward();
  EXPECT_LT(relative_difference(y.detach(), torch::relu(torch::linear(x, w.detach(), before))), 1e-5);
}

TEST(FastLinear, OtherDtypesAndShapesFallBackToTorchLinear) {
  torch::manual_seed(9);
  const torch::Tensor w = torch::randn({3, 4}, torch::kFloat64), b = torch::randn({3}, torch::kFloat64);
  const torch::Tensor x = torch::randn({5, 4}, torch::kFloat64);
  EXPECT_TRUE(torch::equal(fast_linear(x, w, b), torch::linear(x, w, b)));
  const torch::Tensor x3 = torch::randn({2, 5, 4});  // 3-D input, float
  const torch::Tensor wf = w.to(torch::kFloat32), bf = b.to(torch::kFloat32);
  EXPECT_TRUE(torch::equal(fast_linear(x3, wf, bf), torch::linear(x3, wf, bf)));
  EXPECT_TRUE(torch::equal(fast_linear(x3[0], wf, torch::Tensor()), torch::linear(x3[0], wf)));
}

TEST(FastLinear, TabularNetComputesItsLayersAsTorchLinearWould) {
  torch::manual_seed(13);
  TabularNet net(TabularNetOptions(10, 3).hidden({32, 16}));
  net->eval();
  const torch::Tensor x = torch::randn({20, 10});
  torch::NoGradGuard no_grad;
  torch::Tensor h = x;
  std::vector<torch::nn::Linear> linears;
  for (const auto& module : net->modules(/*include_self=*/false)) {
    if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(module)) linears.emplace_back(linear);
  }
  ASSERT_EQ(linears.size(), 3u);  // body 10->32, 32->16, output 16->3 (registration order)
  h = torch::relu(linears[0]->forward(h));
  h = torch::relu(linears[1]->forward(h));
  const torch::Tensor expected = linears[2]->forward(h);
  EXPECT_LT(relative_difference(net->forward(x, torch::Tensor()), expected), 1e-5);
}

}  // namespace
}  // namespace nnrecipe
