#pragma once
// Asynchronous successive halving (ASHA; Li et al. 2020), the stopping
// variant: a trial that reaches a rung (grace, grace*eta, grace*eta^2, ...
// epochs, below the maximum) continues only if its score is at least as good
// as the (1 - 1/eta) quantile of the scores that earlier trials recorded at
// that rung; the first trial at a rung always continues. Trials never wait
// for each other, so parallel workers stay busy.
#include <cstdint>
#include <limits>
#include <vector>

namespace nnrecipe {

struct AshaOptions {
  int64_t grace = 1;       ///< epochs before the first decision
  double eta = 3;          ///< reduction factor: about 1/eta of trials pass each rung
  int64_t max_epochs = 1;  ///< a trial's full budget (train.epochs)
};

/// The epochs at which decisions are taken, ascending, all below max_epochs.
std::vector<int64_t> asha_rungs(const AshaOptions& options);

struct AshaDecision {
  bool stop = false;
  double cutoff = std::numeric_limits<double>::quiet_NaN();  ///< NaN when nothing was recorded before
  std::size_t earlier = 0;  ///< scores recorded at the rung before this one
};

/// The decision for `score` against the scores recorded earlier at the same
/// rung (linear-interpolated quantile, as numpy's percentile). A NaN score
/// always stops when there is any earlier score.
AshaDecision asha_decide(const std::vector<double>& earlier, double score, double eta, bool higher_is_better);

}  // namespace nnrecipe
