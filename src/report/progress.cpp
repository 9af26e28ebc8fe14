#include "nnrecipe/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace nnrecipe {

ProgressLine::ProgressLine(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

bool ProgressLine::default_enabled() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressLine::update(const char* phase, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total) return;
  last_ = now;
  drawn_ = true;
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  fmt::print(stderr, "\r\033[K{}: {} {:.0f}% ({} of {} MB)", label_, phase, pct, done >> 20, total >> 20);
  std::fflush(stderr);
}

}  // namespace nnrecipe
