// The squeeze stage's error analysis of the winner (docs/recipe.md,
// stage 6): on the test split, the confusion matrix, per-class metrics,
// calibration, the top-loss rows and the most confident mistakes (images
// drawn), the worst slices by feature; on the training split, label-issue
// candidates from out-of-fold predictions (confident learning).
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/png.h"
#include "nnrecipe/random.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

/// Rows listed per table in the report.
constexpr std::size_t kShownRows = 12;
/// Raw feature cells shown per row: the most predictive ones (inspect's
/// ranking), so a wide table still reads.
constexpr std::size_t kShownCells = 8;
/// A candidate whose suggested class gets at least this out-of-fold
/// probability is a confident dispute (odds of 9 to 1 against the label).
constexpr double kConfidentDispute = 0.9;
/// Folds of the out-of-fold predictions for label issues.
constexpr std::size_t kFolds = 4;
/// Slices smaller than this share of the test rows (and 20 rows) are noise.
constexpr double kMinSliceShare = 0.02;
constexpr std::size_t kMinSliceRows = 20;

std::vector<int64_t> labels_of(const torch::Tensor& y) {
  const torch::Tensor c = y.to(torch::kCPU).to(torch::kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

/// The columns whose cells a shown row lists: the most predictive features.
std::vector<std::size_t> shown_columns(const Context& ctx, const Table& table) {
  std::vector<std::size_t> cols;
  for (const FeaturePower& p : ctx.result.inspection.power) {
    if (cols.size() == kShownCells) break;
    if (const auto i = table.find(p.column)) cols.push_back(*i);
  }
  for (std::size_t i = 0; i < table.cols() && cols.size() < kShownCells; ++i) {
    if (table.column(i).name != ctx.base.data.target && std::find(cols.begin(), cols.end(), i) == cols.end()) {
      cols.push_back(i);
    }
  }
  return cols;
}

std::string image_png(const Context& ctx, const TensorData& split, std::size_t row) {
  if (!ctx.data.image_norm) return "";
  const torch::Tensor img = split.x[static_cast<int64_t>(row)].to(torch::kCPU).squeeze(0);
  const torch::Tensor pixels = (img * ctx.data.image_norm->std + ctx.data.image_norm->mean)
                                   .mul(255.0)
                                   .round()
                                   .clamp(0, 255)
                                   .to(torch::kUInt8)
                                   .contiguous();
  return png_data_uri(pixels.data_ptr<uint8_t>(), static_cast<std::size_t>(pixels.size(1)),
                      static_cast<std::size_t>(pixels.size(0)));
}

struct RowSource {
  const Table* table = nullptr;         ///< tabular
  const TensorData* tensors = nullptr;  ///< images
};

ShownRow shown_row(const Context& ctx, const RowSource& src, std::size_t row, const std::string& given,
                   const std::string& predicted, double loss, double confidence) {
  ShownRow r{row, given, predicted, loss, confidence, {}, ""};
  if (src.table) {
    for (std::size_t c : shown_columns(ctx, *src.table)) {
      const Column& col = src.table->column(c);
      r.cells.push_back({col.name, col.is_missing(row) ? "(missing)" : col.cell_text(row)});
    }
  } else if (src.tensors) {
    r.image_png = image_png(ctx, *src.tensors, row);
  }
  return r;
}

std::size_t argmax_row(const std::vector<double>& probs, std::size_t row, std::size_t classes) {
  const auto begin = probs.begin() + static_cast<std::ptrdiff_t>(row * classes);
  return static_cast<std::size_t>(std::max_element(begin, begin + static_cast<std::ptrdiff_t>(classes)) - begin);
}

/// Out-of-fold class probabilities for every training row from the linear
/// model (logistic / softmax regression, as the baseline stage trains it):
/// it cannot memorize a wrong label, so it keeps disputing it where the
/// rows around agree (flexible models fitted on few rows learn the noise and
/// stop disputing). Confident learning works with any out-of-sample model.
std::vector<double> out_of_fold_probs(const Context& ctx) {
  const std::size_t rows = static_cast<std::size_t>(ctx.data.train.size());
  const std::size_t classes = static_cast<std::size_t>(ctx.data.shape.classes);
  std::vector<double> oof(rows * classes, 0.0);
  std::vector<std::size_t> order(rows);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Folds by position after a seeded shuffle.
  std::mt19937_64 rng(static_cast<uint64_t>(ctx.base.train.seed.value_or(0)));
  shuffle_in_place(order, rng);
  Config linear = ctx.base;
  linear.model.type = "linear";
  linear.model.dropout = 0;
  linear.train.lr = 0.01;
  // Converged on the log loss (not stopped at the best AUC, which peaks
  // while the probabilities are still soft): confident where the data is.
  linear.train.early_stopping.metric = "val_loss";
  linear.train.epochs = std::max<int64_t>(linear.train.epochs, 200);
  for (std::size_t f = 0; f < kFolds; ++f) {
    std::vector<std::size_t> fit_rows, held_rows;
    for (std::size_t i = 0; i < order.size(); ++i) (i % kFolds == f ? held_rows : fit_rows).push_back(order[i]);
    PreparedData fold = ctx.data;
    fold.train = take_tensor_rows(ctx.data.train, fit_rows);
    Trainer trainer(linear, fold, configured_network(linear, fold));
    trainer.fit();
    const Evaluation held = trainer.evaluate(take_tensor_rows(ctx.data.train, held_rows));
    for (std::size_t i = 0; i < held_rows.size(); ++i) {
      std::copy_n(held.probs.begin() + static_cast<std::ptrdiff_t>(i * classes), classes,
                  oof.begin() + static_cast<std::ptrdiff_t>(held_rows[i] * classes));
    }
  }
  return oof;
}

void label_issues(Context& ctx, ErrorAnalysis& a) {
  if (!ctx.encoded || ctx.data.task == Task::Regression) {
    if (ctx.images) ctx.stage().cut.push_back("label issues: out-of-fold networks on images do not fit the budget");
    return;
  }
  // Four linear fits, cheap beside the networks: skipped only when they
  // would overrun the budget by more than a tenth of it (an epoch that
  // overran earlier must not cost the run its label check).
  if (ctx.budget.interrupted() || kFolds * ctx.linear_seconds > ctx.budget.left() + 0.1 * ctx.budget.total()) {
    ctx.stage().cut.push_back("label issues: no budget left for out-of-fold predictions");
    return;
  }
  ctx.progress("squeeze", "out-of-fold predictions for label issues");
  const std::vector<double> oof = out_of_fold_probs(ctx);
  const std::size_t classes = static_cast<std::size_t>(ctx.data.shape.classes);
  const std::vector<int64_t>& labels = ctx.encoded->train.labels;
  const std::vector<LabelIssue> issues = find_label_issues(labels, oof, classes);
  a.label_issue_count = issues.size();
  a.label_issue_rows = labels.size();
  for (const LabelIssue& li : issues) a.confident_disputes += li.suggested_prob >= kConfidentDispute;
  ctx.log(fmt::format("squeeze: label issues: {} confident-learning candidates, {} disputed at p >= {} (of {} rows)",
                      a.label_issue_count, a.confident_disputes, kConfidentDispute, labels.size()));
  const RowSource src{&ctx.raw->train, nullptr};
  for (std::size_t k = 0; k < std::min(issues.size(), kShownRows); ++k) {
    const LabelIssue& li = issues[k];
    a.label_issues.push_back(shown_row(ctx, src, li.row, ctx.data.class_names[static_cast<std::size_t>(li.given)],
                                       ctx.data.class_names[static_cast<std::size_t>(li.suggested)],
                                       -std::log(std::max(li.given_prob, 1e-15)), li.suggested_prob));
  }
}

std::vector<SliceFeature> slice_features(const Context& ctx, const Table& table) {
  std::vector<SliceFeature> out;
  for (const Column& c : table.columns()) {
    if (c.name == ctx.base.data.target) continue;
    SliceFeature f;
    f.name = c.name;
    f.categorical = c.is_categorical();
    if (f.categorical) {
      f.codes = c.codes;
      f.categories = c.categories;
    } else {
      f.values = c.values;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

ErrorAnalysis analyse_errors(Context& ctx, const Predictions& p) {
  ErrorAnalysis a;
  a.class_names = ctx.data.class_names;
  const RowSource src{ctx.raw ? &ctx.raw->test : nullptr, ctx.images ? &ctx.data.test : nullptr};
  std::vector<double> row_loss;
  std::vector<uint8_t> correct;
  if (p.task == Task::Regression) {
    std::vector<double> truth;
    for (float z : ctx.encoded->test.target) truth.push_back(ctx.encoded->transform.inverse_target(z));
    row_loss = squared_errors(truth, p.values);
    for (std::size_t i : top_k(row_loss, kShownRows)) {
      a.top_losses.push_back(shown_row(ctx, src, i, fmt::format("{:.6g}", truth[i]), fmt::format("{:.6g}", p.values[i]),
                                       row_loss[i], std::nan("")));
    }
  } else {
    const std::vector<int64_t> labels = ctx.encoded ? ctx.encoded->test.labels : labels_of(ctx.data.test.y);
    a.confusion = confusion_matrix(labels, p.probs, p.classes);
    a.per_class = per_class_metrics(a.confusion);
    a.calibration = calibration(labels, p.probs, p.classes);
    row_loss = log_losses(labels, p.probs, p.classes);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      correct.push_back(static_cast<int64_t>(argmax_row(p.probs, i, p.classes)) == labels[i]);
    }
    const auto shown = [&](std::size_t i) {
      const std::size_t pred = argmax_row(p.probs, i, p.classes);
      return shown_row(ctx, src, i, a.class_names[static_cast<std::size_t>(labels[i])], a.class_names[pred],
                       row_loss[i], p.probs[i * p.classes + pred]);
    };
    for (std::size_t i : top_k(row_loss, kShownRows)) a.top_losses.push_back(shown(i));
    for (std::size_t i : confident_mistakes(labels, p.probs, p.classes, kShownRows))
      a.confident_mistakes.push_back(shown(i));
  }
  a.concentration = loss_concentration(row_loss);
  if (ctx.raw && !row_loss.empty()) {
    const std::size_t min_rows =
        std::max(kMinSliceRows, static_cast<std::size_t>(kMinSliceShare * static_cast<double>(row_loss.size())));
    a.worst_slices = worst_slices(slice_features(ctx, ctx.raw->test), row_loss, correct, min_rows, 10);
  }
  label_issues(ctx, a);
  return a;
}

}  // namespace nnrecipe::recipe_detail
