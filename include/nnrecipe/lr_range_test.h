#pragma once
/// @file
/// @brief The learning-rate range test on a copy of the configured network: a suggested learning rate.
///
/// The learning-rate range test (Smith 2017, "Cyclical Learning Rates";
/// fastai's lr_find, Lightning's lr_finder): a copy of the configured network
/// trained for a few hundred steps while the learning rate grows exponentially;
/// the sweep stops once the smoothed loss passes 4x its best, and the
/// suggestion is the learning rate of the steepest descent (analysis.h,
/// LrRangeTracker). The network it trains is thrown away.
///
/// @code
/// const nnrecipe::PreparedData data = nnrecipe::prepare_data(config);
/// nnrecipe::LrRangeTestOptions options;
/// options.steps = 200;
/// const nnrecipe::LrRangeResult r = nnrecipe::lr_range_test(config, data, options);
/// if (!std::isnan(r.suggested_lr)) config.train.lr = r.suggested_lr;
/// std::cout << r.note << "\n";
/// @endcode
#include <cstddef>
#include <functional>

#include "nnrecipe/analysis.h"
#include "nnrecipe/config.h"
#include "nnrecipe/trainer.h"

namespace nnrecipe {

struct LrRangeTestOptions {
  double lr_min = 1e-6;
  double lr_max = 1.0;
  /// At most; batches cycle through the training split. The smoothing
  /// averages ~50 steps, so a sweep needs about that many per decade.
  std::size_t steps = 300;
  /// Asked before each step: true ends the sweep there (a time budget).
  std::function<bool()> stop;
};

/// Runs the sweep with the configured optimizer, loss, batch size and seed.
/// Throws InputError on an invalid loss/task combination, as the trainer.
LrRangeResult lr_range_test(const Config& config, const PreparedData& data, const LrRangeTestOptions& options = {});

}  // namespace nnrecipe
