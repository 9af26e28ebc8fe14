// `nnrecipe prune RUN_DIR --sparsity 0.5,0.7,0.9`: magnitude pruning with
// fine-tuning (src/prune/), a table of sparsity against the validation metric.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/prune.h"
#include "nnrecipe/reports.h"
#include "nnrecipe/text_table.h"

namespace nnrecipe::cli {

CommandRunner add_prune_command(CLI::App& app) {
  auto o = std::make_shared<PruneOptions>();
  o->sparsities = {0.5, 0.7, 0.9, 0.95};
  CLI::App* cmd = app.add_subcommand("prune", "How much network does the task need: prune a trained run");
  const std::string details =
      ("Prunes a trained run step by step (global magnitude pruning of "
       "weights, or with --structured whole hidden units / channels), fine-tunes after each step with the pruned "
       "weights held at zero, and reports the validation metric at each sparsity. Each step's model is saved "
       "and works with `nnrecipe predict`.");
  cmd->add_option("RUN_DIR", o->run_dir, "A run directory of `nnrecipe train` (holds model/)")->required();
  cmd->add_option("--sparsity", o->sparsities, "Sparsities in (0, 1), increasing")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--structured", o->structured,
                "Remove whole hidden units (MLP) or channels (CNN): a smaller dense network");
  cmd->add_option("--finetune-epochs", o->finetune_epochs, "Epochs of fine-tuning after each step (0 = none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", o->out_dir, "Output directory (default RUN_DIR/prune or RUN_DIR/prune-structured)");
  cmd->footer("\n" + details +
              "\n\nExample:\n  nnrecipe train examples/configs/credit_mlp.yaml --out runs/credit\n"
              "  nnrecipe prune runs/credit --sparsity 0.5,0.9,0.95 --finetune-epochs 3\n"
              "  nnrecipe predict runs/credit/prune/sparsity-0.90/model data.csv");
  return [o] {
    ProgressLine progress("prune");
    o->on_progress = [&](const std::string& line) {
      if (global_options().quiet) return;
      progress.clear();
      fmt::print("{}\n", line);
      std::fflush(stdout);
    };
    install_interrupt_handlers();
    const PruneResult r = prune_run(*o);
    write_file_atomic(r.out_dir + "/report.html", render_prune_html(r));
    using A = TextTable::Align;
    TextTable t({"sparsity", "actual", "parameters", "val " + r.metric, "test " + r.metric, "ms/1000 rows"},
                {A::Right, A::Right, A::Right, A::Right, A::Right, A::Right});
    const auto at = [&](const std::map<std::string, double>& m) {
      return m.count(r.metric) ? fmt::format("{:.4f}", m.at(r.metric)) : std::string("n/a");
    };
    t.add_row({"dense", fmt::format("{:.3f}", r.dense.actual), std::to_string(r.dense.params), at(r.dense.val),
               at(r.dense.test), fmt::format("{:.3f}", r.dense.ms_per_1000_rows)});
    for (const PruneStep& s : r.steps) {
      t.add_row({fmt::format("{:.2f}", s.sparsity), fmt::format("{:.3f}", s.actual), std::to_string(s.params),
                 at(s.val), at(s.test), fmt::format("{:.3f}", s.ms_per_1000_rows)});
    }
    progress.clear();
    std::cout << "\n" << t.render();
    fmt::print("wrote {0}/prune.csv, {0}/prune.json, {0}/report.html and a model per step\n", r.out_dir);
    if (!r.interrupted.empty()) {
      fmt::print(stderr, "nnrecipe: interrupted ({}) after {} of {} steps; the files above hold the finished ones\n",
                 r.interrupted, r.steps.size(), o->sparsities.size());
      return kExitInterrupted;
    }
    return kExitOk;
  };
}

}  // namespace nnrecipe::cli
