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

  void update(const char* phase, uint64_t done, uint64_t total);
  /// Erases the line (before printing other output); the next update redraws it.
  void clear();
  static bool default_enabled();  ///< true when stderr is a terminal

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace nnrecipe
