#include "nnrecipe/check_catalogue.h"

#include <fmt/format.h>

namespace nnrecipe {

const std::vector<CheckInfo>& check_catalogue() {
  static const std::vector<CheckInfo> catalogue = {
      // Data: nnrecipe inspect, on the table and on train vs test (src/inspect/).
      {"data.empty", "data", "error",
       "no rows, no feature column with a value, or no usable feature: every column besides the target is "
       "empty or constant",
       "Nothing to learn from; usually a wrong delimiter, header or file. `train` and `run` stop with exit 2 and "
       "the same message. (Id-like columns alone are a warning, data.id_like: being all-distinct is only a hint.)"},
      {"data.target_missing", "data", "error/warn",
       "the target column is absent (error; the CLI treats a misspelt --target as bad input, exit 2), missing "
       "in every row (error), or has missing values (warn: those rows are dropped and counted)",
       "Unlabeled rows silently shrink the training set; a misspelt target trains on nothing."},
      {"data.single_class", "data", "error", "the target has one class, or one value (a constant number)",
       "Every prediction is right and the model learns nothing: a filter upstream removed the other classes. "
       "`train` and `run` stop with exit 2."},
      {"data.too_few_rows", "data", "error",
       "fewer rows with a target than the default 70/10/20 split needs to give training two rows and validation "
       "and test one each",
       "Early stopping, selection and the test score each need rows of their own; on fewer, every metric "
       "fails or means nothing. `train` and `run` stop with exit 2."},
      {"data.duplicates", "data", "warn/info",
       "exact duplicate rows (images): warn above 1% of rows, info below; with counts and example row groups",
       "Copies weigh double in training and, split across train and validation, inflate the validation score."},
      {"data.conflicting_labels", "data", "warn",
       "rows (images) with identical features but different labels, for a classification target [deepchecks]",
       "They cap the accuracy any model can reach and often point at label noise."},
      {"data.class_imbalance", "data", "warn",
       "rarest/commonest class count < 0.1 [deepchecks], or the rarest class's share < 0.1 x (1/K) [cleanlab]",
       "Accuracy rewards predicting the majority; the model can look good and be useless for the rare class."},
      {"data.missing", "data", "info/warn",
       "a feature column is more than 1% missing (info), more than 50% (warn) [ydata]",
       "Imputed values are guesses; a mostly-missing column is mostly guesses."},
      {"data.constant", "data", "warn", "a feature column with one distinct value (or none) [ydata CONSTANT]",
       "It carries no information, and often means a broken export."},
      {"data.id_like", "data", "warn",
       "a text or whole-number feature column with a different value in every row [ydata UNIQUE]",
       "A network memorizes ids: perfect training fit, nothing that generalizes. `run` drops them, unless they "
       "are the only features (then it keeps them and says so)."},
      {"data.high_cardinality", "data", "info", "a categorical feature with more than 50 distinct values [ydata]",
       "Rare categories get few training rows each; their embeddings stay near their init."},
      {"data.mixed_types", "data", "warn",
       "a column holds both numbers and text, so it is read as categories "
       "[deepchecks MixedDataTypes]",
       "Numbers read as categories lose their order; the text cells are usually undeclared missing tokens."},
      {"data.scale", "data", "info",
       "numeric features with |mean| or std > 10 (or std < 0.1 outside [0, 1]), or standard deviations that differ "
       "by more than 100x",
       "Un-normalized inputs make training slow and lr-sensitive; nnrecipe standardizes, a hand-written loop may not."},
      {"data.skewed", "data", "info", "a numeric feature with |skewness| > 2 (three or more distinct values)",
       "A long tail squeezes most rows into a narrow range after standardizing; a log transform spreads them."},
      {"data.outliers", "data", "info",
       "more than 0.1% of a column's values lie beyond a robust z-score of 6 (0.6745 |x - median| / MAD)",
       "Entry errors and sentinel values (999, -1) look like real extremes to a model."},
      {"data.leakage", "data", "warn",
       "one feature alone predicts the target on held-out rows: AUC >= 0.99 (classification, one-vs-rest) or "
       "R^2 >= 0.99 (regression); binned per-feature model fitted on half the rows",
       "A feature that is the target in disguise gives a great validation score and a useless model."},
      {"data.high_correlation", "data", "info",
       "a pair of numeric features with |Pearson| or |Spearman| > 0.95 [deepchecks 0.9], on a sample of at most "
       "20000 rows and the first 200 numeric features",
       "Near-copies add nothing and split the weight between them."},
      {"data.target_scale", "data", "info", "a regression target with |mean| or std > 10, or std < 0.1",
       "An unscaled target makes the loss and gradients huge or tiny; nnrecipe standardizes it."},
      {"data.label_order", "data", "info",
       "rows sorted by label: adjacent rows change class less than 10% as often as shuffled rows would (regression: "
       "|Spearman(row number, target)| >= 0.9)",
       "Unshuffled batches are one-class and a last-rows test split sees other labels than training."},
      {"data.small", "data", "info",
       "a class with fewer than 10 rows, or fewer than 10 rows per input feature (one-hot encoded, as a linear "
       "model's weights)",
       "Metrics on a handful of rows are noise, and any network can memorize them."},
      {"data.train_test_overlap", "data", "warn",
       "test rows (images) also present in the training file "
       "[deepchecks TrainTestSamplesMix]",
       "The test score counts memorized rows as unseen: it is optimistic."},
      {"data.drift", "data", "warn",
       "a column's distribution differs between train and test: KS statistic (numbers) or Cramer's V (categories) "
       "> 0.2 [deepchecks] and significant at p = 0.001",
       "A model validated on one distribution is tested on another; the test score says little about either."},
      {"data.new_categories", "data", "info", "test values of a categorical column never seen in training",
       "The model maps them to an input it never trained on."},
      // Config lint: before any tensor is made (src/doctor/config_lint.cpp).
      {"config.loss_task_mismatch", "config lint", "error",
       "MSE/L1/Huber on a classification target, cross-entropy on a regression target, or binary "
       "cross-entropy on more than two classes",
       "A regression loss on 0/1 labels still goes down and gives poorly calibrated scores; nothing throws."},
      {"config.double_activation", "config lint", "error",
       "model.output_activation is sigmoid/softmax while the loss (bce/ce) applies it again to logits",
       "The loss squashes already-squashed outputs: gradients shrink and training stalls well above its floor."},
      {"config.output_dim", "config lint", "error",
       "model.outputs is set and differs from what the task needs (1 for binary and regression, one per class); "
       "in a user loop (preflight): a classifier's output width differs from the class count",
       "Extra output units are trained towards nothing and too few make the loss throw or silently drop "
       "classes."},
      {"config.lr_range", "config lint", "warn", "train.lr outside [1e-5, 1e-2] for Adam/AdamW or [1e-4, 1] for SGD",
       "A learning rate 100x off trains slowly or diverges, and the loss still moves a little "
       "[UMLAUT; DeepDiagnosis]."},
      {"config.no_normalization", "config lint", "warn",
       "data.normalize is false while some input feature is far from unit scale (std > 10 or |mean| > 10, or std < 0.1 "
       "with values outside [0, 1])",
       "Un-normalized inputs make the loss surface badly conditioned: slow, lr-sensitive training."},
      {"config.batch_size", "config lint", "warn",
       "train.batch_size >= the training rows (one step per epoch), or < 8 with batch norm",
       "One full batch removes the gradient noise SGD relies on; tiny batches make batch-norm statistics noise."},
      {"config.dropout_range", "config lint", "warn", "model.dropout > 0.5",
       "Heavy dropout starves the network of signal: it underfits and looks like a capacity problem [UMLAUT]."},
      {"config.adam_l2", "config lint", "info",
       "train.weight_decay > 0 with optimizer adam (L2 in the gradient) rather than adamw",
       "Adam rescales the L2 term per parameter, so it regularizes far less than intended (Loshchilov & Hutter)."},
      {"config.early_schedule", "config lint", "info", "a decaying train.schedule in a first run",
       "The recipe trains with a constant learning rate until the model overfits; a schedule hides whether "
       "the rate itself is right."},
      {"config.early_augmentation", "config lint", "info", "model.augment is on in a first run",
       "Augmentation is a regularizer: add it after the model has been shown to overfit (recipe stage 4)."},
      {"config.no_seed", "config lint", "info", "train.seed is null",
       "Without a fixed seed two runs differ and no comparison between them means anything."},
      {"config.metric_imbalance", "config lint", "warn",
       "early stopping selects by accuracy, set in the config, on a classification target whose rarest class "
       "is under 20% of the most common one ('auto' then selects by balanced accuracy, or by PR-AUC for a "
       "binary target under 10% positives)",
       "On imbalanced labels accuracy rewards predicting the majority: the best epoch it picks can be the "
       "least useful."},
      // Preflight: on the real model and a real batch, before training (src/doctor/preflight.cpp).
      {"data.nan_batch", "preflight", "error", "a NaN or Inf in the batch's inputs or targets",
       "One NaN input turns the loss into NaN at the first step; with some losses it only poisons a few rows."},
      {"optim.coverage", "preflight", "error", "a trainable parameter is not in the optimizer",
       "The parameter keeps its random init: the model still trains, just worse (the VAE case this product "
       "started from)."},
      {"grad.coverage", "preflight", "error",
       "a trainable parameter gets no gradient, or an all-zero one, from the loss on a batch",
       "A detached branch or an unused layer never learns, and nothing throws."},
      {"init.loss", "preflight", "warn",
       "loss at init differs by more than 50% from theory: -log(1/C), the prior's entropy with the output "
       "bias at the prior, ~1 for a standardized regression target",
       "A wrong loss at init means a wrong loss, wrong targets or a bad init [TheDeepChecker; Karpathy's "
       "recipe]."},
      {"init.output_bias", "preflight", "warn",
       "the output bias is more than 0.5 away from the prior on an imbalanced target (rarest class under half "
       "the commonest) or from 0 on a standardized regression target",
       "A zero bias on a 10% positive rate starts every prediction at 50%: the first epochs only learn the base "
       "rate, and the loss at init hides real problems (Karpathy's recipe: init well)."},
      {"output.range", "preflight", "warn",
       "outputs fed to a logits loss are already activated: rows summing to 1 in [0, 1] (softmax), or a single "
       "output that stays in [0, 1] even after fitting a batch (sigmoid)",
       "The loss applies the activation again: gradients shrink and the model cannot fit [torcheck]."},
      {"eval.determinism", "preflight", "error", "two eval-mode forwards of the same batch differ",
       "Dropout (or batch statistics) left active at evaluation makes every metric noisy and optimistic or "
       "pessimistic at random."},
      {"batch.independence", "preflight", "error",
       "in eval mode, the output of one row has a non-zero gradient with respect to another row's input",
       "A view/reshape that regroups rows or a reduction over the batch mixes samples: the model learns from "
       "its neighbours."},
      {"overfit.one_batch", "preflight", "error/warn",
       "300 Adam steps (lr 1e-2) on 16 rows do not remove 90% of the loss that can be removed (warn), or not even "
       "half of it (error): all of the loss, or, where rows with identical inputs carry different targets, down "
       "to the lowest loss one output per distinct input reaches",
       "A model that cannot memorize 16 rows has a bug between output and loss, or cannot learn at all "
       "[TheDeepChecker: 16 rows]."},
      {"baseline.input_independent", "preflight", "warn",
       "cross-fitted over the preflight batch (nnrecipe: up to 2048 rows of a table; 4 folds, each a copy of "
       "the model trained 100 Adam steps on the other three quarters, each half of its quarter scored at the "
       "step the other half picked), the model improves on the best constant prediction (what a model on zeroed "
       "inputs learns) by less than 1% of the constant's loss with 99% confidence (one-sided upper bound of the "
       "mean per-row improvement); too few rows to tell fire nothing",
       "Labels shuffled apart from their rows, or inputs that never reach the output, still give a loss that "
       "falls to the prior's: the run looks like training on a hard problem. A statistic, so a warning; `run` "
       "sets it against its linear and tree baselines (src/doctor/input_dependence.cpp)."},
      // Monitors: during training (src/doctor/monitors.cpp and epoch_monitors.cpp).
      {"train.nan", "monitor", "error", "the loss (every step) or a parameter (every check) is NaN/Inf; the run stops",
       "After the first NaN every further step is wasted, and the weights saved last are garbage."},
      {"train.diverging", "monitor", "error/warn",
       "error (the run stops): 5 of the last 20 step losses are above 10x both the lowest and the first "
       "20-step window's median loss (an order of magnitude worse than at the start); warn: after 50 warm-up "
       "steps, the window median stays above 2x the lowest window median and above half the first for 3 "
       "windows in a row",
       "A diverging run can still end with a 'best' checkpoint that looks plausible. Medians, not means: one "
       "extreme batch of a heavy-tailed target is not divergence."},
      {"train.not_decreasing", "monitor", "warn",
       "the loss averaged over steps 181-200 (the last 20 of a shorter run) is not at least 5% below its "
       "average over steps 1-20 while the weight matrices moved less than 1e-4 x sqrt(200) of their norm at "
       "init (train.update_ratio's lowest healthy step, taken 200 times as a random walk); or, when training "
       "ends, the weights moved more than their norm at init while the lowest 20-step median loss has not come "
       "a quarter of the way from the best constant's loss to the loss the preflight's reference training of the "
       "same model reached (when that beat the constant by 20% or more): thrashing",
       "A learning rate far too small (or too large) leaves the loss flat while training looks busy "
       "[TheDeepChecker]. A flat loss alone is no evidence: with the output bias at the prior a model starts at "
       "the best constant's loss, and a weak signal leaves it there."},
      {"train.update_ratio", "monitor", "warn",
       "norm(update)/norm(W), median over the first 5 checks (steps 50-250), lies above 1e-1 for a weight matrix "
       "(not an embedding table), or below 1e-4 for every one of them",
       "Updates of ~1e-3 of the weights are healthy; far smaller means no learning, far larger means "
       "thrashing [CS231n; TheDeepChecker]. One slow layer alone is not: a layer of few inputs starts with large "
       "weights and moves slowly against them at any sane rate."},
      {"train.unchanged_params", "monitor", "error",
       "a trainable parameter tensor is bit-identical between the first check (step 50) and the next",
       "It is frozen or left out of the optimizer: training goes on without it [TrainCheck]."},
      {"train.grad_accumulation", "monitor", "error",
       "at the first backward() after a step, .grad still holds the previous step's gradients",
       "A forgotten zero_grad() sums all past gradients: the effective step grows every iteration."},
      {"train.dead_relu", "monitor", "warn",
       "70% or more of a layer's ReLU units output 0 for every row of the batch: on the preflight batch at "
       "init, or the same units on 3 consecutive checks during training",
       "Dead units get no gradient and never recover; the network trains with a fraction of its width "
       "[AUTOTRAINER; DeepDiagnosis]."},
      {"train.saturation", "monitor", "warn",
       "more than 50% of a sigmoid/tanh layer's inputs lie beyond +-5: on the preflight batch at init, or on "
       "3 consecutive checks",
       "A saturated sigmoid/tanh passes almost no gradient: the layers below stop learning [DeepDiagnosis]."},
      {"train.vanishing_grad", "monitor", "warn",
       "the first weight matrix's gradient norm is under 1e-3 of the last one's: at init (preflight) or as "
       "the median of the first 5 checks",
       "Deep sigmoid/tanh stacks shrink the gradient layer by layer; the first layers keep their random "
       "init [AUTOTRAINER]."},
      {"train.exploding_grad", "monitor", "warn",
       "that ratio is above 70, or the total gradient norm stays above 10x the median of the earlier checks "
       "(at least 5) for 3 checks in a row",
       "Exploding gradients make steps erratic long before the loss turns NaN [AUTOTRAINER]. One spike is a "
       "batch holding a rare row; an explosion persists."},
      {"train.oscillating", "monitor", "info",
       "after an epoch: over the last 200 steps, the 20-step loss averages move by more than 20% of their "
       "level from one window to the next (while the loss is above 20% of its start)",
       "An unstable late phase wastes the run's end; the Tuning Playbook treats it as a sign to lower the "
       "learning rate or add a decay."},
      {"train.overfitting", "monitor", "info",
       "validation loss 5% above its best for 3 or more epochs while the training loss is below its value "
       "at that best epoch",
       "The recipe's cue for stage 4 (regularize); early stopping keeps the best epoch meanwhile."},
      {"train.underfitting", "monitor", "info",
       "the training loss gained under 1% in the last 5 epochs while the validation loss is within 5% of it "
       "(and the loss is above 5% of its first epoch's)",
       "A model that fits its training data no better than unseen data has capacity (or learning rate) to "
       "spare: the recipe's stage 3."},
      {"train.val_better_than_train", "monitor", "info",
       "validation accuracy beats the accuracy measured while training by more than 5 points for 3 "
       "consecutive epochs, from epoch 5 on",
       "Expected with heavy dropout or augmentation; otherwise a sign of validation rows leaking from "
       "training or an easier validation split [UMLAUT]."},
      // Evaluation and analysis: `nnrecipe run`'s squeeze stage (src/recipe/stage_squeeze.cpp).
      {"eval.no_better_than_dumb", "evaluation", "warn",
       "the best network does not beat the majority/mean baseline on the validation selection metric",
       "A network that cannot beat the prior has learned nothing usable; its other numbers mean nothing."},
      {"eval.behind_gbdt", "evaluation", "info",
       "the best network trails xgboost on validation by more than 0.01 (AUC, PR-AUC, accuracy) or 5% (RMSE)",
       "On tabular data gradient-boosted trees often win; the user must see it and by how much, and pick the "
       "trees (or the ensemble) when they do."},
      {"eval.calibration", "evaluation", "info",
       "the winner's expected calibration error (10 equal-width bins of the top-class probability) on the test "
       "split is above 0.1",
       "Probabilities that are not frequencies mislead every threshold and expected-cost decision made from them "
       "(Guo et al. 2017)."},
      {"analyze.label_issues", "evaluation", "info",
       "over 2% of the training rows (and at least 10) are confident-learning candidates whose suggested class "
       "has an out-of-fold probability >= 0.9",
       "Wrong labels cap what any model can reach and mislead its evaluation; a short list of the most disputed "
       "rows is cheap to review (Northcutt et al. 2021)."},
  };
  return catalogue;
}

const CheckInfo* find_check(const std::string& id) {
  for (const CheckInfo& c : check_catalogue()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::string checks_reference_markdown() {
  std::string out =
      "# Check reference\n\n"
      "Generated by `nnrecipe checks --markdown` from the registry in `src/doctor/catalogue.cpp`; do not edit.\n"
      "Ids are stable: silence one with `checks.ignore: [id]` in a config (the summary lists what was "
      "silenced). Severities mean action: `error` is proof the run is broken and stops it (exit 1; `run` "
      "repairs its own networks and retries once), `warn` is statistical evidence to read, "
      "`info` is advice.\n"
      "Each training check's measured false-alarm rate on a corpus of real tables and its recall on planted "
      "faults: [check-rates.md](check-rates.md) (`bench/false_alarms/rates.py`).\n";
  std::string group;
  for (const CheckInfo& c : check_catalogue()) {
    if (c.group != group) {
      group = c.group;
      out += fmt::format("\n## {}\n\n| id | severity | fires when | why |\n|---|---|---|---|\n", group);
    }
    out += fmt::format("| `{}` | {} | {} | {} |\n", c.id, c.severity, c.detects, c.why);
  }
  return out;
}

}  // namespace nnrecipe
