#pragma once
/// @file
/// @brief `nnrecipe prune RUN_DIR`: how much of a trained network the task needs (recipe stage 5).
///
/// Iterative magnitude pruning: for each sparsity in ascending order, prune,
/// then fine-tune with the masks held (pruned weights stay zero), and measure
/// on validation:
///  - unstructured: the smallest-magnitude weights over all weight matrices
///    and convolution kernels at once (global; biases, batch norm and
///    embeddings are kept) [Han et al. 2015; Frankle & Carbin 2019];
///  - structured: whole hidden units (MLP) or channels (CNN), by the L1 norm of
///    their incoming weights, the same share in every hidden layer; the result
///    is a smaller dense network, whose speed-up is measured.
///
/// Each step's model is saved (loadable by `nnrecipe predict`).
///
/// @code
/// nnrecipe::PruneOptions options;
/// options.run_dir = "runs/credit";  // a `nnrecipe train` run directory
/// options.sparsities = {0.5, 0.9, 0.95};
/// const nnrecipe::PruneResult r = nnrecipe::prune_run(options);
/// for (const nnrecipe::PruneStep& s : r.steps) std::cout << s.sparsity << ": " << s.val.at(r.metric) << "\n";
/// nnrecipe::apply_masks(*net, nnrecipe::magnitude_masks(*net, 0.9));  // or by hand, on any network
/// @endcode
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "nnrecipe/models.h"

namespace nnrecipe {

struct PruneOptions {
  std::string run_dir;             ///< a `nnrecipe train` run directory
  std::vector<double> sparsities;  ///< in (0, 1), ascending
  bool structured = false;
  int64_t finetune_epochs = 3;  ///< after each step; 0 = prune only
  std::string out_dir;          ///< "" = RUN_DIR/prune (or prune-structured)
  std::function<void(const std::string&)> on_progress;
};

struct PruneStep {
  double sparsity = 0;                ///< asked: share of weights (unstructured) or of hidden units/channels removed
  double actual = 0;                  ///< measured: share of prunable weights that are zero
  int64_t params = 0;                 ///< non-zero parameters (unstructured) or all parameters of the smaller network
  std::vector<int64_t> hidden;        ///< structured: the widths / channels left
  std::map<std::string, double> val;  ///< after fine-tuning (validation selects; test for scale)
  std::map<std::string, double> test;
  double val_before_finetune = 0;  ///< the selection metric right after pruning
  double ms_per_1000_rows = 0;     ///< forward time in eval mode (structured: the smaller network)
  std::string model_dir;
};

struct PruneResult {
  std::string metric;
  bool higher_is_better = true;
  bool structured = false;
  PruneStep dense;  ///< the trained network as it was
  std::vector<PruneStep> steps;
  std::string out_dir;
  /// "SIGINT" / "SIGTERM" when an interrupt (interrupt.h) ended the run:
  /// `steps` holds the steps that finished; the one it cut was dropped.
  std::string interrupted;
};

PruneResult prune_run(const PruneOptions& options);

/// Global magnitude masks: 1 for the weights kept, 0 for the `sparsity`
/// share of smallest |w| over every prunable tensor (weights with 2 or more
/// dimensions, embeddings excluded). Already-zero weights count as pruned.
std::map<std::string, torch::Tensor> magnitude_masks(torch::nn::Module& net, double sparsity);
/// Multiplies each masked parameter by its mask (in place, no gradient).
void apply_masks(torch::nn::Module& net, const std::map<std::string, torch::Tensor>& masks);
/// Share of zeros among the prunable weights.
double weight_sparsity(torch::nn::Module& net);

/// Structured pruning: a new network of `model` (type mlp or cnn) with
/// `keep` = round((1 - fraction) * width) units per hidden layer (at least
/// 1), chosen by the L1 norm of their incoming weights, and those units'
/// weights, biases and batch-norm statistics copied from `net`. Returns the
/// smaller network and sets `model.hidden` to its widths.
Network shrink_network(NetworkImpl& net, ModelConfig& model, const ModelShape& shape, double fraction);

}  // namespace nnrecipe
