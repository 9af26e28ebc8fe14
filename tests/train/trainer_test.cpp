// The trainer on real data: it must learn (quality, not just files), be
// deterministic, restore the best weights, and set the output bias to the prior.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "nnrecipe/error.h"
#include "nnrecipe/trainer.h"
#include "ratings_support.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

Config config_for(const std::string& file, const std::string& target) {
  Config c;
  c.data.train = shared_dataset(file);
  c.data.target = target;
  return c;
}

TrainOutcome train(const Config& c) { return train_network(c, prepare_data(c)); }

// The scikit-learn MLP reference on credit_data is AUC 0.837 (80/20 split,
// tests/datasets/README.md); our split is 70/10/20, so allow a margin.
TEST(Trainer, DefaultMlpLearnsCreditData) {
  REQUIRE_SHARED("credit_data.csv");
  Config c = config_for("credit_data.csv", "Status");
  c.train.epochs = 15;
  const TrainOutcome out = train(c);
  EXPECT_GT(out.test.at("auc"), 0.80);
  EXPECT_GT(out.test.at("accuracy"), 0.78);
  EXPECT_LT(out.history.back().train_loss, out.history.front().train_loss);
}

TEST(Trainer, RegressionTargetIsStandardizedSoAmesDoesNotFailSilently) {
  REQUIRE_SHARED("ames.csv");
  Config c = config_for("ames.csv", "Sale_Price");
  c.train.epochs = 40;
  c.train.lr = 3e-3;
  c.model.hidden = {128, 64};
  const TrainOutcome out = train(c);
  EXPECT_GT(out.test.at("r2"), 0.8);        // sklearn's MLP on the raw target: R² -1.02
  EXPECT_LT(out.test.at("rmse"), 45000.0);  // in dollars: original units
}

TEST(Trainer, MulticlassLetter) {
  REQUIRE_SHARED("letter.csv");
  Config c = config_for("letter.csv", "lettr");
  c.train.epochs = 12;
  c.train.lr = 3e-3;
  c.train.batch_size = 128;
  c.model.hidden = {256, 256};
  const TrainOutcome out = train(c);
  EXPECT_GT(out.test.at("accuracy"), 0.85);  // sklearn MLP reference: 0.940 with more iterations
}

TEST(Trainer, SameSeedSameMetricsBitForBit) {
  REQUIRE_SHARED("breast_cancer.csv");
  Config c = config_for("breast_cancer.csv", "Class");
  c.train.epochs = 5;
  c.model.dropout = 0.2;  // randomness inside the epoch must repeat too
  const TrainOutcome a = train(c), b = train(c);
  EXPECT_EQ(a.test, b.test);
  EXPECT_EQ(a.val, b.val);
  c.train.seed = 1;
  EXPECT_NE(train(c).test, a.test);
}

TEST(Trainer, EarlyStoppingRestoresTheBestWeights) {
  REQUIRE_SHARED("concrete.csv");
  Config c = config_for("concrete.csv", "compressive_strength");
  c.train.epochs = 60;
  c.train.lr = 0.01;
  c.train.early_stopping.patience = 3;
  const TrainOutcome out = train(c);
  ASSERT_GE(out.best_epoch, 1);
  const EpochLog& best = out.history.at(static_cast<std::size_t>(out.best_epoch - 1));
  EXPECT_NEAR(out.val.at("rmse"), best.val_metrics.at("rmse"), 1e-9);
  if (out.stopped_early) {
    EXPECT_EQ(static_cast<int64_t>(out.history.size()), out.best_epoch + 3);
  }
}

// Loss at init with the prior bias equals the prior's entropy (RECIPE: init.loss).
TEST(Trainer, OutputBiasStartsAtThePrior) {
  REQUIRE_SHARED("credit_data.csv");
  Config c = config_for("credit_data.csv", "Status");
  c.model.type = "linear";
  torch::manual_seed(0);
  const PreparedData data = prepare_data(c);
  Network net = build_network(c.model, data.shape);
  init_output_bias(*net, data.shape, data.class_counts);
  {
    torch::NoGradGuard g;
    net->output_layer()->weight.zero_();
  }  // outputs = bias only
  Trainer t(c, data, net);
  const double p =
      static_cast<double>(data.class_counts[1]) / static_cast<double>(data.class_counts[0] + data.class_counts[1]);
  const double entropy = -(p * std::log(p) + (1 - p) * std::log(1 - p));
  EXPECT_NEAR(t.evaluate(data.train).loss, entropy, 1e-6);
}

