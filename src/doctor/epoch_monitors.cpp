// Epoch monitors (docs/checks.md, "monitor"): what the training and
// validation curves say after each epoch. All are info: they describe the
// run's state and the recipe's next move, not a bug.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "doctor/doctor_support.h"
#include "nnrecipe/doctor.h"

namespace nnrecipe {

using namespace doctor_detail;

void Doctor::after_epoch(const EpochStats& stats) {
  const CostTimer timer(monitor_seconds_);
  epochs_.push_back(stats);
  const auto n = static_cast<int64_t>(epochs_.size());
  const EpochStats& now = epochs_.back();
  if (!std::isfinite(now.train_loss)) return;

  // train.overfitting: validation loss has risen for a few epochs above its
  // best while the training loss kept falling below its value then.
  if (now.val_loss) {
    int64_t best = -1;
    for (int64_t i = 0; i < n; ++i) {
      if (epochs_[i].val_loss && (best < 0 || *epochs_[i].val_loss < *epochs_[best].val_loss)) best = i;
    }
    const EpochStats& at_best = epochs_[best];
    if (n - 1 - best >= options_.overfitting_epochs &&
        *now.val_loss > (1 + options_.overfitting_rise) * *at_best.val_loss && now.train_loss < at_best.train_loss) {
      fire_once(finding(
          "train.overfitting", Severity::Info, "train",
          fmt::format("validation loss rose from {:.4g} (epoch {}) to {:.4g} (epoch {}) while the "
                      "training loss fell from {:.4g} to {:.4g}: the model is overfitting",
                      *at_best.val_loss, at_best.epoch, *now.val_loss, now.epoch, at_best.train_loss, now.train_loss),
          {{"best_epoch", at_best.epoch},
           {"best_val_loss", *at_best.val_loss},
           {"epoch", now.epoch},
           {"val_loss", *now.val_loss},
           {"train_loss_at_best", at_best.train_loss},
           {"train_loss", now.train_loss}},
          "the recipe's stage 4: keep early stopping, add regularization (model.dropout, "
          "train.weight_decay with adamw, augmentation) or more data"));
    }
  }

  // train.underfitting: the training loss has stopped improving while the
  // validation loss is about as low: capacity (or learning rate) is left unused.
  if (n > options_.plateau_epochs && now.val_loss) {
    double before = std::numeric_limits<double>::infinity(), recent = before;
    for (int64_t i = 0; i < n; ++i) {
      double& slot = i < n - options_.plateau_epochs ? before : recent;
      slot = std::min(slot, epochs_[i].train_loss);
    }
    const double first = epochs_.front().train_loss;
    const double gain = std::isfinite(before) && before > 0 ? 1 - recent / before : 0;
    const double gap = std::abs(*now.val_loss - now.train_loss) / std::max(now.train_loss, 1e-12);
    // A loss near zero has nothing left to gain: that is a fit, not a plateau.
    if (gain < options_.plateau_gain && gap <= options_.underfitting_gap && now.train_loss > 0.05 * first) {
      fire_once(finding(
          "train.underfitting", Severity::Info, "train",
          fmt::format("the training loss has not improved by {:.0f}% in the last {} epochs (best "
                      "{:.4g} before them, {:.4g} since) and the validation loss {:.4g} is within "
                      "{:.0f}% of it: the model fits the training data no better than unseen data",
                      100 * options_.plateau_gain, options_.plateau_epochs, before, recent, *now.val_loss, 100 * gap),
          {{"epoch", now.epoch},
           {"train_loss", now.train_loss},
           {"val_loss", *now.val_loss},
           {"gain", gain},
           {"gap", gap},
           {"first_train_loss", first}},
          "the recipe's stage 3: more capacity (model.hidden wider or deeper), less regularization "
          "(model.dropout), or a learning-rate range test"));
    }
  }

  // train.val_better_than_train: validation accuracy above the accuracy
  // measured while training, three epochs running, after the first few
  // [UMLAUT]. Early on the training figure lags: it averages an epoch over
  // which the model improved, validation sees the end of it.
  const int64_t streak = options_.val_better_epochs;
  if (n >= std::max(streak, options_.val_better_from_epoch)) {
    const auto better = [&](const EpochStats& e) {
      return e.train_accuracy && e.val_accuracy && *e.val_accuracy - *e.train_accuracy > options_.val_better_margin;
    };
    bool all = true;
    for (int64_t i = n - streak; i < n; ++i) all = all && better(epochs_[i]);
    if (all) {
      fire_once(finding("train.val_better_than_train", Severity::Info, "train",
                        fmt::format("validation accuracy {:.3f} beats the training accuracy {:.3f} by {:.1f} points "
                                    "(epoch {}, and the {} before)",
                                    *now.val_accuracy, *now.train_accuracy,
                                    100 * (*now.val_accuracy - *now.train_accuracy), now.epoch, streak - 1),
                        {{"epoch", now.epoch},
                         {"val_accuracy", *now.val_accuracy},
                         {"train_accuracy", *now.train_accuracy},
                         {"margin", options_.val_better_margin}},
                        "expected with heavy dropout or augmentation (lower model.dropout); otherwise look for "
                        "validation rows that leak from training or an easier validation split"));
    }
  }

  // train.oscillating: late in training, the 20-step loss averages jump by
  // a large share of their level from one window to the next [Tuning
  // Playbook: instability]. A loss near its floor is left alone.
  const auto windows = static_cast<std::size_t>(options_.oscillation_windows);
  if (losses_.size() >= (windows + 1) * kWindow) {
    std::vector<double> means;
    for (std::size_t w = windows; w > 0; --w) {
      const auto end = losses_.end() - static_cast<std::ptrdiff_t>((w - 1) * kWindow);
      means.push_back(std::accumulate(end - kWindow, end, 0.0) / static_cast<double>(kWindow));
    }
    const double level = std::accumulate(means.begin(), means.end(), 0.0) / static_cast<double>(means.size());
    double jumps = 0;
    for (std::size_t i = 1; i < means.size(); ++i) jumps += std::abs(means[i] - means[i - 1]);
    const double swing = level > 0 ? jumps / static_cast<double>(means.size() - 1) / level : 0;
    if (swing > options_.oscillation_share && level > 0.2 * first_smoothed_) {
      fire_once(finding(
          "train.oscillating", Severity::Info, "train",
          fmt::format("over the last {} steps the 20-step loss average moved by {:.0f}% of its level "
                      "({:.4g}) from one window to the next: training is unstable",
                      windows * kWindow, 100 * swing, level),
          {{"epoch", now.epoch}, {"window_means", means}, {"swing", swing}, {"threshold", options_.oscillation_share}},
          "lower train.lr (or decay it: train.schedule=cosine), or raise train.batch_size"));
    }
  }
}

}  // namespace nnrecipe
