// Pruning: global magnitude masks take the smallest weights over all layers
// and spare biases and embeddings; a structured cut of units or channels
// that carry nothing leaves the network's outputs unchanged.
#include <gtest/gtest.h>

#include "nnrecipe/config.h"
#include "nnrecipe/prune.h"

namespace nnrecipe::test {
namespace {

TEST(MagnitudeMasks, GlobalSmallestWeightsSparingBiasesAndEmbeddings) {
  torch::manual_seed(0);
  TabularNet net(TabularNetOptions(6, 1).hidden({8}).embedding_cardinalities({5}));
  const auto masks = magnitude_masks(*net, 0.75);
  EXPECT_EQ(masks.count("embedding0.weight"), 0u);
  EXPECT_EQ(masks.count("body.0.bias"), 0u);
  ASSERT_EQ(masks.size(), 2u);  // body.0.weight and output.weight
  apply_masks(*net, masks);
  EXPECT_NEAR(weight_sparsity(*net), 0.75, 0.02);
  // Every kept weight is at least as large as every pruned one, across layers.
  torch::NoGradGuard no_grad;
  double largest_pruned = 0, smallest_kept = 1e9;
  torch::manual_seed(0);
  TabularNet fresh(TabularNetOptions(6, 1).hidden({8}).embedding_cardinalities({5}));
  for (const auto& p : fresh->named_parameters()) {
    if (!masks.count(p.key())) continue;
    const torch::Tensor w = p.value().abs(), m = masks.at(p.key());
    if ((m == 0).any().item<bool>())
      largest_pruned = std::max(largest_pruned, w.masked_select(m == 0).max().item<double>());
    if ((m == 1).any().item<bool>())
      smallest_kept = std::min(smallest_kept, w.masked_select(m == 1).min().item<double>());
  }
  EXPECT_LE(largest_pruned, smallest_kept);
  // Biases are untouched.
  EXPECT_TRUE(torch::equal(net->named_parameters()["body.0.bias"], fresh->named_parameters()["body.0.bias"]));
}

TEST(ShrinkNetwork, RemovingSilentUnitsKeepsTheMlpsOutputs) {
  torch::manual_seed(1);
  ModelConfig model;
  model.type = "mlp";
  model.hidden = {8, 6};
  ModelShape shape;
  shape.task = Task::Binary;
  shape.classes = 2;
  shape.input_dim = 5;
  Network net = build_network(model, shape);
  {
    torch::NoGradGuard no_grad;
    auto p = net->named_parameters();
    // Units 1, 3, 5, 7 of the first layer and 0, 2, 4 of the second get no
    // input and no bias: ReLU gives 0, and removing them changes nothing.
    for (int64_t u : {1, 3, 5, 7}) p["body.0.weight"][u].zero_(), p["body.0.bias"][u].zero_();
    for (int64_t u : {0, 2, 4}) p["body.2.weight"][u].zero_(), p["body.2.bias"][u].zero_();
  }
  net->eval();
  const torch::Tensor x = torch::randn({16, 5});
  const torch::Tensor before = net->forward(x, {});
  Network small = shrink_network(*net, model, shape, 0.5);
  EXPECT_EQ(model.hidden, (std::vector<int64_t>{4, 3}));
  small->eval();
  EXPECT_TRUE(torch::allclose(small->forward(x, {}), before, 1e-5, 1e-6));
  int64_t params = 0;
  for (const auto& p : small->parameters()) params += p.numel();
  EXPECT_EQ(params, (5 * 4 + 4) + (4 * 3 + 3) + (3 + 1));
}

TEST(ShrinkNetwork, RemovingSilentChannelsKeepsTheCnnsOutputs) {
  torch::manual_seed(2);
  ModelConfig model;
  model.type = "cnn";
  model.hidden = {4, 6};
  ModelShape shape;
  shape.task = Task::Multiclass;
  shape.classes = 3;
  shape.image_channels = 1;
  Network net = build_network(model, shape);
  {
    torch::NoGradGuard no_grad;
    auto p = net->named_parameters();
    auto b = net->named_buffers();
    // Layers: features.0 conv, .1 bn, .2 relu, .3 conv, .4 bn, .5 relu, .6 pool, .7 conv ...
    // Half the channels of every conv output exactly 0 after BN and ReLU.
    for (const char* conv : {"features.0", "features.3", "features.7", "features.10"}) {
      const std::string bn = std::string("features.") + std::to_string(std::stoi(std::string(conv).substr(9)) + 1);
      const int64_t channels = p[std::string(conv) + ".weight"].size(0);
      for (int64_t c = 0; c < channels; c += 2) {
        p[std::string(conv) + ".weight"][c].zero_();
        p[bn + ".bias"][c].zero_();
        b[bn + ".running_mean"][c].zero_();
      }
    }
  }
  net->eval();
  const torch::Tensor x = torch::randn({4, 1, 12, 12});
  const torch::Tensor before = net->forward(x, {});
  Network small = shrink_network(*net, model, shape, 0.5);
  EXPECT_EQ(model.hidden, (std::vector<int64_t>{2, 3}));
  small->eval();
  EXPECT_TRUE(torch::allclose(small->forward(x, {}), before, 1e-4, 1e-5));
}

}  // namespace
}  // namespace nnrecipe::test
