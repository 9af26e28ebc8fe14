// The squeeze stage's last question (docs/recipe.md, stage 6): which
// features does the winner lean on? Permutation importance of the saved
// model (model/, what `nnrecipe predict` loads) on the test rows: each
// column's cells are shuffled across the rows, which breaks its link to
// the target and keeps its distribution, and the test metric's loss is the
// column's importance (Breiman 2001; scikit-learn's permutation_importance).
// It needs no retraining, so it fits in any budget, and it describes the
// model that is saved, ensembles and trees included. A feature correlated
// with another shares its importance with it: shuffling one leaves the
// other to carry the signal, which the report says.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "nnrecipe/file_io.h"
#include "nnrecipe/leaderboard.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// Test rows the measurement reads: a metric on 5,000 rows moves by well
/// under the importances worth reading, and every shuffle is a prediction
/// of all of them.
constexpr std::size_t kMaxRows = 5000;
/// Shuffles per column (scikit-learn's default is 5; the spread of 3 is
/// already enough to tell a real drop from shuffling noise).
constexpr std::size_t kRepeats = 3;
/// The measurement's time: 5% of the run's budget, at least 15 s. The most
/// predictive columns (inspect's ranking) go first, so a cut measurement
/// still covers the ones that matter.
constexpr double kBudgetShare = 0.05;
constexpr double kMinSeconds = 15;

/// The cells of `column` reordered: row i takes the cell of row order[i].
void reorder_cells(Column& column, const std::vector<std::size_t>& order) {
  const auto reorder = [&](auto& cells) {
    if (cells.size() != order.size()) return;
    auto copy = cells;
    for (std::size_t i = 0; i < order.size(); ++i) cells[i] = copy[order[i]];
  };
  reorder(column.values);
  reorder(column.codes);
  reorder(column.missing);
}

/// Feature columns of `rows`, the most predictive first.
std::vector<std::size_t> columns_in_order(const Context& ctx, const Table& rows) {
  std::vector<std::size_t> out;
  for (const FeaturePower& p : ctx.result.inspection.power) {
    if (const auto i = rows.find(p.column); i && p.column != ctx.base.data.target) out.push_back(*i);
  }
  for (std::size_t i = 0; i < rows.cols(); ++i) {
    if (rows.column(i).name != ctx.base.data.target && std::find(out.begin(), out.end(), i) == out.end()) {
      out.push_back(i);
    }
  }
  return out;
}

}  // namespace

void measure_importance(Context& ctx) {
  ErrorAnalysis& a = ctx.result.analysis;
  const std::string model_dir = ctx.options.out_dir + "/model";
  if (ctx.images || !ctx.raw || !ctx.encoded || ctx.model_error || !path_exists(model_dir)) return;
  ctx.progress("squeeze", "feature importance");
  const auto start = Clock::now();
  const double cap = std::max(kMinSeconds, kBudgetShare * ctx.budget.total());
  try {
    const TablePredictor predict = load_predictor(model_dir);
    Table rows = ctx.raw->test;
    if (rows.rows() > kMaxRows) {
      std::vector<std::size_t> first(kMaxRows);
      std::iota(first.begin(), first.end(), std::size_t{0});
      rows = rows.take(first);  // the test split is already in random order
    }
    if (rows.rows() < 2) return;
    const FittedTransform& transform = ctx.encoded->transform;
    const EncodedData truth = transform.apply(rows);
    const double sign = ctx.metric.higher_is_better ? 1.0 : -1.0;
    const auto metric_of = [&](const Table& t) {
      return score_predictions(predict(t), truth, transform).at(ctx.metric.name);
    };
    const double intact = metric_of(rows);
    std::mt19937_64 rng(static_cast<uint64_t>(ctx.base.train.seed.value_or(0)) + 17);
    const std::vector<std::size_t> columns = columns_in_order(ctx, rows);
    std::size_t measured = 0;
    for (std::size_t c : columns) {
      if (std::chrono::duration<double>(Clock::now() - start).count() > cap) break;
      const Column original = rows.column(c);
      std::vector<double> drops;
      for (std::size_t r = 0; r < kRepeats; ++r) {
        std::vector<std::size_t> order(rows.rows());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::shuffle(order.begin(), order.end(), rng);
        rows.column(c) = original;
        reorder_cells(rows.column(c), order);
        drops.push_back(sign * (intact - metric_of(rows)));
      }
      rows.column(c) = original;
      const double mean = std::accumulate(drops.begin(), drops.end(), 0.0) / static_cast<double>(drops.size());
      double variance = 0;
      for (double d : drops) variance += (d - mean) * (d - mean);
      a.importance.push_back({original.name, mean, std::sqrt(variance / static_cast<double>(drops.size() - 1))});
      ++measured;
    }
    std::stable_sort(a.importance.begin(), a.importance.end(),
                     [](const FeatureImportance& x, const FeatureImportance& y) { return x.drop > y.drop; });
    a.importance_rows = rows.rows();
    a.importance_repeats = kRepeats;
    if (measured < columns.size()) {
      a.importance_note =
          fmt::format("{} of {} columns, the most predictive first (time cap {:.0f} s)", measured, columns.size(), cap);
    }
  } catch (const std::exception& e) {
    // A description of the winner, not a result: its failure is noted and
    // the run's outcome stands.
    a.importance.clear();
    a.importance_note = fmt::format("not measured: {}", e.what());
    ctx.log("squeeze: feature importance not measured: " + std::string(e.what()));
  }
}

}  // namespace nnrecipe::recipe_detail
