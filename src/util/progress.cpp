#include "nnrecipe/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

namespace nnrecipe {

ProgressLine::ProgressLine(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

namespace {
std::atomic<bool> g_turned_off{false};
}  // namespace

bool ProgressLine::default_enabled() { return !g_turned_off && ::isatty(STDERR_FILENO) == 1; }

void ProgressLine::turn_off() { g_turned_off = true; }

bool ProgressLine::due(bool final) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && !final) return false;
  last_ = now;
  drawn_ = true;
  return true;
}

void ProgressLine::show(const std::string& text, bool final) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!due(final)) return;
  fmt::print(stderr, "\r\033[K{}: {}", label_, text);
  std::fflush(stderr);
}

void ProgressLine::update(const char* phase, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!due(done >= total)) return;
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  fmt::print(stderr, "\r\033[K{}: {} {:.0f}% ({} of {} MB)", label_, phase, pct, done >> 20, total >> 20);
  std::fflush(stderr);
}

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(std::max(0.0, seconds) + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string TrainingEta::status(int64_t epoch, int64_t step, int64_t steps, double loss) {
  const auto now = std::chrono::steady_clock::now();
  if (epoch != epoch_) {
    // A new epoch: the previous one's pace becomes the estimate for the rest.
    if (epoch_ >= 0 && epoch == epoch_ + 1 && last_steps_ > 0) {
      seconds_per_step_ = std::chrono::duration<double>(now - epoch_start_).count() / static_cast<double>(last_steps_);
    }
    epoch_ = epoch;
    epoch_start_ = first_report_ = now;
    first_step_ = step;
  }
  last_steps_ = steps;
  std::string text = fmt::format("epoch {}/{} step {}/{} loss {:.4f}", epoch, epochs_, step, steps, loss);
  const double elapsed = std::chrono::duration<double>(now - first_report_).count();
  if (step > first_step_ && elapsed > 0) {
    const double pace = elapsed / static_cast<double>(step - first_step_);  // seconds per step, this epoch
    const double estimate = seconds_per_step_ > 0 ? seconds_per_step_ : pace;
    const double left =
        pace * static_cast<double>(steps - step) + estimate * static_cast<double>((epochs_ - epoch) * steps);
    text += fmt::format(" {:.0f} samples/s ETA {}", static_cast<double>(batch_size_) / pace, format_duration(left));
  }
  return text;
}

}  // namespace nnrecipe
