// The baseline stage's choice of a log target (recipe_support.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/leaderboard.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// |skewness| above 1 is "highly skewed" (Bulmer, Principles of Statistics,
/// 1979); inspect's data.skewed waits for 2 before it suggests a log, but
/// here the log is only tried, and kept on validation evidence.
constexpr double kSkewToTry = 1.0;

/// Fisher-Pearson skewness g1, as inspect's profile computes it.
double skewness(const std::vector<double>& v) {
  if (v.size() < 3) return 0;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double m2 = 0, m3 = 0;
  for (double x : v) {
    const double d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= static_cast<double>(v.size());
  m3 /= static_cast<double>(v.size());
  return m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
}

/// Validation RMSE (original units) of xgboost fitted on `encoded`.
double xgboost_val_rmse(const Context& ctx, const EncodedSplits& encoded) {
  XgboostOptions xo;
  xo.seed = static_cast<uint64_t>(ctx.base.train.seed.value_or(0));
  const XgboostBaseline xgb = XgboostBaseline::fit(encoded.train, encoded.val, encoded.transform, xo);
  return score_predictions(xgb.predict(encoded.val), ctx.encoded->val, ctx.encoded->transform).at("rmse");
}

}  // namespace

void choose_log_target(Context& ctx) {
  if (!ctx.encoded || ctx.data.task != Task::Regression || ctx.base.data.log_target.has_value()) return;
  const Column& y = ctx.raw->train.column(ctx.base.data.target);
  double lowest = INFINITY;
  for (double v : y.values) lowest = std::min(lowest, v);
  const double skew = skewness(y.values);
  if (!(lowest > 0) || std::abs(skew) <= kSkewToTry) {
    ctx.base.data.log_target = false;
    return;
  }
  ctx.progress("baseline", "log target?");
  Config logged = ctx.base;
  logged.data.log_target = true;
  const auto start = Clock::now();
  EncodedSplits log_encoded = encode_splits(logged, *ctx.raw);
  const double plain = xgboost_val_rmse(ctx, *ctx.encoded);
  const double log = xgboost_val_rmse(ctx, log_encoded);
  const bool keep = log < plain;

  AblationRow row;
  row.change = fmt::format("target {0} -> log({0}) (skewness {1:.2f}; xgboost)", ctx.base.data.target, skew);
  row.val_metric = log;
  row.delta = plain - log;  // higher-is-better sign: an RMSE decrease
  row.kept = keep;
  row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  row.note = fmt::format("xgboost val rmse {:.4g} on the target as given", plain);
  ctx.stage().ablation.push_back(row);
  ctx.log(
      fmt::format("baseline: {} is positive with skewness {:.2f}: xgboost val rmse {:.4g} on log({}), {:.4g} as "
                  "given; {}",
                  ctx.base.data.target, skew, log, ctx.base.data.target, plain,
                  keep ? "every model trains on the log" : "the target stays as given"));
  ctx.base.data.log_target = keep;
  if (keep) {
    ctx.encoded = std::move(log_encoded);
    ctx.data = prepare_data(*ctx.encoded);
  }
}

}  // namespace nnrecipe::recipe_detail
