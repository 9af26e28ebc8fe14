#pragma once
/// @file
/// @brief Asynchronous successive halving (ASHA): the rungs of a study and which trial to promote.
///
/// ASHA (Li et al. 2020, Algorithm 1): each trial first trains to the lowest
/// rung (grace epochs) and pauses; whenever a worker is free, the study
/// promotes a paused trial that ranks in the top floor(n / eta) of the n trials
/// recorded at its rung (the highest rung first) to the next rung (grace*eta,
/// grace*eta^2, ... epochs, then the full train.epochs), and only when no trial
/// is promotable starts a new one. A trial is promoted only once at least eta
/// trials have reached its rung, so the epochs spent are about those of
/// synchronous successive halving (81 trials, grace 1, eta 3, 27 epochs:
/// 81 + 27*2 + 9*6 + 3*18 = 243, a third of a 27-trial grid's 729; a little
/// more in practice, since a trial promoted early may later fall out of its
/// rung's top 1/eta), while workers never wait for a rung to fill. The
/// stopping variant (a trial continues past a rung when it beats the quantile
/// of those recorded there before it, as Ray Tune's ASHA does) lets the first
/// trials at every rung through, since the quantile of an almost empty rung is
/// no bar (bench/tune compares the two).
///
/// @code
/// nnrecipe::AshaOptions options;  // grace 1, eta 3
/// options.max_epochs = 27;
/// const std::vector<int64_t> rungs = nnrecipe::asha_rungs(options);  // {1, 3, 9}
/// std::vector<nnrecipe::AshaRecord> rung = {{0, 0.81}, {1, 0.84}, {2, 0.79}};  // (trial, score) at rung 1
/// if (auto i = nnrecipe::asha_promotion(rung, options.eta, /*higher_is_better=*/true)) rung[*i].promoted = true;
/// @endcode
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace nnrecipe {

struct AshaOptions {
  int64_t grace = 1;       ///< epochs before the first decision
  double eta = 3;          ///< reduction factor: 1/eta of a rung's trials are promoted
  int64_t max_epochs = 1;  ///< a trial's full budget (train.epochs)
};

/// The epochs at which decisions are taken, ascending, all below max_epochs.
std::vector<int64_t> asha_rungs(const AshaOptions& options);

/// One trial recorded at a rung: its best validation score up to the rung's
/// epoch, and whether it was already promoted from there.
struct AshaRecord {
  std::size_t trial = 0;
  double score = 0;  ///< NaN ranks last
  bool promoted = false;
};

/// The record to promote from one rung, if any: the best-ranked record not
/// yet promoted, provided it lies in the top floor(n / eta) of the rung's n
/// records. Returns its position in `rung`.
std::optional<std::size_t> asha_promotion(const std::vector<AshaRecord>& rung, double eta, bool higher_is_better);

}  // namespace nnrecipe
