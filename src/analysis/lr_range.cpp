// The learning-rate range test: Smith 2017, "Cyclical Learning Rates for
// Training Neural Networks" (section 3.3); the smoothing, the 4x stopping
// rule and the steepest-slope suggestion follow fastai's lr_find and
// PyTorch Lightning's lr_finder.
#include "nnrecipe/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// fastai and Lightning stop once the smoothed loss passes 4x its best.
constexpr double kDivergenceFactor = 4.0;
// The slope over fewer points than this is a guess from noise.
constexpr std::size_t kMinUsablePoints = 5;
// A fall smaller than this share of the loss is rounding in the moving
// average (a flat curve), not a descent.
constexpr double kMinRelativeFall = 1e-9;

[[noreturn]] void fail(const char* function, const std::string& message) {
  throw std::invalid_argument(std::string(function) + ": " + message);
}

// "0.0011", "3.2", "1e-5" (two significant digits, exponent without padding).
std::string lr_text(double lr) {
  std::string s = fmt::format("{:.2g}", lr);
  const auto e = s.find('e');
  if (e == std::string::npos) return s;
  std::string exponent = s.substr(e + 1);
  const bool negative = exponent[0] == '-';
  if (exponent[0] == '-' || exponent[0] == '+') exponent.erase(0, 1);
  exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
  return s.substr(0, e) + "e" + (negative ? "-" : "") + exponent;
}

std::string stop_text(const LrRangeResult& r) {
  if (r.stop_index >= r.lrs.size()) {
    return fmt::format("ran {} steps up to lr {} without the loss passing {}x its best", r.lrs.size(),
                       lr_text(r.lrs.back()), kDivergenceFactor);
  }
  const char* why = std::isfinite(r.losses[r.stop_index]) ? "loss above 4x its best" : "loss not finite";
  return fmt::format("stopped at lr {} ({})", lr_text(r.lrs[r.stop_index]), why);
}

// The step with the lowest finite smoothed loss from `first` up to the stop
// (steps recorded after it do not count); the first one on a tie.
std::optional<std::size_t> best_index(const LrRangeResult& r, std::size_t first) {
  const std::size_t end = std::min(r.stop_index + 1, r.lrs.size());
  std::optional<std::size_t> best;
  for (std::size_t i = first; i < end; ++i) {
    if (std::isfinite(r.smoothed[i]) && (!best || r.smoothed[i] < r.smoothed[*best])) best = i;
  }
  return best;
}

// The index in [first, last] with the most negative slope of the smoothed
// loss against log(lr), by central differences inside the window and
// one-sided ones at its ends (numpy.gradient on the window, as Lightning
// does); nullopt when the loss never falls there.
std::optional<std::size_t> steepest_descent(const LrRangeResult& r, std::size_t first, std::size_t last) {
  std::optional<std::size_t> steepest;
  double steepest_slope = 0;
  for (std::size_t i = first; i <= last; ++i) {
    const std::size_t lo = i > first ? i - 1 : i, hi = i < last ? i + 1 : i;
    const double dx = std::log(r.lrs[hi]) - std::log(r.lrs[lo]);
    const double fall = r.smoothed[lo] - r.smoothed[hi];
    if (!(dx > 0) || !(fall > kMinRelativeFall * std::fabs(r.smoothed[lo]))) continue;
    const double slope = -fall / dx;
    if (slope < steepest_slope) {
      steepest_slope = slope;
      steepest = i;
    }
  }
  return steepest;
}

}  // namespace

std::vector<double> lr_range_schedule(double lo, double hi, std::size_t steps) {
  constexpr const char* fn = "lr_range_schedule";
  if (!(lo > 0 && lo < hi && std::isfinite(hi))) {
    fail(fn, fmt::format("needs 0 < lo < hi (finite), got lo {} and hi {}", lo, hi));
  }
  if (steps < 2) fail(fn, fmt::format("needs at least 2 steps, got {}", steps));
  std::vector<double> lrs(steps);
  const double ratio = hi / lo;
  for (std::size_t i = 0; i < steps; ++i) {
    lrs[i] = lo * std::pow(ratio, static_cast<double>(i) / static_cast<double>(steps - 1));
  }
  lrs.back() = hi;  // exact, not lo * ratio rounded
  return lrs;
}

bool LrRangeTracker::add(double lr, double loss) {
  constexpr const char* fn = "LrRangeTracker::add";
  if (!(lr > 0) || !std::isfinite(lr)) fail(fn, fmt::format("learning rate {} is not a positive number", lr));
  if (!(beta_ >= 0 && beta_ < 1)) fail(fn, fmt::format("smoothing beta {} is not in [0, 1)", beta_));
  const bool running = r_.stop_index == r_.lrs.size();
  r_.lrs.push_back(lr);
  r_.losses.push_back(loss);

  double smoothed = kNaN;
  if (std::isfinite(loss)) {
    // The average starts at 0, so early values are biased towards 0; dividing
    // by 1 - beta^n (n = finite losses so far) removes that, as in Adam.
    avg_ = beta_ * avg_ + (1 - beta_) * loss;
    const auto n = std::count_if(r_.losses.begin(), r_.losses.end(), [](double l) { return std::isfinite(l); });
    smoothed = avg_ / (1 - std::pow(beta_, static_cast<double>(n)));
  }
  r_.smoothed.push_back(smoothed);

  // The 4x rule only makes sense for a non-negative loss; `best_` is +inf
  // until the first finite step.
  const bool diverged = !std::isfinite(smoothed) || (best_ >= 0 && smoothed > kDivergenceFactor * best_);
  if (std::isfinite(smoothed)) best_ = std::min(best_, smoothed);
  // stop_index tracks the size until the rule fires, then stays put.
  if (running) r_.stop_index = diverged ? r_.lrs.size() - 1 : r_.lrs.size();
  return !running || diverged;
}

LrRangeResult LrRangeTracker::result() const {
  LrRangeResult r = r_;
  r.suggested_lr = kNaN;
  r.suggested_index = 0;
  if (r.lrs.empty()) {
    r.note = "no steps recorded";
    return r;
  }
  const std::string stop = stop_text(r);
  // The first 10% of the steps are skipped, for the lowest loss too: the
  // average has not settled and the bias correction magnifies the noise of
  // the first losses (a lucky first batch is not a minimum).
  const std::size_t skip = std::max<std::size_t>(1, r.lrs.size() / 10);
  const std::optional<std::size_t> best = best_index(r, skip);
  if (!best) {
    r.note = stop + "; no suggestion: no step after the first tenth had a finite loss";
    return r;
  }
  if (*best - skip + 1 < kMinUsablePoints) {
    r.note = fmt::format(
        "{}; no suggestion: the smoothed loss was lowest at lr {} (step {} of {}), too early to see it descend", stop,
        lr_text(r.lrs[*best]), *best + 1, r.lrs.size());
    return r;
  }
  const std::optional<std::size_t> steepest = steepest_descent(r, skip, *best);
  if (!steepest) {
    r.note = fmt::format("{}; no suggestion: the smoothed loss never falls between lr {} and lr {}", stop,
                         lr_text(r.lrs[skip]), lr_text(r.lrs[*best]));
    return r;
  }
  r.suggested_index = *steepest;
  r.suggested_lr = r.lrs[*steepest];
  r.note = fmt::format("{}; steepest descent at lr {}", stop, lr_text(r.suggested_lr));
  return r;
}

}  // namespace nnrecipe