// TabM with piecewise-linear numeric embeddings, at the papers' defaults
// (k = 32, 48 quantile bins): it learns, the doctor has nothing to say about
// a healthy run of it, and its saved model (weights, adapters, bin edges)
// predicts exactly what the trained one did.
TEST(Trainer, TabmWithNumericEmbeddingsLearnsQuietlyAndItsSavedModelPredictsTheSame) {
  REQUIRE_SHARED("credit_data.csv");
  Config c = config_for("credit_data.csv", "Status");
  c.model.type = "tabm";
  c.model.numeric_embedding = "piecewise_linear";
  c.train.epochs = 8;
  const PreparedData data = prepare_data(c);
  TempDir dir;
  TrainerOptions options;
  options.run_dir = dir.path();
  Trainer trained(c, data, configured_network(c, data), options);
  const TrainOutcome out = trained.fit();
  EXPECT_GT(out.test.at("auc"), 0.80);
  for (const Finding& f : out.findings.findings) {
    EXPECT_NE(f.severity, Severity::Error) << f.id << ": " << f.message;
    if (f.id.rfind("train.", 0) == 0) {
      EXPECT_EQ(f.severity, Severity::Info) << f.id << ": " << f.message;
    }
  }
  const LoadedModel loaded = load_model(dir.file("model"));
  EXPECT_EQ(loaded.net->members(), 32);
  Trainer reloaded(loaded.config, data, loaded.net);
  const std::vector<double> before = trained.evaluate(data.test).probs, after = reloaded.evaluate(data.test).probs;
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) ASSERT_NEAR(before[i], after[i], 1e-9) << "row " << i / 2;
}

// The doctor sees through the members' combination: a sigmoid on TabM's
// output into BCE is caught as it is on an MLP.
TEST(Trainer, DoctorCatchesASigmoidOutputOnTabm) {
  REQUIRE_SHARED("credit_data.csv");
  Config c = config_for("credit_data.csv", "Status");
  c.model.type = "tabm";
  c.model.ensemble_size = 8;
  c.model.output_activation = "sigmoid";
  const FindingSet found = preflight_network(c, prepare_data(c));
  const auto fired = [&](const std::string& id) {
    return std::any_of(found.findings.begin(), found.findings.end(), [&](const Finding& f) { return f.id == id; });
  };
  EXPECT_TRUE(fired("output.range"));
}

// A ratings table with planted user x item effects (rank-3 factors, as
// bench/interactions/make_table.py makes at full size): the linear model can
// learn each user's and item's bias but not their interaction; the
// factorization machine learns it from pairs it never saw together.
TEST(Trainer, FactorizationMachineLearnsPlantedUserItemInteractions) {
  TempDir dir;
  write_ratings_csv(dir.file("ratings.csv"), 120, 80, 9000, 7);
  Config c;
  c.data.train = dir.file("ratings.csv");
  c.data.target = "rating";
  c.train.lr = 3e-3;
  c.model.type = "linear";
  const PreparedData data = prepare_data(c);
  ASSERT_EQ(data.shape.embedding_cardinalities.size(), 2u);  // both ids are embedded, not one-hot
  const double linear = train_network(c, data).test.at("rmse");
  c.model.type = "fm";
  const double fm = train_network(c, data).test.at("rmse");
  // The interaction's share of the variance is 3 (rank x 1 x 1) against a
  // noise of 0.09: whatever learns it cuts the error several times.
  EXPECT_LT(fm, 0.5 * linear) << "fm " << fm << ", linear " << linear;
}

// The new tabular networks under the doctor's preflight, where the
// calibration corpus first raised false alarms on them: numeric embeddings
// on a table with no numeric column (grad.coverage), and a factorization
// machine judged as a deep network (overfit.one_batch, gradient flow) or
// started far from the prior on a wide table (init.loss).
TEST(Trainer, PreflightIsQuietOnHealthyTabmAndFactorizationMachines) {
  TempDir dir;
  {
    std::ofstream csv(dir.file("votes.csv"));
    csv << "a,b,c,y\n";
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<int> level(0, 3);
    for (int r = 0; r < 400; ++r) {
      const int a = level(rng), b = level(rng), c = level(rng);
      csv << "v" << a << ",v" << b << ",v" << c << "," << (a + b > 3 ? "yes" : "no") << "\n";
    }
  }
  const auto loud = [](const FindingSet& found) {
    std::vector<std::string> ids;
    for (const Finding& f : found.findings) {
      if (f.severity != Severity::Info) ids.push_back(f.id + ": " + f.message);
    }
    return ids;
  };
  Config categorical;
  categorical.data.train = dir.file("votes.csv");
  categorical.data.target = "y";
  categorical.model.type = "tabm";
  categorical.model.ensemble_size = 8;
  categorical.model.numeric_embedding = "piecewise_linear";
  const PreparedData votes = prepare_data(categorical);
  ASSERT_TRUE(votes.shape.numeric_columns.empty());
  EXPECT_EQ(loud(preflight_network(categorical, votes)), std::vector<std::string>{});
  categorical.model.type = "fm";
  EXPECT_EQ(loud(preflight_network(categorical, votes)), std::vector<std::string>{});

  REQUIRE_SHARED("credit_data.csv");
  Config fm = config_for("credit_data.csv", "Status");
  fm.model.type = "fm";
  EXPECT_EQ(loud(preflight_network(fm, prepare_data(fm))), std::vector<std::string>{});
}

