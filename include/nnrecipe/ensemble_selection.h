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
#include <functional>
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

}  // namespace nnrecipe
