// The learning-rate range test on real data: its suggestion lands where
// Adam trains this MLP well, and its stop rule ends a sweep into divergence.
#include <gtest/gtest.h>

#include <cmath>

#include "nnrecipe/error.h"
#include "nnrecipe/lr_range_test.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

Config credit() {
  Config c;
  c.data.train = source_dir() + "/examples/data/credit_data.csv";
  c.data.target = "Status";
  return c;
}

TEST(LrRangeTest, SuggestsAnAdamLearningRateOnCreditData) {
  const Config c = credit();
  const PreparedData data = prepare_data(c);
  const LrRangeResult r = lr_range_test(c, data);
  ASSERT_TRUE(std::isfinite(r.suggested_lr)) << r.note;
  // Adam on a standardized tabular MLP trains between 1e-4 and 1e-2
  // (config.lr_range's band); the steepest descent lies inside it.
  EXPECT_GE(r.suggested_lr, 1e-4) << r.note;
  EXPECT_LE(r.suggested_lr, 1e-2) << r.note;
  EXPECT_EQ(r.lrs.size(), r.losses.size());
  EXPECT_EQ(r.lrs.size(), r.smoothed.size());
  // The suggestion is where the smoothed loss falls: below its start.
  EXPECT_LT(r.smoothed[r.suggested_index + 20 < r.smoothed.size() ? r.suggested_index + 20 : r.suggested_index],
            r.smoothed[r.lrs.size() / 10]);
}

TEST(LrRangeTest, StopsWhenTheLossBlowsUp) {
  const Config c = credit();
  const PreparedData data = prepare_data(c);
  LrRangeTestOptions o;
  o.lr_max = 1e4;  // Adam at lr 1e4 cannot keep the loss down
  const LrRangeResult r = lr_range_test(c, data, o);
  ASSERT_LT(r.stop_index, r.lrs.size()) << r.note;
  EXPECT_LT(r.lrs.size(), o.steps);  // the sweep ended at the stop
  EXPECT_GT(r.lrs[r.stop_index], 1e-2);
}

TEST(LrRangeTest, RepeatsExactlyWithTheSameSeed) {
  const Config c = credit();
  const PreparedData data = prepare_data(c);
  LrRangeTestOptions o;
  o.steps = 60;
  EXPECT_EQ(lr_range_test(c, data, o).losses, lr_range_test(c, data, o).losses);
}

// L-BFGS has no learning rate to sweep: an error naming the key, not a
// curve of line searches.
TEST(LrRangeTest, RefusesLbfgs) {
  Config c = credit();
  c.train.optimizer = "lbfgs";
  const PreparedData data = prepare_data(c);
  try {
    lr_range_test(c, data);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("train.optimizer"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nnrecipe::test
