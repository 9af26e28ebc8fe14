#pragma once
// Ensemble selection (Caruana, Niculescu-Mizil, Crew & Ksikes, ICML 2004):
// the squeeze stage's way to mix networks, the linear model and xgboost.
// From a library of trained models' validation predictions, start with the
// two best single models (the paper's "sorted initialization", so the
// result is a mix), then greedily add, with replacement, the model whose
// inclusion most improves the validation metric of the mean. The weights
// are the pick counts of the best prefix. A few coarse steps rather than
// fitted real-valued weights keep it from fitting a small validation
// split's noise; a model that does not help is never picked.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "nnrecipe/baselines.h"
#include "nnrecipe/metrics.h"

namespace nnrecipe {

/// The selection metric of predictions on the validation split.
using ValidationScore = std::function<double(const Predictions&)>;

/// Pick counts, one per library model (all of the same task and rows; at
/// least two models), summing to at most `steps`. A NaN score counts as the
/// worst.
std::vector<int> select_ensemble(const std::vector<const Predictions*>& library, const SelectionMetric& metric,
                                 const ValidationScore& score, int steps);

/// The mean of the library's predictions weighted by `counts` (probabilities
/// for classification, values for regression).
Predictions weighted_mean(const std::vector<const Predictions*>& library, const std::vector<int>& counts);

/// The given rows of predictions, in that order (a row may repeat).
Predictions take_rows(const Predictions& p, const std::vector<std::size_t>& rows);

/// The selection metric of predictions of some validation rows: `p` holds
/// one row per entry of `rows` (positions into the validation split), in
/// that order.
using RowsScore = std::function<double(const Predictions& p, const std::vector<std::size_t>& rows)>;

/// Ensemble selection cross-validated on the validation split: weights
/// chosen on one random half of the rows score the other half, and the
/// other way round; the score of the assembled held-out predictions. The
/// plain validation score of a selected ensemble is the maximum the
/// selection searched for, so it flatters the ensemble; this one does not.
double held_out_selection_score(const std::vector<const Predictions*>& library, const SelectionMetric& metric,
                                const RowsScore& score, int steps, uint64_t seed);

/// How far `a` leads `b` on the validation rows (in the metric's
/// higher-is-better sign; `a_score` replaces `a`'s own score when given),
/// and the bootstrap standard error of that lead: the rows resampled with
/// replacement, both scored on each sample [Efron & Tibshirani 1993].
struct Lead {
  double lead = 0;
  double standard_error = 0;
  /// The part of the lead the two candidates' ways of reaching the
  /// validation rows explain rather than skill (cross_fit_handicap); 0
  /// unless the caller sets it.
  double handicap = 0;
  /// The one-standard-error rule (Breiman et al. 1984; ESL 7.10): a lead,
  /// net of the handicap, within one standard error is noise of the
  /// validation split.
  bool beyond_one_standard_error() const { return lead - handicap > standard_error; }
};
Lead validation_lead(const Predictions& a, std::optional<double> a_score, const Predictions& b,
                     const SelectionMetric& metric, const RowsScore& score, uint64_t seed, int samples = 200);

/// The validation score of one configuration trained two ways: `direct`
/// on the training split (stopped early, and perhaps chosen, on the
/// validation split), `cross_fit` from the out-of-fold predictions of its
/// K-fold cross-fit (each validation row predicted by a fold model that
/// trained on fewer rows and was never chosen on that split).
struct ProtocolPair {
  double direct = 0;
  double cross_fit = 0;
};
/// How much better the same configurations score on the validation rows
/// trained directly than cross-fit: the mean of the pairs' differences, in
/// the metric's higher-is-better sign (positive: direct training looks
/// better). The direct score is flattered by the split's reuse (early
/// stopping and the search chose on it) and helped by more training rows,
/// so a directly trained leader's lead over a cross-fit is partly this
/// gap: the selection bias of a minimum validation error (Tibshirani &
/// Tibshirani 2009; Cawley & Talbot 2010), with the training-size
/// difference, measured directly on the same configurations and rows.
/// Nothing without a pair.
std::optional<double> cross_fit_handicap(const std::vector<ProtocolPair>& pairs, const SelectionMetric& metric);

}  // namespace nnrecipe
