// TabM's ensemble (members, their combination) and the numeric embeddings:
// the math each one promises, checked against a direct computation.
#include <torch/torch.h>

#include <cmath>

#include "nnrecipe/config.h"
#include "nnrecipe/models.h"
#include "nnrecipe/tabular_layers.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

TEST(CombineMembers, BinaryIsTheLogitOfTheMeanProbability) {
  const torch::Tensor z = torch::tensor({{-30.0, 2.0, 0.5}, {40.0, 40.0, -1.0}}, torch::kFloat64).unsqueeze(-1);
  const torch::Tensor combined = combine_members(z, Task::Binary);  // [2, 1]
  const torch::Tensor mean_p = torch::sigmoid(z).mean(1);
  EXPECT_TRUE(torch::allclose(torch::sigmoid(combined), mean_p, 1e-12, 1e-12));
  EXPECT_TRUE(torch::isfinite(combined).all().item<bool>());  // even with saturated members
}

TEST(CombineMembers, MulticlassIsTheMeanOfTheSoftmaxes) {
  torch::manual_seed(3);
  const torch::Tensor z = torch::randn({5, 4, 3}, torch::kFloat64) * 5;
  const torch::Tensor combined = combine_members(z, Task::Multiclass);
  EXPECT_TRUE(torch::allclose(torch::softmax(combined, 1), torch::softmax(z, 2).mean(1), 1e-12, 1e-12));
}

TEST(CombineMembers, RegressionIsTheMean) {
  const torch::Tensor z = torch::tensor({{1.0, 3.0}, {-2.0, 2.0}}, torch::kFloat64).unsqueeze(-1);
  EXPECT_TRUE(torch::allclose(combine_members(z, Task::Regression), torch::tensor({{2.0}, {0.0}}, torch::kFloat64)));
}

ModelShape table_shape(Task task, int64_t classes, int64_t input_dim) {
  ModelShape shape;
  shape.task = task;
  shape.classes = classes;
  shape.input_dim = input_dim;
  for (int64_t c = 0; c < input_dim; ++c) shape.numeric_columns.push_back(c);
  return shape;
}

TEST(TabM, MembersDifferAndForwardIsTheirCombination) {
  ModelConfig config;
  config.type = "tabm";
  config.ensemble_size = 8;
  config.hidden = {16, 16};
  torch::manual_seed(0);
  const Network net = build_network(config, table_shape(Task::Multiclass, 3, 5));
  EXPECT_EQ(net->members(), 8);
  net->eval();
  const torch::Tensor x = torch::randn({10, 5});
  const torch::Tensor members = net->forward_members(x, {});
  ASSERT_EQ(members.sizes(), (std::vector<int64_t>{10, 8, 3}));
  // The first layer's random signs make the members different functions.
  EXPECT_GT((members.select(1, 0) - members.select(1, 1)).abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(torch::allclose(net->forward(x, {}), combine_members(members, Task::Multiclass), 1e-6, 1e-6));
}

TEST(TabM, SharesTheWeightsOfOneMlp) {
  ModelConfig mlp, tabm;
  mlp.hidden = tabm.hidden = {64, 64};
  tabm.type = "tabm";
  tabm.ensemble_size = 32;
  const ModelShape shape = table_shape(Task::Binary, 2, 20);
  const int64_t plain = count_parameters(*build_network(mlp, shape));
  const int64_t ensemble = count_parameters(*build_network(tabm, shape));
  // One MLP's weights plus, per layer, k adapters of in + 2 out scalars
  // (r, s, c): not the 32 MLPs of a plain ensemble.
  EXPECT_EQ(ensemble, plain + 32 * ((20 + 2 * 64) + (64 + 2 * 64) + (64 + 2 * 1)));
  EXPECT_LT(ensemble, 4 * plain);
}

TEST(NumericEmbedding, PiecewiseLinearCoordinatesRiseAcrossEachBin) {
  // One numeric column (0) with bins at its quantiles, one passed through (1).
  NumericEmbedding emb(NumericEmbeddingOptions("piecewise_linear", {0}, 2).bins(2).dim(2));
  emb->fit_bins(torch::tensor({{0.0f, 9.0f}, {1.0f, 9.0f}, {2.0f, 9.0f}}));
  const torch::Tensor edges = emb->named_buffers()["edges"];
  EXPECT_TRUE(torch::allclose(edges, torch::tensor({{0.0f, 1.0f, 2.0f}})));
  // Set the per-column layer to the identity so the output is the coordinates.
  {
    torch::NoGradGuard no_grad;
    auto params = emb->named_parameters();
    params["weight"].copy_(torch::eye(2).unsqueeze(0));
    params["bias"].zero_();
    params["scalar_weight"].zero_();
  }
  const torch::Tensor out = emb->forward(torch::tensor({{1.5f, 7.0f}, {-4.0f, 7.0f}, {5.0f, 7.0f}}));
  EXPECT_TRUE(torch::allclose(out, torch::tensor({{1.0f, 0.5f, 7.0f}, {0.0f, 0.0f, 7.0f}, {1.0f, 1.0f, 7.0f}}))) << out;
}

TEST(NumericEmbedding, AConstantColumnGetsEmptyBinsAndFiniteOutputs) {
  NumericEmbedding emb(NumericEmbeddingOptions("piecewise_linear", {0, 1}, 2));
  torch::Tensor train = torch::randn({200, 2});
  train.select(1, 1).fill_(0.25);
  emb->fit_bins(train);
  const torch::Tensor out = emb->forward(torch::randn({50, 2}));
  EXPECT_EQ(out.size(1), 2 * 16);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(NumericEmbedding, PeriodicEmbedsTheNumericColumnsAndPassesTheOthers) {
  NumericEmbedding emb(NumericEmbeddingOptions("periodic", {0, 2}, 4));
  EXPECT_EQ(emb->output_dim(), 2 * 24 + 2);
  const torch::Tensor x = torch::randn({6, 4});
  const torch::Tensor out = emb->forward(x);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{6, 50}));
  EXPECT_TRUE(torch::equal(out.narrow(1, 48, 2), x.index_select(1, torch::tensor({1, 3}))));
  EXPECT_GE(out.narrow(1, 0, 48).min().item<double>(), 0.0);  // after ReLU
}