TEST(Trainer, LossThatDoesNotFitTheTaskIsAnError) {
  REQUIRE_SHARED("concrete.csv");
  Config c = config_for("concrete.csv", "compressive_strength");
  c.train.loss = "bce";
  c.train.epochs = 1;
  EXPECT_THROW(train(c), InputError);
}

TEST(Trainer, FrozenParametersDoNotChange) {
  REQUIRE_SHARED("breast_cancer.csv");
  Config c = config_for("breast_cancer.csv", "Class");
  c.train.epochs = 2;
  c.train.freeze = {"body.0"};
  torch::manual_seed(0);
  const PreparedData data = prepare_data(c);
  Network net = build_network(c.model, data.shape);
  const torch::Tensor before = net->named_parameters()["body.0.weight"].clone();
  const torch::Tensor out_before = net->output_layer()->weight.clone();
  Trainer(c, data, net).fit();
  EXPECT_TRUE(torch::equal(before, net->named_parameters()["body.0.weight"]));
  EXPECT_FALSE(torch::equal(out_before, net->output_layer()->weight));
}

// The mean training loss of a binary linear model and the largest entry of
// its gradient, over the whole training split.
std::pair<double, double> loss_and_gradient(Network& net, const PreparedData& data) {
  net->zero_grad();
  const torch::Tensor out = net->forward(data.train.x, data.train.ids);
  const torch::Tensor loss =
      torch::binary_cross_entropy_with_logits(out, data.train.y.to(torch::kFloat32).view({-1, 1}));
  loss.backward();
  double largest = 0;
  for (const torch::Tensor& p : net->parameters()) largest = std::max(largest, p.grad().abs().max().item<double>());
  return {loss.item<double>(), largest};
}

// Logistic regression is convex: full-batch L-BFGS reaches its optimum (a
// zero gradient) in a few epochs, where Adam with the same epochs stops
// short in the valley of wa_churn's correlated charges and tenure columns.
TEST(Trainer, LbfgsSolvesTheLinearModelToItsOptimum) {
  REQUIRE_SHARED("wa_churn.csv");
  Config c = config_for("wa_churn.csv", "churn");
  c.data.val_fraction = 0;  // the last epoch's weights, not the best by validation
  c.model.type = "linear";
  c.train.epochs = 10;
  const PreparedData data = prepare_data(c);
  const auto fitted = [&](const std::string& optimizer, double lr) {
    c.train.optimizer = optimizer;
    c.train.lr = lr;
    Network net = configured_network(c, data);
    Trainer(c, data, net).fit();
    return loss_and_gradient(net, data);
  };
  const auto [lbfgs_loss, lbfgs_gradient] = fitted("lbfgs", 1.0);
  const auto [adam_loss, adam_gradient] = fitted("adam", 0.01);
  EXPECT_LT(lbfgs_gradient, 2e-4);  // float32: about 5e-5 here
  EXPECT_GT(adam_gradient, 10 * lbfgs_gradient);
  EXPECT_LT(lbfgs_loss, adam_loss);
}

// L-BFGS that converges within a few iterations (a linear model on a clean
// linear target) leaves scratch tensors undefined; the checkpoint written
// after every epoch must still save, and a resumed run load it.
TEST(Trainer, LbfgsCheckpointsAFitThatConvergedAtOnce) {
  TempDir dir;
  write_line_csv(dir.file("line.csv"), 600, 0.01, 5);
  Config c = config_for("", "y");
  c.data.train = dir.file("line.csv");
  c.model.type = "linear";
  c.train.optimizer = "lbfgs";
  c.train.lr = 1.0;
  c.train.epochs = 3;
  const PreparedData data = prepare_data(c);
  TrainerOptions options;
  options.run_dir = dir.file("run");
  Network net = configured_network(c, data);
  TrainOutcome first;
  ASSERT_NO_THROW(first = Trainer(c, data, net, options).fit());
  EXPECT_GT(first.test.at("r2"), 0.99);  // not 1: the inputs' soft clip bends the line at the tails
  EXPECT_TRUE(exists(dir.file("run/checkpoint.pt")));

  c.train.epochs = 5;
  options.resume = true;
  Network resumed = configured_network(c, data);
  TrainOutcome second;
  ASSERT_NO_THROW(second = Trainer(c, data, resumed, options).fit());
  EXPECT_EQ(second.history.size(), 5u);
  EXPECT_NEAR(second.test.at("rmse"), first.test.at("rmse"), 1e-3);  // it had converged
}

