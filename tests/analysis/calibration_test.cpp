#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "nnrecipe/analysis.h"
#include "prob_builders.h"

namespace nnrecipe::test {
namespace {

constexpr double kTol = 1e-12;

TEST(Calibration, HandComputedEce) {
  // 5 bins of width 0.2. Top-label confidence and correctness per row:
  //   p1 0.9  label 1: 0.9  right  -> bin 4
  //   p1 0.8  label 0: 0.8  wrong  -> bin 4 (0.8 opens [0.8, 1])
  //   p1 0.65 label 1: 0.65 right  -> bin 3
  //   p1 0.3  label 0: 0.7  right  -> bin 3
  //   p1 0.5  label 1: a tie, class 0 predicted at 0.5, wrong -> bin 2
  //   p1 1.0  label 1: 1.0  right  -> bin 4 (1.0 closes the last bin)
  // bin 4: confidence 2.7/3 = 0.9, accuracy 2/3; bin 3: 0.675, 1; bin 2: 0.5, 0.
  // ECE = 3/6 * |2/3 - 0.9| + 2/6 * |1 - 0.675| + 1/6 * |0 - 0.5|
  //     = 0.116667 + 0.108333 + 0.083333 = 0.308333.
  const Calibration c = calibration({1, 0, 1, 0, 1, 1}, binary_probs({0.9, 0.8, 0.65, 0.3, 0.5, 1.0}), 2, 5);
  EXPECT_NEAR(c.ece, 0.5 * (0.9 - 2.0 / 3.0) + (1.0 - 0.675) / 3.0 + 0.5 / 6.0, kTol);
  EXPECT_NEAR(c.ece, 0.308333333333, 1e-9);
  ASSERT_EQ(c.bins.size(), 5u);
  const std::size_t counts[] = {0, 0, 1, 2, 3};
  for (std::size_t b = 0; b < 5; ++b) {
    EXPECT_EQ(c.bins[b].count, counts[b]) << b;
    EXPECT_NEAR(c.bins[b].lo, 0.2 * static_cast<double>(b), kTol);
    EXPECT_NEAR(c.bins[b].hi, 0.2 * static_cast<double>(b + 1), kTol);
  }
  EXPECT_NEAR(c.bins[4].mean_confidence, 0.9, kTol);
  EXPECT_NEAR(c.bins[4].accuracy, 2.0 / 3.0, kTol);
  EXPECT_NEAR(c.bins[3].mean_confidence, 0.675, kTol);
  EXPECT_NEAR(c.bins[3].accuracy, 1.0, kTol);
  EXPECT_NEAR(c.bins[2].mean_confidence, 0.5, kTol);
  EXPECT_NEAR(c.bins[2].accuracy, 0.0, kTol);
  // Empty bins: no confidence, no accuracy.
  EXPECT_TRUE(std::isnan(c.bins[0].mean_confidence));
  EXPECT_TRUE(std::isnan(c.bins[0].accuracy));
  EXPECT_TRUE(std::isnan(c.bins[1].accuracy));
}

TEST(Calibration, CalibratedPredictionsHaveZeroEce) {
  // Confidence 0.75 and 3 of 4 right.
  const Calibration c = calibration({1, 1, 1, 0}, binary_probs({0.75, 0.75, 0.75, 0.75}), 2);
  EXPECT_NEAR(c.ece, 0.0, kTol);
  ASSERT_EQ(c.bins.size(), 10u);
  EXPECT_EQ(c.bins[7].count, 4u);
}

TEST(Calibration, OverconfidentWrongPredictionsHaveEceOne) {
  const Calibration c = calibration({0, 1}, binary_probs({1.0, 0.0}), 2);
  EXPECT_NEAR(c.ece, 1.0, kTol);
  EXPECT_EQ(c.bins[9].count, 2u);
}

TEST(Calibration, ConfidenceOnABinEdgeGoesToTheBinItOpens) {
  // 0.5, 0.6, ..., 1.0 as b / 10: each must land in bin b whatever the
  // rounding of b / 10 * 10 (1.0 in the last bin).
  std::vector<double> p1;
  for (int b = 5; b <= 10; ++b) p1.push_back(static_cast<double>(b) / 10.0);
  const Calibration c = calibration(std::vector<int64_t>(p1.size(), 1), binary_probs(p1), 2, 10);
  for (std::size_t b = 0; b < 10; ++b) EXPECT_EQ(c.bins[b].count, b == 9 ? 2u : (b >= 5 ? 1u : 0u)) << b;
  for (const ReliabilityBin& bin : c.bins) {
    if (bin.count > 0) {
      EXPECT_GE(bin.mean_confidence, bin.lo);
      EXPECT_LE(bin.mean_confidence, bin.hi);
    }
  }
}

TEST(Calibration, MulticlassUsesTheTopLabel) {
  // Row 0: a tie between classes 0 and 1 predicts 0 (label 1: wrong);
  // row 1: class 2 at 0.6, right. 2 bins: [0, 0.5) and [0.5, 1].
  const Calibration c = calibration({1, 2}, {0.4, 0.4, 0.2, 0.1, 0.3, 0.6}, 3, 2);
  EXPECT_EQ(c.bins[0].count, 1u);  // 0.4
  EXPECT_EQ(c.bins[1].count, 1u);  // 0.6
  EXPECT_NEAR(c.bins[0].accuracy, 0.0, kTol);
  EXPECT_NEAR(c.bins[1].accuracy, 1.0, kTol);
  // ECE = 1/2 * 0.4 + 1/2 * 0.4.
  EXPECT_NEAR(c.ece, 0.4, kTol);
}

TEST(Calibration, RejectsBadInput) {
  EXPECT_THROW(calibration({}, {}, 2), std::invalid_argument);
  EXPECT_THROW(calibration({0}, {1.0}, 1), std::invalid_argument);
  EXPECT_THROW(calibration({0, 1}, {0.5, 0.5, 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(calibration({0, 2}, binary_probs({0.5, 0.5}), 2), std::invalid_argument);
  EXPECT_THROW(calibration({0, -1}, binary_probs({0.5, 0.5}), 2), std::invalid_argument);
  EXPECT_THROW(calibration({0}, {1.5, -0.5}, 2), std::invalid_argument);
  EXPECT_THROW(calibration({0}, {std::nan(""), 0.5}, 2), std::invalid_argument);
  EXPECT_THROW(calibration({0}, {0.5, 0.5}, 2, 0), std::invalid_argument);
}

}  // namespace
}  // namespace nnrecipe::test