TEST(NumericEmbedding, ItsBinsAreSavedWithTheWeights) {
  ModelConfig config;
  config.type = "tabm";
  config.ensemble_size = 4;
  config.numeric_embedding = "piecewise_linear";
  const ModelShape shape = table_shape(Task::Regression, 0, 3);
  const Network trained = build_network(config, shape);
  fit_to_training_rows(*trained, torch::randn({300, 3}) * 2 + 1);
  TempDir dir;
  {
    torch::serialize::OutputArchive out;
    trained->save(out);
    out.save_to(dir.file("w.pt"));
  }
  const Network loaded = build_network(config, shape);
  torch::serialize::InputArchive in;
  in.load_from(dir.file("w.pt"));
  loaded->load(in);
  trained->eval();
  loaded->eval();
  const torch::Tensor x = torch::randn({20, 3});
  EXPECT_TRUE(torch::equal(trained->forward(x, {}), loaded->forward(x, {})));
}

// Rendle's FM, computed the slow way: w0 + sum_i w_i x_i + sum_{i<j} <v_i, v_j> x_i x_j,
// with an id column as a one-hot feature of value 1.
TEST(FactorizationMachine, IsTheLinearPartPlusEveryPairsFactorProduct) {
  torch::manual_seed(5);
  FactorizationMachine fm(FactorizationMachineOptions(3, 1).embedding_cardinalities({5}).factors(4));
  auto p = fm->named_parameters();
  const torch::Tensor x = torch::randn({6, 3});
  const torch::Tensor ids = torch::tensor({0, 1, 4, 2, 2, 3}, torch::kInt64).view({6, 1});
  const torch::Tensor out = fm->forward(x, ids);
  torch::NoGradGuard no_grad;
  for (int64_t r = 0; r < 6; ++r) {
    std::vector<torch::Tensor> v;  // value x factor vector of every feature in the row
    for (int64_t i = 0; i < 3; ++i) v.push_back(x[r][i] * p["dense_factors"][i]);
    v.push_back(p["id_factor_embedding0.weight"][ids[r][0].item<int64_t>()]);
    double expected = p["output.bias"][0].item<double>() + (p["output.weight"][0] * x[r]).sum().item<double>() +
                      p["id_weight_embedding0.weight"][ids[r][0].item<int64_t>()][0].item<double>();
    for (std::size_t i = 0; i < v.size(); ++i) {
      for (std::size_t j = i + 1; j < v.size(); ++j) expected += (v[i] * v[j]).sum().item<double>();
    }
    EXPECT_NEAR(out[r][0].item<double>(), expected, 1e-4) << "row " << r;
  }
}

}  // namespace
}  // namespace nnrecipe::test
