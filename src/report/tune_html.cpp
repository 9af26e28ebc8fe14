// The tune report: a self-contained page (no script, inline SVG) with the
// best trial, warnings, the best-so-far curve, the metric against each
// hyperparameter (the Tuning Playbook's basic plots, best trial marked) and
// the trials table.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "nnrecipe/html_report.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/reports.h"
#include "nnrecipe/tune.h"

namespace nnrecipe {
namespace {

std::string value_of(const TrialResult& t, const std::string& key) {
  for (const auto& [k, v] : t.params) {
    if (k == key) return v;
  }
  return "";
}

std::string param_plot(const SearchParam& p, const StudyResult& s) {
  PlotOptions o;
  o.x_label = p.key;
  o.y_label = "validation " + s.metric;
  o.log_x = p.kind == SearchParam::Kind::LogUniform || p.kind == SearchParam::Kind::LogInt;
  if (p.kind == SearchParam::Kind::Choice) {
    o.x_categories = p.choices;
  } else {
    o.x_min = p.lo, o.x_max = p.hi;  // the space's bounds, so a best point at an edge shows as one
  }
  std::vector<PlotPoint> points;
  for (std::size_t k = 0; k < s.trials.size(); ++k) {
    const TrialResult& t = s.trials[k];
    const std::string v = value_of(t, p.key);
    if (v.empty() || std::isnan(t.score)) continue;
    double x = 0;
    if (p.kind == SearchParam::Kind::Choice) {
      x = static_cast<double>(std::find(p.choices.begin(), p.choices.end(), v) - p.choices.begin());
    } else {
      x = std::stod(v);
    }
    points.push_back({x, t.score,
                      fmt::format("trial {}: {} = {}, {} {} ({} epochs, {})", t.index, p.key, v, s.metric,
                                  format_number(t.score), t.epochs, t.stopped),
                      static_cast<std::ptrdiff_t>(k) == s.best});
  }
  return "<figure>" + svg_plot(points, o) + "</figure>";
}

std::string best_so_far(const StudyResult& s) {
  const SelectionMetric m{s.metric, s.higher_is_better};
  std::vector<PlotPoint> points;
  double best = NAN;
  for (const TrialResult& t : s.trials) {
    if (!std::isnan(t.score) && (std::isnan(best) || is_better(m, t.score, best))) best = t.score;
    if (!std::isnan(best)) {
      points.push_back(
          {static_cast<double>(t.index), best, fmt::format("after trial {}: {}", t.index, format_number(best))});
    }
  }
  PlotOptions o;
  o.width = 640;
  o.line = true;
  o.x_label = "trial";
  o.y_label = "best validation " + s.metric;
  return svg_plot(points, o);
}

// ASHA's ladder: how many trials reached each rung and the full budget,
// and the best validation score among them there (from the curves).
std::string asha_ladder(const TuneOptions& o, const StudyResult& s) {
  std::vector<int64_t> steps = asha_rungs(o.asha);
  steps.push_back(o.base.train.epochs);
  const SelectionMetric m{s.metric, s.higher_is_better};
  std::string table =
      "<table class=\"data\"><tr><th class=\"num\">epochs</th><th class=\"num\">trials that "
      "reached them</th><th class=\"num\">best validation " +
      html_escape(s.metric) + " there</th></tr>";
  for (int64_t e : steps) {
    std::size_t reached = 0;
    double best = NAN;
    for (const TrialResult& t : s.trials) {
      if (static_cast<int64_t>(t.curve.size()) < e) continue;
      ++reached;
      const double v = best_of_first(t.curve, e, m);
      if (!std::isnan(v) && (std::isnan(best) || is_better(m, v, best))) best = v;
    }
    table += "<tr><td class=\"num\">" + std::to_string(e) + "</td><td class=\"num\">" + std::to_string(reached) +
             "</td><td class=\"num\">" + format_number(best) + "</td></tr>";
  }
  return table + fmt::format(
                     "</table><p class=\"muted\">Every trial pauses at {} epochs; the top 1/{} of those "
                     "recorded at a rung are promoted to the next (synchronous successive halving would take "
                     "1/{} of a rung's trials on). Each promotion, with the trial's rank, and each stop is in "
                     "asha.jsonl.</p>",
                     steps.front(), o.asha.eta, o.asha.eta);
}

}  // namespace

std::string render_tune_html(const TuneOptions& o, const StudyResult& s) {
  std::string body = "<header class=\"top\"><h1>nnrecipe tune</h1><div class=\"subtitle\">" +
                     html_escape(o.config_source) + " &middot; " + html_escape(o.space_source) +
                     "</div></header><main>";
  std::string overview = "<table class=\"kv\">";
  const auto row = [&](const std::string& k, const std::string& v) {
    overview += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  };
  row("Sampler",
      o.sampler +
          (o.scheduler == "asha" ? fmt::format(" + ASHA (grace {} epochs, eta {})", o.asha.grace, o.asha.eta) : ""));
  row("Trials", fmt::format("{} finished ({} resumed from an earlier run), {} not started ({})", s.trials.size(),
                            s.resumed, s.not_started, s.interrupted.empty() ? "budget" : "interrupted"));
  if (!s.interrupted.empty()) {
    row("Interrupted", fmt::format("by {}: {} running trial(s) stopped and left to rerun; run the same command "
                                   "again to resume the study",
                                   s.interrupted, s.abandoned));
  }
  row("Epochs trained", fmt::format("{} in all (a trial's maximum: {})", s.total_epochs, o.base.train.epochs));
  row("Metric", "validation " + s.metric + (s.higher_is_better ? " (higher is better)" : " (lower is better)"));
  row("Time", fmt::format("{:.1f} s", s.seconds));
  if (s.best >= 0) {
    const TrialResult& b = s.trials[static_cast<std::size_t>(s.best)];
    row("Best trial", fmt::format("{}: {} {}", b.index, s.metric, format_number(b.score)));
    row("Best values", to_string(b.params));
    row("Best config", "best.yaml (train it: nnrecipe train best.yaml)");
  }
  overview += "</table>";
  for (const std::string& w : s.warnings)
    overview += "<div class=\"finding warn\"><span class=\"badge warn\">warn</span> " + html_escape(w) + "</div>";
  body += html_section("overview", "Overview", overview);
  body += html_section("best-so-far", "Best so far", best_so_far(s));
  if (o.scheduler == "asha" && !s.metric.empty()) body += html_section("asha", "ASHA rungs", asha_ladder(o, s));

  std::string plots = "<p>Validation " + html_escape(s.metric) +
                      " of every trial against each hyperparameter; the best trial in red. A best point at the "
                      "edge of a range means the range should grow that way.</p><div>";
  for (const SearchParam& p : o.space.params) plots += param_plot(p, s);
  body += html_section("parameters", "Metric against each hyperparameter", plots + "</div>");

  std::string table = "<table class=\"data\"><tr><th>trial</th>";
  for (const SearchParam& p : o.space.params) table += "<th>" + html_escape(p.key) + "</th>";
  table += "<th class=\"num\">" + html_escape(s.metric) +
           "</th><th class=\"num\">epochs</th><th>stopped</th><th class=\"num\">seconds</th></tr>";
  for (std::size_t k = 0; k < s.trials.size(); ++k) {
    const TrialResult& t = s.trials[k];
    table += static_cast<std::ptrdiff_t>(k) == s.best ? "<tr style=\"font-weight:600\">" : "<tr>";
    table += "<td class=\"num\">" + std::to_string(t.index) + "</td>";
    for (const SearchParam& p : o.space.params) table += "<td>" + html_escape(value_of(t, p.key)) + "</td>";
    table += "<td class=\"num\">" + format_number(t.score) + "</td><td class=\"num\">" + std::to_string(t.epochs) +
             "</td><td>" + html_escape(t.stopped + (t.error.empty() ? "" : ": " + t.error)) +
             "</td><td class=\"num\">" + fmt::format("{:.1f}", t.seconds) + "</td></tr>";
  }
  body += html_section("trials", "Trials", table + "</table>");
  return html_document("nnrecipe tune", body + "</main>");
}

}  // namespace nnrecipe
