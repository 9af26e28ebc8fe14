// The epoch monitors (train.overfitting, train.underfitting,
// train.val_better_than_train, train.oscillating) on planted curves: each
// fires on its shape and stays quiet on a healthy one.
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

struct Curve {
  std::vector<double> train, val;
  std::vector<double> train_acc, val_acc;  ///< empty = regression
};

std::vector<Finding> replay(const Curve& c) {
  torch::nn::Linear linear(2, 1);
  torch::optim::SGD opt(linear->parameters(), 0.1);
  Doctor doctor(*linear, opt);
  for (std::size_t e = 0; e < c.train.size(); ++e) {
    EpochStats s;
    s.epoch = static_cast<int64_t>(e + 1);
    s.train_loss = c.train[e];
    s.val_loss = c.val[e];
    if (!c.train_acc.empty()) {
      s.train_accuracy = c.train_acc[e];
      s.val_accuracy = c.val_acc[e];
    }
    doctor.after_epoch(s);
  }
  return doctor.findings().findings;
}

// A healthy run: both losses fall, validation a little above training.
Curve healthy() {
  Curve c;
  for (int e = 0; e < 30; ++e) {
    c.train.push_back(0.7 * std::exp(-e / 8.0) + 0.05);
    c.val.push_back(0.7 * std::exp(-e / 8.0) + 0.12);
    c.train_acc.push_back(0.9 - 0.3 * std::exp(-e / 5.0));
    c.val_acc.push_back(0.88 - 0.3 * std::exp(-e / 5.0));
  }
  return c;
}

TEST(DoctorEpochs, HealthyCurvesAreQuiet) {
  const auto found = replay(healthy());
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(ids(found));
}

TEST(DoctorEpochs, ValidationLossRisingWhileTrainingFalls) {
  Curve c = healthy();
  for (int e = 15; e < 30; ++e) c.val[static_cast<std::size_t>(e)] = c.val[14] * (1 + 0.03 * (e - 14));
  const auto found = replay(c);
  ASSERT_TRUE(has(found, "train.overfitting")) << ::testing::PrintToString(ids(found));
  EXPECT_EQ(found[0].evidence.at("best_epoch"), 15);
}

TEST(DoctorEpochs, PlateauWithValidationAsLowAsTraining) {
  Curve c;
  for (int e = 0; e < 20; ++e) {
    c.train.push_back(e < 5 ? 0.69 - 0.02 * e : 0.6 + 0.001 * std::sin(e));
    c.val.push_back(c.train.back() + 0.005);
  }
  const auto found = replay(c);
  EXPECT_TRUE(has(found, "train.underfitting")) << ::testing::PrintToString(ids(found));
  // The same plateau with a clear generalization gap is a fitted model, not an underfit one.
  for (double& v : c.val) v += 0.2;
  EXPECT_FALSE(has(replay(c), "train.underfitting"));
}

TEST(DoctorEpochs, ValidationAccuracyAboveTraining) {
  Curve c = healthy();
  for (double& a : c.train_acc) a -= 0.15;  // heavy dropout: training accuracy measured with it on
  EXPECT_TRUE(has(replay(c), "train.val_better_than_train"));
  // A gap in the first epochs only: the training figure lags while the model improves fast.
  Curve early = healthy();
  for (std::size_t e = 0; e < 4; ++e) early.train_acc[e] -= 0.2;
  EXPECT_FALSE(has(replay(early), "train.val_better_than_train"));
}

TEST(DoctorEpochs, LateLossOscillation) {
  const auto run = [](double amplitude) {
    torch::nn::Linear linear(2, 1);
    torch::optim::SGD opt(linear->parameters(), 0.1);
    Doctor doctor(*linear, opt);
    for (int step = 0; step < 300; ++step) {
      const double level = 0.7 * std::exp(-step / 500.0);
      const int window = step / 20;  // whole 20-step windows swing up and down
      doctor.after_step(level * (1 + (window % 2 ? amplitude : -amplitude)));
    }
    doctor.after_epoch({1, 0.5, 0.55, std::nullopt, std::nullopt});
    return doctor.findings().findings;
  };
  EXPECT_TRUE(has(run(0.3), "train.oscillating"));
  EXPECT_FALSE(has(run(0.02), "train.oscillating"));
}

}  // namespace
}  // namespace nnrecipe
