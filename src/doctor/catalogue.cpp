#include "nnrecipe/check_catalogue.h"

#include <fmt/format.h>

namespace nnrecipe {

const std::vector<CheckInfo>& check_catalogue() {
  static const std::vector<CheckInfo> catalogue = {
      // Config lint: before any tensor is made (src/doctor/config_lint.cpp).
      {"config.loss_task_mismatch", "config lint", "error",
       "MSE/L1/Huber on a classification target, cross-entropy on a regression target, or binary "
       "cross-entropy on more than two classes",
       "A regression loss on 0/1 labels still goes down and gives poorly calibrated scores; nothing throws."},
      {"config.double_activation", "config lint", "error",
       "model.output_activation is sigmoid/softmax while the loss (bce/ce) applies it again to logits",
       "The loss squashes already-squashed outputs: gradients shrink and training stalls well above its floor."},
      {"config.lr_range", "config lint", "warn",
       "train.lr outside [1e-5, 1e-2] for Adam/AdamW or [1e-4, 1] for SGD",
       "A learning rate 100x off trains slowly or diverges, and the loss still moves a little "
       "[UMLAUT; DeepDiagnosis]."},
      {"config.no_normalization", "config lint", "warn",
       "data.normalize is false while some input feature is far from unit scale (std > 10 or |mean| > 10, or std < 0.1 with values outside [0, 1])",
       "Un-normalized inputs make the loss surface badly conditioned: slow, lr-sensitive training."},
      {"config.batch_size", "config lint", "warn",
       "train.batch_size >= the training rows (one step per epoch), or < 8 with batch norm",
       "One full batch removes the gradient noise SGD relies on; tiny batches make batch-norm statistics noise."},
      {"config.dropout_range", "config lint", "warn", "model.dropout > 0.5",
       "Heavy dropout starves the network of signal: it underfits and looks like a capacity problem [UMLAUT]."},
      {"config.adam_l2", "config lint", "info",
       "train.weight_decay > 0 with optimizer adam (L2 in the gradient) rather than adamw",
       "Adam rescales the L2 term per parameter, so it regularizes far less than intended (Loshchilov & Hutter)."},
      {"config.early_schedule", "config lint", "info",
       "a decaying train.schedule in a first run",
       "The recipe trains with a constant learning rate until the model overfits; a schedule hides whether "
       "the rate itself is right."},
      {"config.early_augmentation", "config lint", "info", "model.augment is on in a first run",
       "Augmentation is a regularizer: add it after the model has been shown to overfit (recipe stage 4)."},
      {"config.no_seed", "config lint", "info", "train.seed is null",
       "Without a fixed seed two runs differ and no comparison between them means anything."},
      {"config.metric_imbalance", "config lint", "warn",
       "early stopping selects by accuracy on a classification target whose rarest class is under 20% of "
       "the most common one",
       "On imbalanced labels accuracy rewards predicting the majority: the best epoch it picks can be the "
       "least useful."},
      // Preflight: on the real model and a real batch, before training (src/doctor/doctor.cpp).
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
      {"overfit.one_batch", "preflight", "error",
       "300 Adam steps (lr 1e-2) on 16 rows do not bring the loss to 10% of its start",
       "A model that cannot memorize 16 rows has a bug between output and loss, or cannot learn at all "
       "[TheDeepChecker: 16 rows]."},
      // Monitors: during training (src/doctor/doctor.cpp).
      {"train.nan", "monitor", "error", "the loss (every step) or a parameter (every check) is NaN/Inf; the run stops",
       "After the first NaN every further step is wasted, and the weights saved last are garbage."},
      {"train.diverging", "monitor", "error",
       "after 50 warm-up steps, the loss averaged over the last 20 steps is more than 2x its lowest such "
       "average and above half the first one; the run stops",
       "A diverging run can still end with a 'best' checkpoint that looks plausible."},
      {"train.not_decreasing", "monitor", "warn",
       "the loss averaged over steps 181-200 is not at least 5% below its average over steps 1-20",
       "A learning rate far too small, or inputs that do not carry the target, leave the loss flat while "
       "training looks busy [TheDeepChecker]."},
      {"train.update_ratio", "monitor", "warn",
       "a weight matrix's (not an embedding table's) norm(update)/norm(W), median over the first 5 checks (steps 20-100), lies outside "
       "[1e-4, 1e-1]",
       "Updates of ~1e-3 of the weights are healthy; far smaller means no learning, far larger means "
       "thrashing [CS231n; TheDeepChecker]."},
      {"train.unchanged_params", "monitor", "error",
       "a trainable parameter tensor is bit-identical after 20 steps",
       "It is frozen or left out of the optimizer: training goes on without it [TrainCheck]."},
      {"train.grad_accumulation", "monitor", "error",
       "at the first backward() after a step, .grad still holds the previous step's gradients",
       "A forgotten zero_grad() sums all past gradients: the effective step grows every iteration."},
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
      "silenced). Severities: `error` stops the run (exit 1), `warn` is probably wrong or wasteful, "
      "`info` is advice.\n";
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
