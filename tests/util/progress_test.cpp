// The training progress line: its text and its time-left arithmetic.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "nnrecipe/progress.h"

namespace nnrecipe {
namespace {

TEST(FormatDuration, SecondsMinutesHours) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(44.6), "45s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(60), "1m00s");
  EXPECT_EQ(format_duration(725), "12m05s");
  EXPECT_EQ(format_duration(3 * 3600 + 125), "3h02m");
  EXPECT_EQ(format_duration(-5), "0s");
}

TEST(TrainingEta, NamesEpochStepLossThroughputAndTimeLeft) {
  TrainingEta eta(8, 64);
  const std::string first = eta.status(1, 0, 100, 0.6931);
  EXPECT_EQ(first, "epoch 1/8 step 0/100 loss 0.6931");  // nothing measured yet
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string later = eta.status(1, 50, 100, 0.5);
  EXPECT_NE(later.find("epoch 1/8 step 50/100 loss 0.5000 "), std::string::npos) << later;
  EXPECT_NE(later.find(" samples/s ETA "), std::string::npos) << later;
}

TEST(TrainingEta, TimeLeftCoversTheRemainingEpochs) {
  TrainingEta eta(3, 64);
  eta.status(3, 0, 100, 0.2);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string s = eta.status(3, 100, 100, 0.1);
  EXPECT_NE(s.find("ETA 0s"), std::string::npos) << s;  // the last step of the last epoch
  // Epoch 1 of 3 at step 1 of 100 after >= 20 ms: 299 steps left at >= 20 ms each.
  TrainingEta early(3, 64);
  early.status(1, 0, 100, 0.2);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string e = early.status(1, 1, 100, 0.2);
  EXPECT_EQ(e.find("ETA 0s"), std::string::npos) << e;
  EXPECT_NE(e.find("ETA "), std::string::npos) << e;
}

}  // namespace
}  // namespace nnrecipe