TEST(Trainer, FewestResumedEpochsCountsEarlyStoppingsPatience) {
  TrainConfig t;
  t.epochs = 100;
  t.early_stopping.patience = 10;
  EXPECT_EQ(fewest_resumed_epochs(t, 5, 5), 10);  // best at the cut: patience more
  EXPECT_EQ(fewest_resumed_epochs(t, 5, 2), 7);
  EXPECT_EQ(fewest_resumed_epochs(t, 15, 2), 1);   // patience spent: one epoch to find out
  EXPECT_EQ(fewest_resumed_epochs(t, 95, 95), 5);  // train.epochs ends it first
  EXPECT_EQ(fewest_resumed_epochs(t, 100, 100), 0);
  t.early_stopping.patience = 0;  // off: to train.epochs
  EXPECT_EQ(fewest_resumed_epochs(t, 5, 5), 95);
}

// The count holds for a real resumed run: cut after 3 epochs, resumed, it
// trains at least that many more (exactly that many unless validation
// improved after the cut).
TEST(Trainer, ResumedRunTrainsAtLeastTheFewestResumedEpochs) {
  REQUIRE_SHARED("breast_cancer.csv");
  TempDir dir;
  Config c = config_for("breast_cancer.csv", "Class");
  c.train.epochs = 3;
  c.train.early_stopping.patience = 4;
  const PreparedData data = prepare_data(c);
  TrainerOptions options;
  options.run_dir = dir.file("run");
  Network net = configured_network(c, data);
  const TrainOutcome first = Trainer(c, data, net, options).fit();
  c.train.epochs = 60;
  const int64_t fewest = fewest_resumed_epochs(c.train, 3, first.best_epoch);
  options.resume = true;
  Network resumed = configured_network(c, data);
  const TrainOutcome second = Trainer(c, data, resumed, options).fit();
  const auto more = static_cast<int64_t>(second.history.size()) - 3;
  EXPECT_GE(more, fewest) << "best " << first.best_epoch << " -> " << second.best_epoch;
  if (second.best_epoch == first.best_epoch) {
    EXPECT_EQ(more, fewest);
  }
}

// Weight decay with L-BFGS is an L2 term of the loss: it shrinks the weights.
TEST(Trainer, LbfgsWeightDecayShrinksTheWeights) {
  REQUIRE_SHARED("breast_cancer.csv");
  Config c = config_for("breast_cancer.csv", "Class");
  c.model.type = "linear";
  c.train.optimizer = "lbfgs";
  c.train.lr = 1.0;
  c.train.epochs = 5;
  const PreparedData data = prepare_data(c);
  const auto weight_norm = [&](double weight_decay) {
    c.train.weight_decay = weight_decay;
    Network net = configured_network(c, data);
    Trainer(c, data, net).fit();
    return net->output_layer()->weight.norm().item<double>();
  };
  EXPECT_LT(weight_norm(0.1), 0.5 * weight_norm(0.0));
}

}  // namespace
}  // namespace nnrecipe::test

namespace nnrecipe::test {
namespace {

// A small CNN on a Fashion-MNIST subset learns, with and without augmentation.
TEST(Trainer, CnnLearnsAFashionMnistSubset) {
  if (!exists(fashion_mnist_dir())) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  Config c;
  c.data.train = fashion_mnist_dir();
  c.model.type = "cnn";
  c.model.hidden = {8, 16};
  c.train.epochs = 1;
  c.train.lr = 3e-3;
  c.train.batch_size = 64;
  c.data.val_fraction = 0.02;  // 1200 validation images
  torch::manual_seed(0);
  PreparedData data = prepare_data(c);
  ASSERT_EQ(data.train.x.sizes(), (std::vector<int64_t>{58800, 1, 28, 28}));
  ASSERT_EQ(data.test.size(), 10000);
  // 3000 training images and 2000 test images keep the test fast.
  data.train = TensorData{data.train.x.narrow(0, 0, 3000), {}, data.train.y.narrow(0, 0, 3000)};
  data.test = TensorData{data.test.x.narrow(0, 0, 2000), {}, data.test.y.narrow(0, 0, 2000)};
  for (bool augment : {false, true}) {
    c.model.augment = augment;
    c.train.epochs = 3;
    torch::manual_seed(0);
    Network net = build_network(c.model, data.shape);
    init_output_bias(*net, data.shape, data.class_counts);
    const TrainOutcome out = Trainer(c, data, net).fit();
    EXPECT_GT(out.test.at("accuracy"), 0.6) << "augment " << augment;  // chance is 0.1
  }
}

}  // namespace
}  // namespace nnrecipe::test
