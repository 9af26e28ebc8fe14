// report.html of `nnrecipe run` (include/nnrecipe/recipe.h): one
// self-contained page (inline SVG, PNG data URIs, no script) built from the
// helpers of html_report.h. Every string that comes from the data — class
// names, column names, cell values, change descriptions, finding messages —
// goes through html_escape; attributes carry only numbers or our own words.
// A section whose data is empty is left out.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "nnrecipe/html_report.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/reports.h"

namespace nnrecipe {
namespace {

using nlohmann::json;

// ---- small pieces --------------------------------------------------------------

std::string esc(const std::string& s) { return html_escape(s); }
std::string num(double v) { return html_escape(format_number(v)); }

std::string signed_num(double v) {
  if (!std::isfinite(v)) return num(v);
  return (v > 0 ? "+" : "") + num(v);
}

std::string group_digits(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration(double s) {
  if (!std::isfinite(s) || s < 0) return "n/a";
  if (s < 10) return fmt::format("{:.1f} s", s);
  if (s < 90) return fmt::format("{:.0f} s", s);
  if (s < 5400) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

std::string percent(double share) {
  if (!std::isfinite(share)) return "n/a";
  return fmt::format("{:.1f}%", share * 100);
}

std::string metric_of(const std::map<std::string, double>& values, const std::string& name) {
  const auto it = values.find(name);
  return it == values.end() ? "" : num(it->second);
}

// A CSS class from data only when it is one the style sheet knows.
std::string level_class(const std::string& s) {
  for (const char* known : {"error", "warn", "info", "pass", "fail"}) {
    if (s == known) return s;
  }
  return "";
}

std::string badge(const std::string& text, const std::string& css_class) {
  const std::string cls = level_class(css_class);
  return "<span class=\"badge" + (cls.empty() ? "" : " " + cls) + "\">" + esc(text) + "</span>";
}

std::string paragraph(const std::string& html, const char* css = "muted") {
  return std::string("<p class=\"") + css + "\">" + html + "</p>";
}

std::string verdict_box(const std::string& verdict, const std::string& sentence_html) {
  const std::string cls = level_class(verdict);
  return "<div class=\"verdict" + (cls.empty() ? "" : " " + cls) + "\">" +
         (verdict.empty() ? "" : badge(verdict, verdict) + " ") + sentence_html + "</div>";
}

struct KeyValues {
  std::string rows;
  void add(const std::string& key, const std::string& value_html) {
    if (!value_html.empty()) rows += "<tr><th>" + esc(key) + "</th><td>" + value_html + "</td></tr>";
  }
  std::string html() const { return rows.empty() ? "" : "<table class=\"kv\">" + rows + "</table>"; }
};

// A cell of a table: HTML already, with an optional CSS class of ours.
struct Cell {
  std::string html;
  const char* css = nullptr;  ///< "num" (right-aligned figures), "cells" (wrapping values)
};
using Row = std::vector<Cell>;

// A table whose header cells are text (escaped here) and whose rows are HTML.
class HtmlTable {
 public:
  explicit HtmlTable(const Row& header, const char* css = "data") {
    html_ = std::string("<table class=\"") + css + "\"><tr>";
    for (const Cell& c : header) html_ += open("th", c.css) + esc(c.html) + "</th>";
    html_ += "</tr>";
  }
  void row(const Row& cells, bool winner = false) {
    html_ += winner ? "<tr class=\"winner\">" : "<tr>";
    for (const Cell& c : cells) html_ += open("td", c.css) + c.html + "</td>";
    html_ += "</tr>";
  }
  std::string done() const { return html_ + "</table>"; }

 private:
  static std::string open(const char* tag, const char* css) {
    return std::string("<") + tag + (css ? std::string(" class=\"") + css + "\"" : "") + ">";
  }
  std::string html_;
};

std::size_t severity_rank(Severity s) { return s == Severity::Error ? 0 : s == Severity::Warn ? 1 : 2; }

std::string findings_tally(const FindingSet& set) {
  std::size_t counts[3] = {0, 0, 0};
  for (const Finding& f : set.findings) ++counts[severity_rank(f.severity)];
  if (counts[0] + counts[1] + counts[2] == 0) return "none";
  return fmt::format("{} error{}, {} warning{}, {} info", counts[0], counts[0] == 1 ? "" : "s", counts[1],
                     counts[1] == 1 ? "" : "s", counts[2]);
}

std::string compact_json(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string class_name(const ErrorAnalysis& a, std::size_t i) {
  return i < a.class_names.size() ? a.class_names[i] : "class " + std::to_string(i);
}

// Section ids are ours: letters, digits and dashes only.
std::string id_part(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const bool upper = c >= 'A' && c <= 'Z';
    out += keep ? c : upper ? static_cast<char>(c - 'A' + 'a') : '-';
  }
  return out.substr(0, 40);
}

// The page: sections in order and the navigation that lists them.
struct Page {
  std::string nav, body;
  void add(const std::string& id, const std::string& heading, const std::string& body_html,
           const std::string& nav_name = "") {
    body += html_section(id, heading, body_html);
    nav += "<a href=\"#" + esc(id) + "\">" + esc(nav_name.empty() ? heading : nav_name) + "</a>";
  }
};

// ---- sections ------------------------------------------------------------------

void overview(Page& page, const RecipeOptions& o, const RecipeResult& r) {
  std::string body;
  const std::string headline = recipe_headline(r);
  if (!headline.empty()) body += "<p class=\"headline\">" + esc(headline) + "</p>";
  if (!r.winner_sentence.empty()) body += "<p class=\"winner-line\">" + esc(r.winner_sentence) + "</p>";
  if (r.stopped) body += verdict_box("fail", "Stopped: " + esc(r.stop_reason));
  if (!r.interrupted.empty()) {
    body += verdict_box("warn", "Interrupted (" + esc(r.interrupted) +
                                    "): the run ended there, with the best of what it had trained; the stages "
                                    "below say what was cut.");
  }
  KeyValues kv;
  kv.add("Data", esc(o.config_source));
  std::string task = esc(r.task);
  if (!r.metric.empty()) {
    task += (task.empty() ? "" : " · ") + std::string("selection metric ") + esc(r.metric) +
            (r.higher_is_better ? " (higher is better)" : " (lower is better)");
  }
  kv.add("Task", task);
  for (const Candidate& c : r.candidates) {
    if (c.name != r.winner) continue;
    kv.add("Winner", esc(c.name) + " <span class=\"muted\">(" + esc(to_string(c.kind)) + ")</span>");
  }
  const double budget = r.budget_seconds > 0 ? r.budget_seconds : o.budget_minutes * 60;
  kv.add("Time", esc(duration(r.seconds) + " of a " + duration(budget) + " budget" +
                     (budget > 0 && std::isfinite(r.seconds) ? " (" + percent(r.seconds / budget) + ")" : "")));
  if (r.train_rows + r.val_rows + r.test_rows > 0) {
    kv.add("Rows", esc("train " + group_digits(r.train_rows) + " · validation " + group_digits(r.val_rows) +
                       " · test " + group_digits(r.test_rows)));
  }
  kv.add("Findings", esc(findings_tally(r.findings)));
  kv.add("Output", esc(o.out_dir));
  body += kv.html();
  body += paragraph("Every choice was made on the validation split; the test split was scored once, at the end.",
                    "muted small");
  page.add("overview", "Summary", body);
}

void stages(Page& page, const RecipeResult& r) {
  if (r.stages.empty()) return;
  HtmlTable t({{"stage"}, {"verdict"}, {"time", "num"}, {"summary"}, {"left out by the budget"}});
  for (const StageReport& s : r.stages) {
    std::string time = esc(duration(s.seconds));
    if (s.budget_seconds > 0) time += " <span class=\"muted\">of " + esc(duration(s.budget_seconds)) + "</span>";
    std::string cut;
    for (const std::string& c : s.cut) cut += "<li>" + esc(c) + "</li>";
    if (!cut.empty()) cut = "<ul class=\"small\" style=\"margin:0;padding-left:18px\">" + cut + "</ul>";
    t.row({{"<strong>" + esc(s.name) + "</strong>"},
           {badge(to_string(s.verdict), to_string(s.verdict))},
           {time, "num"},
           {esc(s.summary)},
           {cut}});
  }
  std::string repairs;
  for (const StageReport& s : r.stages) {
    for (const Repair& rep : s.repairs) {
      std::string ids, changes;
      for (const std::string& id : rep.findings) ids += (ids.empty() ? "" : ", ") + id;
      for (const std::string& c : rep.changes) changes += (changes.empty() ? "" : "; ") + c;
      repairs += "<li><strong>" + esc(s.name) + "</strong>: " + esc(rep.network) + " tripped <code>" + esc(ids) +
                 "</code>; " + esc(changes.empty() ? "no fix to apply" : changes) + "; " + esc(rep.outcome) + "</li>";
    }
  }
  std::string body = t.done();
  if (!repairs.empty()) {
    body +=
        "<p>The recipe owns its networks' configuration: when a check stopped one, it applied the finding's fix "
        "and retried once.</p><ul>" +
        repairs + "</ul>";
  }
  page.add("stages", "Stages", body);
}

void leaderboard(Page& page, const RecipeResult& r) {
  if (r.candidates.empty()) return;
  std::set<std::string> others;
  for (const Candidate& c : r.candidates) {
    for (const auto& [name, v] : c.val) others.insert(name);
    for (const auto& [name, v] : c.test) others.insert(name);
  }
  others.erase(r.metric);
  // The ranking with its detail, then every other metric in a table of
  // numbers only (a long detail in a wide table made rows tall and narrow).
  HtmlTable t({{"#", "num"},
               {"model"},
               {"kind"},
               {"val " + r.metric, "num"},
               {"test " + r.metric, "num"},
               {"seconds", "num"},
               {"detail"}});
  Row metrics_header = {{"model"}};
  for (const std::string& m : others) {
    metrics_header.push_back({"val " + m, "num"});
    metrics_header.push_back({"test " + m, "num"});
  }
  HtmlTable all(metrics_header);
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < r.candidates.size(); ++i) {
    const Candidate& c = r.candidates[i];
    const bool winner = c.name == r.winner;
    t.row({{std::to_string(i + 1), "num"},
           {esc(c.name) + (winner ? " " + badge("winner", "pass") : "")},
           {esc(to_string(c.kind))},
           {"<strong>" + metric_of(c.val, r.metric) + "</strong>", "num"},
           {metric_of(c.test, r.metric), "num"},
           {num(c.seconds), "num"},
           {"<span class=\"small\">" + esc(c.detail) + "</span>"}},
          winner);
    Row cells = {{esc(c.name)}};
    for (const std::string& m : others) {
      cells.push_back({metric_of(c.val, m), "num"});
      cells.push_back({metric_of(c.test, m), "num"});
    }
    all.row(cells, winner);
    const auto v = c.val.find(r.metric);
    const double value = v == c.val.end() ? NAN : v->second;
    bars.push_back({c.name, value, format_number(value)});
  }
  std::string body = paragraph(esc("Ranked on validation " + r.metric + ", best first; " +
                                   (r.higher_is_better ? "higher" : "lower") + " is better."));
  body += t.done();
  if (!others.empty()) {
    body += "<h4>Every metric</h4><div style=\"overflow-x:auto\">" + all.done() + "</div>";
  }
  BarChartOptions options;
  options.colour = "#59a14f";
  if (r.metric == "auc") options.reference = 0.5;
  body += "<h4>" + esc("Validation " + r.metric) + (r.metric == "auc" ? " (dashed line: chance)" : "") + "</h4>" +
          svg_bar_chart(bars, options);
  page.add("leaderboard", "Leaderboard", body);
}

std::string evidence_html(const json& evidence) {
  if (evidence.is_null() || (evidence.is_object() && evidence.empty())) return "";
  if (!evidence.is_object()) return "<pre>" + esc(compact_json(evidence)) + "</pre>";
  KeyValues kv;
  for (auto it = evidence.begin(); it != evidence.end(); ++it) {
    const json& v = it.value();
    kv.add(it.key(), "<code>" + esc(v.is_string() ? v.get<std::string>() : compact_json(v)) + "</code>");
  }
  return kv.html();
}

void findings(Page& page, const FindingSet& set) {
  // Errors first, the order of the set kept within a severity.
  std::vector<const Finding*> list;
  for (const Finding& f : set.findings) list.push_back(&f);
  std::stable_sort(list.begin(), list.end(), [](const Finding* a, const Finding* b) {
    return severity_rank(a->severity) < severity_rank(b->severity);
  });
  std::string body;
  if (list.empty()) body += paragraph("No findings: every check passed.");
  for (const Finding* f : list) {
    const std::string severity = to_string(f->severity);
    body += "<div class=\"finding " + severity + "\"><div class=\"head\">" + badge(severity, severity) + "<code>" +
            esc(f->id) + "</code>";
    if (!f->stage.empty()) body += "<span class=\"muted small\">" + esc(f->stage) + "</span>";
    body += "</div><div class=\"message\">" + esc(f->message) + "</div>";
    if (!f->fix.empty()) body += "<div class=\"fix\"><strong>Fix:</strong> " + esc(f->fix) + "</div>";
    const std::string evidence = evidence_html(f->evidence);
    if (!evidence.empty()) body += "<h4>Evidence</h4>" + evidence;
    body += "</div>";
  }
  std::string ignored;
  for (const std::string& id : set.ignored) ignored += (ignored.empty() ? "" : ", ") + ("<code>" + esc(id) + "</code>");
  if (!ignored.empty()) body += paragraph("Silenced by checks.ignore: " + ignored);
  page.add("findings", "Findings", body);
}

// Defensive reads of the image inspection's JSON (it is ours, but a key may
// be absent).
const json& at(const json& j, const char* key) {
  static const json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

std::string plain(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return format_number(v.get<double>());
  if (v.is_null()) return "";
  return compact_json(v);
}

std::string image_set(const json& set) {
  if (!set.is_object()) return "";
  std::string s = plain(at(set, "images")) + " images";
  if (!at(set, "height").is_null()) s += ", " + plain(at(set, "height")) + " × " + plain(at(set, "width")) + " pixels";
  return esc(s);
}

void data_summary(Page& page, const RecipeResult& r) {
  std::string body;
  if (r.image_data) {
    const json& j = r.image_inspection.report;
    if (!j.is_object() || j.empty()) return;
    KeyValues kv;
    kv.add("Directory", esc(plain(at(j, "directory"))));
    kv.add("Classes", esc(plain(at(j, "classes"))));
    kv.add("Train", image_set(at(j, "train")));
    kv.add("Test", image_set(at(j, "test")));
    const json& pixel = at(j, "pixel");
    if (!at(pixel, "mean").is_null()) {
      kv.add("Pixels", esc("mean " + plain(at(pixel, "mean")) + ", std " + plain(at(pixel, "std"))));
    }
    if (!plain(at(j, "verdict_text")).empty()) {
      body += verdict_box(plain(at(j, "verdict")), esc(plain(at(j, "verdict_text"))));
    }
    body += kv.html();
    std::string sheet;
    const json& rows = at(j, "contact_sheet");
    if (rows.is_array()) {
      for (const json& row : rows) {
        const std::string image = html_image(plain(at(row, "png")), "class " + plain(at(row, "class")), "pixels", 2);
        sheet += "<tr><th class=\"num\">" + esc(plain(at(row, "class"))) + "</th><td>" +
                 (image.empty() ? "<span class=\"muted\">no image</span>" : image) + "</td></tr>";
      }
    }
    if (!sheet.empty()) {
      body += "<h4>Examples per class</h4><table class=\"data sheet\"><tr><th>class</th><th>examples</th></tr>" +
              sheet + "</table>";
    }
  } else {
    const Inspection& in = r.inspection;
    if (in.rows == 0 && in.columns.empty()) return;
    const std::string verdict = verdict_of(in.findings);
    body += verdict_box(verdict, esc(verdict_sentence(verdict)));
    KeyValues kv;
    kv.add("Source", esc(in.source));
    if (!in.test_source.empty()) kv.add("Test source", esc(in.test_source));
    kv.add("Shape", esc(group_digits(in.rows) + " rows × " + group_digits(in.columns.size()) + " columns"));
    kv.add("Target", esc(in.target));
    kv.add("Findings", esc(findings_tally(in.findings)));
    body += kv.html();
    if (!in.classes.empty()) {
      std::size_t total = 0;
      for (const ValueCount& v : in.classes) total += v.count;
      std::vector<Bar> bars;
      for (std::size_t i = 0; i < in.classes.size() && i < 30; ++i) {
        const ValueCount& v = in.classes[i];
        const double share = total > 0 ? static_cast<double>(v.count) / static_cast<double>(total) : NAN;
        bars.push_back({v.value, static_cast<double>(v.count), group_digits(v.count) + " (" + percent(share) + ")"});
      }
      BarChartOptions options;
      options.text_width = 120;
      body += "<h4>Class counts</h4>" + svg_bar_chart(bars, options);
    }
    if (!in.power.empty()) {
      std::vector<Bar> bars;
      for (std::size_t i = 0; i < in.power.size() && i < 10; ++i) {
        bars.push_back({in.power[i].column, in.power[i].score, format_number(in.power[i].score)});
      }
      BarChartOptions options;
      options.max_value = 1;
      options.colour = "#59a14f";
      if (in.power_metric == "auc") options.reference = 0.5;
      body +=
          "<h4>" + esc("Strongest features alone (" + in.power_metric + ")") + "</h4>" + svg_bar_chart(bars, options);
    }
    body += paragraph("The report of <code>nnrecipe inspect</code> has every column in detail.", "muted small");
  }
  page.add("data", "Data", body);
}

void dropped(Page& page, const RecipeResult& r) {
  if (r.dropped_columns.empty()) return;
  std::string list;
  for (const std::string& c : r.dropped_columns) list += "<li><code>" + esc(c) + "</code></li>";
  page.add("dropped", "Dropped columns",
           paragraph("Left out of the features by the inspect stage; the findings say why for each.") + "<ul>" + list +
               "</ul>");
}

void lr_range(Page& page, const LrRangeResult& lr) {
  const std::size_t n = std::min({lr.lrs.size(), lr.smoothed.size(), std::max<std::size_t>(lr.stop_index + 1, 2)});
  if (n == 0) return;
  Series raw{"raw loss", {}, "#bab0ac", false, false};
  Series smooth{"smoothed loss", {}, "#4c78a8", false, false};
  for (std::size_t i = 0; i < n; ++i) {
    if (i < lr.losses.size()) raw.points.push_back({lr.lrs[i], lr.losses[i], ""});
    const bool suggested = std::isfinite(lr.suggested_lr) && i == lr.suggested_index;
    smooth.points.push_back(
        {lr.lrs[i], lr.smoothed[i], suggested ? "suggested lr " + format_number(lr.lrs[i]) : "", suggested});
  }
  PlotOptions o;
  o.width = 640;
  o.height = 280;
  o.log_x = true;
  o.x_label = "learning rate";
  o.y_label = "training loss";
  std::string body = paragraph(
      "The learning rate grew exponentially each step until the smoothed loss passed 4× its best; the suggestion "
      "is where the smoothed loss falls fastest (red dot).");
  body += svg_lines({raw, smooth}, o);
  KeyValues kv;
  kv.add("Suggested learning rate",
         std::isfinite(lr.suggested_lr) ? "<strong>" + num(lr.suggested_lr) + "</strong>" : "none");
  kv.add("Steps", esc(group_digits(lr.lrs.size())));
  kv.add("Note", esc(lr.note));
  body += kv.html();
  page.add("lr-range", "Learning-rate range test", body);
}

void learning_curve(Page& page, const RecipeResult& r) {
  if (r.learning_curve.empty()) return;
  Series train{"train " + r.metric, {}, "#f58518", false, true};
  Series val{"validation " + r.metric, {}, "#4c78a8", false, true};
  bool positive = true;
  HtmlTable t({{"share of train", "num"}, {"rows", "num"}, {"train " + r.metric, "num"}, {"val " + r.metric, "num"}});
  for (const LearningCurvePoint& p : r.learning_curve) {
    const double x = static_cast<double>(p.rows);
    positive = positive && p.rows > 0;
    const std::string where = group_digits(p.rows) + " rows (" + percent(p.fraction) + ")";
    train.points.push_back({x, p.train_metric, where + ": train " + format_number(p.train_metric)});
    val.points.push_back({x, p.val_metric, where + ": validation " + format_number(p.val_metric)});
    t.row({{esc(percent(p.fraction)), "num"},
           {esc(group_digits(p.rows)), "num"},
           {num(p.train_metric), "num"},
           {num(p.val_metric), "num"}});
  }
  PlotOptions o;
  o.width = 560;
  o.height = 260;
  o.log_x = positive;
  o.x_label = "training rows";
  o.y_label = r.metric;
  const LearningCurveVerdict& v = r.learning_curve_verdict;
  std::string body;
  if (!v.sentence.empty()) body += verdict_box(v.more_data_pays ? "more data pays" : "", esc(v.sentence));
  body += svg_lines({train, val}, o);
  KeyValues kv;
  kv.add("Gain per doubling", signed_num(v.gain_per_doubling));
  kv.add("Train − validation gap", signed_num(v.gap));
  body += kv.html() + t.done();
  page.add("learning-curve", "Learning curve", body);
}

std::string curve_card(const TrainCurve& c, const std::string& metric) {
  Series train{"train loss", {}, "#f58518", false, false};
  Series val{"validation loss", {}, "#4c78a8", false, false};
  for (std::size_t i = 0; i < c.train_loss.size(); ++i) {
    const double epoch = static_cast<double>(i + 1);
    train.points.push_back(
        {epoch, c.train_loss[i], fmt::format("epoch {}: train loss {}", i + 1, format_number(c.train_loss[i]))});
  }
  std::string best;
  for (std::size_t i = 0; i < c.val_loss.size(); ++i) {
    const bool is_best = static_cast<int64_t>(i + 1) == c.best_epoch;
    const double m = i < c.val_metric.size() ? c.val_metric[i] : NAN;
    const std::string label = fmt::format("epoch {}: validation loss {}, {} {}", i + 1, format_number(c.val_loss[i]),
                                          metric, format_number(m));
    val.points.push_back({static_cast<double>(i + 1), c.val_loss[i], (is_best ? "best " : "") + label, is_best});
    if (is_best)
      best = fmt::format("best epoch {} of {}: validation {} {}", c.best_epoch, c.val_loss.size(), metric,
                         format_number(m));
  }
  PlotOptions o;
  o.width = 440;
  o.height = 220;
  o.x_label = "epoch";
  o.y_label = "loss";
  const std::size_t epochs = std::max(c.train_loss.size(), c.val_loss.size());
  o.x_min = 1;  // the epoch axis starts at 1 even when a curve starts later (a gap)
  o.x_max = std::max<double>(2, static_cast<double>(epochs));
  return "<div class=\"card\"><h3>" + esc(c.label) + "</h3>" + svg_lines({train, val}, o) +
         (best.empty() ? "" : paragraph(esc(best), "small muted")) + "</div>";
}

std::string ablation_table(const std::vector<AblationRow>& rows, const std::string& metric) {
  HtmlTable t({{"change"},
               {"train loss", "num"},
               {"val " + metric, "num"},
               {"delta", "num"},
               {"kept"},
               {"epochs", "num"},
               {"seconds", "num"},
               {"note"}});
  for (const AblationRow& a : rows) {
    t.row({{esc(a.change)},
           {num(a.train_loss), "num"},
           {num(a.val_metric), "num"},
           {signed_num(a.delta), "num"},
           {a.kept ? badge("kept", "pass") : "<span class=\"muted\">no</span>"},
           {std::to_string(a.epochs), "num"},
           {num(a.seconds), "num"},
           {"<span class=\"small\">" + esc(a.note) + "</span>"}},
          a.kept);
  }
  return t.done();
}

void stage_details(Page& page, const RecipeResult& r) {
  for (std::size_t k = 0; k < r.stages.size(); ++k) {
    const StageReport& s = r.stages[k];
    if (s.curves.empty() && s.ablation.empty()) continue;
    std::string body = verdict_box(to_string(s.verdict), esc(s.summary));
    if (!s.ablation.empty()) {
      body += "<h3 class=\"sub\">Ablation</h3>" +
              paragraph(esc("One change at a time to the incumbent; delta is against it, positive = better" +
                            std::string(s.name == "overfit" ? " (a lower training loss)" : "") + ".")) +
              "<div style=\"overflow-x:auto\">" + ablation_table(s.ablation, r.metric) + "</div>";
    }
    if (!s.curves.empty()) {
      body += "<h3 class=\"sub\">Loss curves</h3><div class=\"grid\">";
      for (const TrainCurve& c : s.curves) body += curve_card(c, r.metric);
      body += "</div>";
    }
    page.add("stage-" + std::to_string(k + 1) + "-" + id_part(s.name), "Stage: " + s.name, body, s.name);
  }
}

void confusion(Page& page, const ErrorAnalysis& a) {
  if (a.confusion.empty()) return;
  std::string t = "<table class=\"data confusion\"><tr><th>true ↓ predicted →</th>";
  for (std::size_t j = 0; j < a.confusion.size(); ++j) t += "<th class=\"num\">" + esc(class_name(a, j)) + "</th>";
  t += "<th class=\"num\">rows</th></tr>";
  for (std::size_t i = 0; i < a.confusion.size(); ++i) {
    int64_t total = 0;
    for (int64_t c : a.confusion[i]) total += c;
    t += "<tr><th>" + esc(class_name(a, i)) + "</th>";
    for (std::size_t j = 0; j < a.confusion[i].size(); ++j) {
      const int64_t c = a.confusion[i][j];
      const double share = total > 0 ? static_cast<double>(c) / static_cast<double>(total) : 0;
      // Only numbers go into the style attribute.
      const std::string colour = i == j ? "46,125,50" : "198,40,40";
      t += fmt::format("<td class=\"count\" style=\"background:rgba({},{:.3f})\" title=\"", colour, 0.8 * share) +
           esc("true " + class_name(a, i) + ", predicted " + class_name(a, j) + ": " + std::to_string(c) + " (" +
               percent(share) + " of the row)") +
           "\">" + esc(group_digits(static_cast<uint64_t>(std::max<int64_t>(0, c)))) + "</td>";
    }
    t += "<td class=\"count muted\">" + esc(group_digits(static_cast<uint64_t>(std::max<int64_t>(0, total)))) +
         "</td></tr>";
  }
  t += "</table>";
  std::string body = paragraph(
      esc("On the " + a.split + " split; each cell is shaded by its share of the row (green: right, red: wrong)."));
  body += "<div style=\"overflow-x:auto\">" + t + "</div>";
  if (!a.per_class.empty()) {
    HtmlTable pc({{"class"}, {"precision", "num"}, {"recall", "num"}, {"F1", "num"}, {"support", "num"}});
    for (const ClassMetrics& m : a.per_class) {
      pc.row({{esc(class_name(a, m.cls))},
              {num(m.precision), "num"},
              {num(m.recall), "num"},
              {num(m.f1), "num"},
              {esc(group_digits(static_cast<uint64_t>(std::max<int64_t>(0, m.support)))), "num"}});
    }
    body += "<h3 class=\"sub\">Per class</h3>" + pc.done();
  }
  page.add("confusion", "Confusion matrix", body);
}

void calibration(Page& page, const ErrorAnalysis& a) {
  const Calibration& c = a.calibration;
  if (c.bins.empty()) return;
  Series diagonal{"perfect calibration", {{0, 0, ""}, {1, 1, ""}}, "#8c959f", true, false};
  Series model{"model", {}, "#4c78a8", false, true};
  std::vector<double> counts;
  for (const ReliabilityBin& b : c.bins) {
    counts.push_back(static_cast<double>(b.count));
    if (b.count == 0) continue;
    model.points.push_back(
        {b.mean_confidence, b.accuracy,
         fmt::format("[{}, {}): {} rows, confidence {}, accuracy {}", format_number(b.lo), format_number(b.hi), b.count,
                     format_number(b.mean_confidence), format_number(b.accuracy))});
  }
  PlotOptions o;
  o.width = 360;
  o.height = 300;
  o.x_label = "confidence";
  o.y_label = "accuracy";
  o.x_min = 0, o.x_max = 1;
  std::string body = paragraph(
      "Rows binned by the predicted class's probability: a calibrated model is right as often as it is confident "
      "(the diagonal). The expected calibration error (ECE) is the row-weighted gap.");
  KeyValues kv;
  kv.add("ECE", "<strong>" + num(c.ece) + "</strong>");
  body += kv.html();
  HistogramOptions h;
  h.width = 360;
  body += "<div><figure>" + svg_lines({diagonal, model}, o) + "<figcaption>reliability</figcaption></figure>" +
          "<figure>" + svg_histogram(counts, c.bins.front().lo, c.bins.back().hi, h) +
          "<figcaption>rows per confidence bin</figcaption></figure></div>";
  page.add("calibration", "Calibration", body);
}

std::string cells_html(const ShownRow& s) {
  std::string out;
  for (const auto& [name, value] : s.cells) {
    out += (out.empty() ? "" : " · ") + ("<span class=\"muted\">" + esc(name) + "</span> " + esc(value));
  }
  return out;
}

// A table of rows worth looking at. `suggested` heads the predicted column
// of label issues; regression has no confidence.
std::string shown_table(const std::vector<ShownRow>& rows, bool regression, bool images, bool label_issues) {
  Row header = {{"row", "num"}};
  if (images) header.push_back({"image"});
  header.push_back({"given"});
  header.push_back({label_issues ? "suggested" : "predicted"});
  if (!regression) header.push_back({label_issues ? "p(suggested)" : "confidence", "num"});
  header.push_back({label_issues ? "−log p(given)" : regression ? "squared error" : "log loss", "num"});
  bool any_cells = false;
  for (const ShownRow& s : rows) any_cells = any_cells || !s.cells.empty();
  if (any_cells) header.push_back({"values"});
  HtmlTable t(header);
  for (const ShownRow& s : rows) {
    Row cells = {{std::to_string(s.row), "num"}};
    if (images) {
      const std::string image = html_image(s.image_png, "row " + std::to_string(s.row), "pixels", 3);
      cells.push_back({image.empty() ? "<span class=\"muted\">no image</span>" : image});
    }
    cells.push_back({esc(s.given)});
    cells.push_back({esc(s.predicted)});
    if (!regression) cells.push_back({num(s.confidence), "num"});
    cells.push_back({num(s.loss), "num"});
    if (any_cells) cells.push_back({cells_html(s), "cells"});
    t.row(cells);
  }
  return t.done();
}

/// How many rows hold half of the summed loss: where it is a handful, the
/// split's metric rests on them.
std::string concentration_text(const LossConcentration& c, bool regression) {
  if (c.rows == 0) return "";
  std::string s = fmt::format(" Half of the {} ({:.0f}%) sits in {} of {} rows",
                              regression ? "squared error" : "log loss", 100 * c.share, c.half_rows, c.rows);
  if (regression) s += fmt::format("; the rmse of the other rows is {}", num(std::sqrt(c.rest_mean)));
  return s + ".";
}

void shown_rows(Page& page, const RecipeResult& r) {
  const ErrorAnalysis& a = r.analysis;
  const bool regression = r.task == "regression";
  bool images = r.image_data;
  const auto has_images = [](const std::vector<ShownRow>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const ShownRow& s) { return !s.image_png.empty(); });
  };
  const std::string split = esc(a.split);
  if (!a.top_losses.empty()) {
    page.add("top-losses", "Top losses",
             paragraph("The " + split + " rows the winner got most wrong (rows numbered from 0 within the split)." +
                       concentration_text(a.concentration, regression)) +
                 "<div style=\"overflow-x:auto\">" +
                 shown_table(a.top_losses, regression, images || has_images(a.top_losses), false) + "</div>");
  }
  if (!a.confident_mistakes.empty()) {
    page.add("mistakes", "Most confident mistakes",
             paragraph("Wrong predictions made with the highest confidence: often a label error, or a pattern the "
                       "model learnt that does not hold.") +
                 "<div style=\"overflow-x:auto\">" +
                 shown_table(a.confident_mistakes, regression, images || has_images(a.confident_mistakes), false) +
                 "</div>");
  }
  if (!a.worst_slices.empty()) {
    const bool classification = std::any_of(a.worst_slices.begin(), a.worst_slices.end(),
                                            [](const Slice& s) { return std::isfinite(s.error_rate); });
    Row header = {{"feature"}, {"slice"}, {"rows", "num"}, {"mean loss", "num"}};
    if (classification) header.push_back({"error rate", "num"});
    header.push_back({"excess loss", "num"});
    HtmlTable t(header);
    for (const Slice& s : a.worst_slices) {
      Row cells = {
          {esc(s.feature)}, {esc(s.description)}, {esc(group_digits(s.rows)), "num"}, {num(s.mean_loss), "num"}};
      if (classification) cells.push_back({esc(percent(s.error_rate)), "num"});
      cells.push_back({signed_num(s.excess), "num"});
      t.row(cells);
    }
    page.add("slices", "Worst slices",
             paragraph("Where the winner does worst, one feature at a time: the mean loss of the slice's " + split +
                       " rows above the mean over all of them.") +
                 t.done());
  }
  if (!a.importance.empty()) {
    HtmlTable t({{"feature"}, {"test " + r.metric + " lost", "num"}, {"spread", "num"}});
    for (const FeatureImportance& f : a.importance) {
      t.row({{esc(f.column)}, {signed_num(f.drop), "num"}, {num(f.spread), "num"}});
    }
    page.add("importance", "What the winner leans on",
             paragraph(esc(fmt::format(
                 "The test {} the saved model loses when one column's cells are shuffled across the {} rows "
                 "(permutation importance; mean of {} shuffles, spread their standard deviation). Near zero: the "
                 "model does not use the column, or a correlated column carries the same signal.{}",
                 r.metric, group_digits(a.importance_rows), a.importance_repeats,
                 a.importance_note.empty() ? std::string() : " Measured: " + a.importance_note + "."))) +
                 "<div style=\"overflow-x:auto\">" + t.done() + "</div>");
  } else if (!a.importance_note.empty()) {
    page.add("importance", "What the winner leans on", paragraph(esc("Feature importance " + a.importance_note + ".")));
  }
  if (a.label_issue_count > 0 || !a.label_issues.empty()) {
    std::string shown_text;
    if (!a.label_issues.empty()) {
      shown_text = a.label_issues.size() < a.label_issue_count
                       ? fmt::format(" The {} most disputed:", a.label_issues.size())
                       : std::string(" Each of them:");
    }
    std::string body = paragraph(esc(fmt::format(
        "{} of {} training rows look mislabelled (confident learning on out-of-fold predictions: another class is "
        "predicted above its typical confidence; rows numbered from 0 within the training split).{}",
        group_digits(a.label_issue_count), group_digits(a.label_issue_rows), shown_text)));
    if (!a.label_issues.empty()) {
      body += "<div style=\"overflow-x:auto\">" +
              shown_table(a.label_issues, regression, images || has_images(a.label_issues), true) + "</div>";
    }
    page.add("label-issues", "Possible label errors", body);
  } else if (a.label_issue_rows > 0) {
    page.add("label-issues", "Possible label errors",
             paragraph(esc(fmt::format("None found among {} training rows (confident learning on out-of-fold "
                                       "predictions).",
                                       group_digits(a.label_issue_rows)))));
  }
}

}  // namespace

std::string render_recipe_html(const RecipeOptions& options, const RecipeResult& r) {
  Page page;
  overview(page, options, r);
  stages(page, r);
  leaderboard(page, r);
  findings(page, r.findings);
  data_summary(page, r);
  dropped(page, r);
  lr_range(page, r.lr_range);
  learning_curve(page, r);
  stage_details(page, r);
  confusion(page, r.analysis);
  calibration(page, r.analysis);
  shown_rows(page, r);
  if (!r.final_config_yaml.empty()) {
    page.add("config", "Final configuration",
             paragraph("The winning network's configuration: <code>nnrecipe train</code> with it reproduces the "
                       "network.") +
                 "<pre>" + esc(r.final_config_yaml) + "</pre>");
  }
  const std::string subtitle = options.config_source;
  const std::string header = "<header class=\"top\"><h1>nnrecipe run</h1><div class=\"subtitle\">" + esc(subtitle) +
                             "</div><nav>" + page.nav + "</nav></header>\n";
  return html_document("nnrecipe run" + (subtitle.empty() ? "" : " — " + subtitle),
                       header + "<main>\n" + page.body + "</main>");
}

}  // namespace nnrecipe
