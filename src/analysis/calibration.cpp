// Top-label calibration: the expected calibration error of Guo et al. 2017,
// "On Calibration of Modern Neural Networks" (equation 3), over equal-width
// bins of the predicted class's probability, and the reliability diagram's
// bins.
#include "analysis/analysis_support.h"
#include "nnrecipe/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

using analysis_detail::check_probs;
using analysis_detail::fail;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The bin of a confidence in [0, 1]: [b/bins, (b+1)/bins), 1.0 in the last.
// The estimate from floor(confidence * bins) is corrected against the
// edges as computed for the report, so a row never sits outside its bin's
// printed [lo, hi) through rounding (0.7 * 10 is not exactly 7).
std::size_t bin_of(double confidence, std::size_t bins) {
  const double n = static_cast<double>(bins);
  auto b = static_cast<std::size_t>(std::min(std::floor(confidence * n), n - 1));
  while (b > 0 && confidence < static_cast<double>(b) / n) --b;
  while (b + 1 < bins && confidence >= static_cast<double>(b + 1) / n) ++b;
  return b;
}

}  // namespace

Calibration calibration(const std::vector<int64_t>& labels, const std::vector<double>& probs, std::size_t classes,
                        std::size_t bins) {
  constexpr const char* fn = "calibration";
  check_probs(fn, labels, probs, classes);
  if (labels.empty()) fail(fn, "no rows");
  if (bins == 0) fail(fn, "needs at least 1 bin");

  std::vector<long double> confidence_sum(bins, 0.0L);
  std::vector<std::size_t> hits(bins, 0);
  Calibration cal;
  cal.bins.resize(bins);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double* row = probs.data() + i * classes;
    std::size_t argmax = 0;
    for (std::size_t c = 1; c < classes; ++c) {
      if (row[c] > row[argmax]) argmax = c;  // strict: the lowest index wins a tie
    }
    const std::size_t b = bin_of(row[argmax], bins);
    ++cal.bins[b].count;
    confidence_sum[b] += row[argmax];
    if (static_cast<int64_t>(argmax) == labels[i]) ++hits[b];
  }

  long double ece = 0.0L;
  const auto n = static_cast<long double>(labels.size());
  for (std::size_t b = 0; b < bins; ++b) {
    ReliabilityBin& bin = cal.bins[b];
    bin.lo = static_cast<double>(b) / static_cast<double>(bins);
    bin.hi = static_cast<double>(b + 1) / static_cast<double>(bins);
    if (bin.count == 0) {
      bin.mean_confidence = kNaN;
      bin.accuracy = kNaN;
      continue;
    }
    const long double confidence = confidence_sum[b] / bin.count;
    const long double accuracy = static_cast<long double>(hits[b]) / bin.count;
    bin.mean_confidence = static_cast<double>(confidence);
    bin.accuracy = static_cast<double>(accuracy);
    ece += bin.count / n * std::fabs(accuracy - confidence);
  }
  cal.ece = static_cast<double>(ece);
  return cal;
}

}  // namespace nnrecipe
