// report.html of `nnrecipe prune`: the validation metric against sparsity
// and the table of steps.
#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "nnrecipe/html_report.h"
#include "nnrecipe/reports.h"

namespace nnrecipe {

std::string render_prune_html(const PruneResult& r) {
  std::vector<PlotPoint> points{{0, r.dense.val.count(r.metric) ? r.dense.val.at(r.metric) : NAN, "dense", true}};
  for (const PruneStep& s : r.steps) {
    points.push_back({s.sparsity, s.val.count(r.metric) ? s.val.at(r.metric) : NAN,
                      fmt::format("sparsity {}: {} {}", s.sparsity, r.metric,
                                  format_number(s.val.count(r.metric) ? s.val.at(r.metric) : NAN))});
  }
  PlotOptions o;
  o.width = 560;
  o.line = true;
  o.x_label = r.structured ? "share of hidden units / channels removed" : "share of weights pruned";
  o.y_label = "validation " + r.metric;
  std::string table =
      "<table class=\"data\"><tr><th class=\"num\">sparsity</th><th class=\"num\">actual</th>"
      "<th class=\"num\">parameters</th>";
  if (r.structured) table += "<th>widths</th>";
  table += "<th class=\"num\">val " + html_escape(r.metric) + " after pruning</th><th class=\"num\">val " +
           html_escape(r.metric) + " fine-tuned</th><th class=\"num\">test " + html_escape(r.metric) +
           "</th><th class=\"num\">ms / 1000 rows</th></tr>";
  const auto row = [&](const std::string& name, const PruneStep& s, bool dense) {
    std::string widths;
    for (int64_t w : s.hidden) widths += (widths.empty() ? "" : ", ") + std::to_string(w);
    table += "<tr><td class=\"num\">" + html_escape(name) + "</td><td class=\"num\">" + format_number(s.actual) +
             "</td><td class=\"num\">" + std::to_string(s.params) + "</td>" +
             (r.structured ? "<td>[" + html_escape(widths) + "]</td>" : "") + "<td class=\"num\">" +
             (dense ? "" : format_number(s.val_before_finetune)) + "</td><td class=\"num\">" +
             format_number(s.val.count(r.metric) ? s.val.at(r.metric) : NAN) + "</td><td class=\"num\">" +
             format_number(s.test.count(r.metric) ? s.test.at(r.metric) : NAN) + "</td><td class=\"num\">" +
             format_number(s.ms_per_1000_rows) + "</td></tr>";
  };
  row("dense", r.dense, true);
  for (const PruneStep& s : r.steps) row(format_number(s.sparsity), s, false);
  const std::string interrupted =
      r.interrupted.empty() ? ""
                            : "<div class=\"finding warn\"><span class=\"badge warn\">warn</span> Interrupted (" +
                                  html_escape(r.interrupted) + ") after " + std::to_string(r.steps.size()) +
                                  " step(s): the step it cut was dropped; the steps above are complete.</div>";
  const std::string body = "<header class=\"top\"><h1>nnrecipe prune</h1><div class=\"subtitle\">" +
                           html_escape(r.out_dir) + "</div></header><main>" + interrupted +
                           html_section("curve", "Validation metric against sparsity", svg_plot(points, o)) +
                           html_section("steps", "Steps",
                                        table +
                                            "</table><p class=\"muted\">Each step prunes the previous step's "
                                            "fine-tuned network further; its model is in the step's folder.</p>") +
                           "</main>";
  return html_document("nnrecipe prune", body);
}

}  // namespace nnrecipe
