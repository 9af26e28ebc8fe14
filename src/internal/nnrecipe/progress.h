#pragma once
// A one-line progress display on stderr for long work ("reading data.csv:
// parsing 45% (196 of 435 MB)"). Shown only when stderr is a terminal, so
// logs and tests stay clean; thread-safe; redrawn at most 10 times a second.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace nnrecipe {

class ProgressLine {
 public:
  explicit ProgressLine(std::string label, bool enabled = default_enabled());
  ~ProgressLine();  ///< clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// "label: phase 45% (196 of 435 MB)": progress through bytes.
  void update(const char* phase, uint64_t done, uint64_t total);
  /// "label: text", redrawn at most 10 times a second unless final.
  void show(const std::string& text, bool final = false);
  /// Erases the line (before printing other output); the next update redraws it.
  void clear();
  static bool default_enabled();  ///< true when stderr is a terminal and progress is not turned off
  static void turn_off();         ///< --quiet: no progress line anywhere in the process

 private:
  /// Under mutex_: whether to draw now (rate limit), and marks it drawn.
  bool due(bool final);

  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

/// Seconds as "45s", "12m05s" or "3h02m".
std::string format_duration(double seconds);

/// Throughput and time left for an epoch loop, from the wall time between
/// the reports seen so far in the current epoch (the trainer reports every
/// 20th step), then from the last whole epoch. One per training run.
class TrainingEta {
 public:
  TrainingEta(int64_t epochs, int64_t batch_size) : epochs_(epochs), batch_size_(batch_size) {}
  /// After step `step` of `steps` in epoch `epoch` (1-based): "epoch 3/8
  /// step 120/446 loss 0.4123 1850 samples/s ETA 4m12s" (the ETA assumes
  /// every epoch runs; early stopping may end sooner).
  std::string status(int64_t epoch, int64_t step, int64_t steps, double loss);

 private:
  int64_t epochs_;
  int64_t batch_size_;
  int64_t epoch_ = -1;
  int64_t first_step_ = 0;  ///< the first step reported in this epoch, timed from there
  std::chrono::steady_clock::time_point first_report_{};
  std::chrono::steady_clock::time_point epoch_start_{};
  int64_t last_steps_ = 0;
  double seconds_per_step_ = 0;  ///< of the last finished epoch, 0 before
};

}  // namespace nnrecipe
