// The HTML report of `nnrecipe inspect`: renders the inspection JSON (a table,
// see inspect.h, or an image folder) as one self-contained page. It reads the
// JSON defensively — a key that is absent or of an unexpected type drops that
// part of the page — because the JSON may come from a file a user edited.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnrecipe/html_report.h"

namespace nnrecipe {
namespace {

using nlohmann::json;

// Bars listed at most in the long charts (predictive power, drift).
constexpr std::size_t max_chart_bars = 40;

const json& at(const json& j, const char* key) {
  static const json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

const json& array_at(const json& j, const char* key) {
  static const json empty = json::array();
  const json& v = at(j, key);
  return v.is_array() ? v : empty;
}

std::optional<double> number(const json& v) {
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

std::string compact_json(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string group_digits(const std::string& digits) {
  const std::size_t sign = !digits.empty() && digits[0] == '-';
  std::string out;
  for (std::size_t i = sign; i < digits.size(); ++i) {
    if (i > sign && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (sign ? "-" : "") + out;
}

// Plain text of a JSON value: counts with digit groups, other numbers compact,
// strings as they are, arrays and objects as compact JSON.
std::string plain(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return group_digits(std::to_string(v.get<uint64_t>()));
  if (v.is_number_integer()) return group_digits(std::to_string(v.get<int64_t>()));
  if (v.is_number()) return format_number(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_null()) return "";
  return compact_json(v);
}

std::string text(const json& v) { return html_escape(plain(v)); }

// Row numbers stay ungrouped: users type them back (`--show rows:N,M`), and
// in a list "1,231" would read as two rows.
std::string row_number(const json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return plain(v);
}

std::string percent(double share) {
  if (!std::isfinite(share)) return "n/a";
  if (share > 0 && share < 0.001) return "<0.1%";
  return fmt::format("{:.1f}%", share * 100);
}

// Counts in the JSON are integers; a double (or nothing) is tolerated.
double count_of(const json& v) { return number(v).value_or(0); }

std::string count_text(double c) {
  if (c == std::floor(c) && std::fabs(c) < 1e15) return group_digits(fmt::format("{:.0f}", c));
  return format_number(c);
}

// A CSS class from data only when it is one we style; anything else is text.
std::string level_class(const std::string& s) {
  for (const char* known : {"error", "warn", "info", "pass", "fail"}) {
    if (s == known) return s;
  }
  return "info";
}

int severity_rank(const json& finding) {
  const std::string s = at(finding, "severity").is_string() ? at(finding, "severity").get<std::string>() : "";
  return s == "error" ? 0 : s == "warn" ? 1 : 2;
}

struct KeyValues {
  std::string rows;
  void add(const std::string& key, const std::string& value_html) {
    if (!value_html.empty()) rows += "<tr><th>" + html_escape(key) + "</th><td>" + value_html + "</td></tr>";
  }
  std::string html() const { return rows.empty() ? "" : "<table class=\"kv\">" + rows + "</table>"; }
};

std::string paragraph(const std::string& html, const char* css = "muted") {
  return "<p class=\"" + std::string(css) + "\">" + html + "</p>";
}

std::string verdict_box(const json& j) {
  const std::string verdict = plain(at(j, "verdict"));
  if (verdict.empty() && !at(j, "verdict_text").is_string()) return "";
  const std::string cls = level_class(verdict);
  return "<div class=\"verdict " + cls + "\"><span class=\"badge " + cls + "\">" +
         html_escape(verdict.empty() ? "?" : verdict) + "</span> " + text(at(j, "verdict_text")) + "</div>";
}

std::string findings_tally(const json& j) {
  std::size_t counts[3] = {0, 0, 0};
  for (const json& f : array_at(j, "findings")) ++counts[severity_rank(f)];
  if (counts[0] + counts[1] + counts[2] == 0) return "none";
  return fmt::format("{} error{}, {} warning{}, {} info", counts[0], counts[0] == 1 ? "" : "s", counts[1],
                     counts[1] == 1 ? "" : "s", counts[2]);
}

std::string seconds_text(const json& j) {
  const auto s = number(at(j, "seconds"));
  return s ? html_escape(format_number(*s) + " s") : "";
}

// ---- shared sections -------------------------------------------------------

std::string evidence_html(const json& evidence) {
  if (evidence.is_null() || (evidence.is_object() && evidence.empty())) return "";
  if (!evidence.is_object()) return "<pre>" + html_escape(compact_json(evidence)) + "</pre>";
  KeyValues kv;
  for (auto it = evidence.begin(); it != evidence.end(); ++it) {
    // Integers as in the JSON (no digit groups): evidence often names rows.
    const json& v = it.value();
    const std::string shown =
        v.is_structured() ? "<code>" + html_escape(compact_json(v)) + "</code>" : html_escape(row_number(v));
    kv.add(it.key(), shown.empty() ? "null" : shown);
  }
  return kv.html();
}

std::string findings_section(const json& j) {
  // Errors first, the order of the input kept within a severity.
  std::vector<const json*> findings;
  for (const json& f : array_at(j, "findings")) findings.push_back(&f);
  std::stable_sort(findings.begin(), findings.end(),
                   [](const json* a, const json* b) { return severity_rank(*a) < severity_rank(*b); });
  std::string body;
  if (findings.empty()) body += paragraph("No findings: every check passed.");
  for (const json* f : findings) {
    const std::string severity = plain(at(*f, "severity"));
    const std::string cls = level_class(severity);
    body += "<div class=\"finding " + cls + "\"><div class=\"head\"><span class=\"badge " + cls + "\">" +
            html_escape(severity.empty() ? "info" : severity) + "</span><code>" + text(at(*f, "id")) + "</code>";
    if (!plain(at(*f, "stage")).empty()) body += "<span class=\"muted small\">" + text(at(*f, "stage")) + "</span>";
    body += "</div><div class=\"message\">" + text(at(*f, "message")) + "</div>";
    if (!plain(at(*f, "fix")).empty())
      body += "<div class=\"fix\"><strong>Fix:</strong> " + text(at(*f, "fix")) + "</div>";
    const std::string evidence = evidence_html(at(*f, "evidence"));
    if (!evidence.empty()) body += "<h4>Evidence</h4>" + evidence;
    body += "</div>";
  }
  std::string ignored;
  for (const json& id : array_at(j, "ignored"))
    ignored += (ignored.empty() ? "" : ", ") + ("<code>" + text(id) + "</code>");
  if (!ignored.empty()) body += paragraph("Silenced by checks.ignore: " + ignored);
  return html_section("findings", "Findings", body);
}

std::vector<double> numbers_of(const json& array) {
  std::vector<double> out;
  if (!array.is_array()) return out;
  for (const json& v : array) out.push_back(count_of(v));
  return out;
}

// ---- table report ------------------------------------------------------------

std::string table_overview(const json& j) {
  KeyValues kv;
  kv.add("Source", text(at(j, "source")));
  kv.add("Test source", text(at(j, "test_source")));
  const auto rows = number(at(j, "rows")), cols = number(at(j, "cols"));
  if (rows && cols) kv.add("Shape", html_escape(count_text(*rows) + " rows × " + count_text(*cols) + " columns"));
  if (number(at(at(j, "test"), "rows"))) kv.add("Test rows", text(at(at(j, "test"), "rows")));
  kv.add("Target",
         at(j, "target").is_null() ? "<span class=\"muted\">none (profile only)</span>" : text(at(j, "target")));
  kv.add("Task", text(at(j, "task")));
  kv.add("Findings", html_escape(findings_tally(j)));
  kv.add("Time", seconds_text(j));
  return html_section("overview", "Overview", verdict_box(j) + kv.html());
}

const json* target_column(const json& j) {
  const std::string target = plain(at(j, "target"));
  for (const json& c : array_at(j, "columns")) {
    if (plain(at(c, "role")) == "target" || (!target.empty() && plain(at(c, "name")) == target)) return &c;
  }
  return nullptr;
}

std::string histogram_of(const json& numeric, double width) {
  const json& h = at(numeric, "histogram");
  const auto lo = number(at(h, "lo")), hi = number(at(h, "hi"));
  if (!lo || !hi || !at(h, "counts").is_array()) return "";
  HistogramOptions options;
  options.width = width;
  return svg_histogram(numbers_of(at(h, "counts")), *lo, *hi, options);
}

std::string target_section(const json& j) {
  const json& profile = at(j, "target_profile");
  std::string body;
  KeyValues kv;
  kv.add("Column", text(at(j, "target")));
  kv.add("Task", text(at(profile, "task").is_null() ? at(j, "task") : at(profile, "task")));
  body += kv.html();
  if (!array_at(profile, "classes").empty()) {
    std::vector<Bar> bars;
    for (const json& c : array_at(profile, "classes")) {
      const double n = count_of(at(c, "count"));
      const auto share = number(at(c, "share"));
      bars.push_back({plain(at(c, "value")), n, count_text(n) + (share ? " (" + percent(*share) + ")" : "")});
    }
    BarChartOptions options;
    options.text_width = 120;
    body += "<h4>Class counts</h4>" + svg_bar_chart(bars, options);
  } else if (const json* column = target_column(j); column && at(*column, "numeric").is_object()) {
    const json& numeric = at(*column, "numeric");
    body += "<h4>Distribution</h4>" + histogram_of(numeric, 640);
    body += paragraph(html_escape("mean " + plain(at(numeric, "mean")) + ", std " + plain(at(numeric, "std")) +
                                  ", median " + plain(at(numeric, "median"))));
  } else if (at(j, "target").is_null()) {
    body += paragraph("No target column was given: the data was profiled only.");
  }
  return html_section("target", "Target", body);
}

std::string power_section(const json& j) {
  const json& power = at(j, "predictive_power");
  const std::string metric = plain(at(power, "metric"));
  std::string body;
  if (metric == "auc") {
    body += paragraph(
        "AUC of each feature on its own: 0.5 (the dashed line) is chance, 1 separates the classes "
        "perfectly; a feature near 1 may leak the target.");
  } else if (metric == "r2") {
    body += paragraph(
        "R² of each feature on its own: 0 is no better than predicting the mean, 1 is a perfect "
        "fit; a feature near 1 may leak the target.");
  }
  KeyValues kv;
  kv.add("Metric", text(at(power, "metric")));
  kv.add("Method", text(at(power, "method")));
  body += kv.html();
  const json& features = array_at(power, "features");
  std::vector<Bar> bars;
  for (const json& f : features) {
    if (bars.size() == max_chart_bars) break;
    const auto score = number(at(f, "score"));
    bars.push_back({plain(at(f, "column")), score.value_or(0), score ? format_number(*score) : "n/a"});
  }
  BarChartOptions options;
  options.max_value = 1;  // both metrics top out at 1
  options.colour = "#59a14f";
  if (metric == "auc") options.reference = 0.5;
  body += features.empty() ? paragraph("No feature was scored.") : svg_bar_chart(bars, options);
  if (features.size() > max_chart_bars) {
    body += paragraph(html_escape(fmt::format("{} more features not shown.", features.size() - max_chart_bars)));
  }
  return html_section("power", "Predictive power", body);
}

std::string row_values(const json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const json& v : list) {
    if (!out.empty()) out += ", ";
    out += text(at(v, "value")) + " <span class=\"muted\">(row " + html_escape(row_number(at(v, "row"))) + ")</span>";
  }
  return out;
}

std::string numeric_details(const json& numeric) {
  std::string body;
  const json& q = at(numeric, "quantiles");
  const std::pair<const char*, const char*> quantiles[] = {
      {"min", "p0"}, {"p5", "p5"}, {"p25", "p25"}, {"median", "p50"}, {"p75", "p75"}, {"p95", "p95"}, {"max", "p100"}};
  std::string head, cells;
  for (const auto& [label, key] : quantiles) {
    json v = at(q, key);
    if (v.is_null() && std::string(label) == "min") v = at(numeric, "min");
    if (v.is_null() && std::string(label) == "median") v = at(numeric, "median");
    if (v.is_null() && std::string(label) == "max") v = at(numeric, "max");
    head += std::string("<th class=\"num\">") + label + "</th>";
    cells += "<td class=\"num\">" + text(v) + "</td>";
  }
  body += "<table class=\"data small\"><tr>" + head + "</tr><tr>" + cells + "</tr></table>";
  std::string moments;
  for (const char* key : {"mean", "std", "skew", "mad"}) {
    if (number(at(numeric, key)))
      moments += std::string(moments.empty() ? "" : " · ") + key + " " + text(at(numeric, key));
  }
  if (!moments.empty()) body += paragraph(moments, "small");
  body += histogram_of(numeric, 480);
  KeyValues kv;
  kv.add("Lowest", row_values(at(numeric, "lowest")));
  kv.add("Highest", row_values(at(numeric, "highest")));
  if (count_of(at(numeric, "outlier_rows")) > 0) {
    kv.add("Outliers", text(at(numeric, "outlier_rows")) + " rows beyond a robust z-score of 6");
  }
  if (at(numeric, "integer_valued").is_boolean() && at(numeric, "integer_valued").get<bool>()) {
    kv.add("Values", "integers only");
  }
  return body + "<div class=\"small\">" + kv.html() + "</div>";
}

std::string top_values_chart(const json& column, double rows) {
  const json& top = array_at(column, "top_values");
  if (top.empty()) return "";
  std::vector<Bar> bars;
  for (const json& v : top) {
    const double n = count_of(at(v, "count"));
    bars.push_back({plain(at(v, "value")), n, count_text(n) + (rows > 0 ? " (" + percent(n / rows) + ")" : "")});
  }
  BarChartOptions options;
  options.width = 480;
  options.label_width = 150;
  options.text_width = 110;
  options.colour = "#f28e2b";
  return "<h4>Top values</h4>" + svg_bar_chart(bars, options);
}

// "12 (0.2%)", or just the count when nothing is missing.
std::string missing_text(const json& column) {
  const auto share = number(at(column, "missing_share"));
  if (!share || *share <= 0) return text(at(column, "missing"));
  return text(at(column, "missing")) + " (" + html_escape(percent(*share)) + ")";
}

std::string column_card(const json& c, double rows) {
  std::string card = "<div class=\"card\"><h3>" + text(at(c, "name")) + "</h3><div class=\"meta\">";
  if (!plain(at(c, "type")).empty()) card += "<span class=\"badge type\">" + text(at(c, "type")) + "</span>";
  if (plain(at(c, "role")) == "target") card += "<span class=\"badge role\">target</span>";
  std::string facts = "missing " + missing_text(c);
  facts += " · distinct " + text(at(c, "distinct"));
  if (number(at(c, "power"))) facts += " · power " + text(at(c, "power"));
  card += "<span class=\"small muted\">" + facts + "</span></div>";
  if (at(c, "numeric").is_object()) card += numeric_details(at(c, "numeric"));
  card += top_values_chart(c, rows);
  if (count_of(at(c, "numeric_like")) > 0) {
    card += paragraph(text(at(c, "numeric_like")) + " present values parse as numbers.", "small muted");
  }
  return card + "</div>";
}

std::string columns_section(const json& j) {
  const json& columns = array_at(j, "columns");
  const double rows = count_of(at(j, "rows"));
  std::string table =
      "<table class=\"data\"><tr><th>column</th><th>type</th><th class=\"num\">missing</th>"
      "<th class=\"num\">distinct</th><th class=\"num\">power</th></tr>";
  std::string cards;
  for (const json& c : columns) {
    std::string name = text(at(c, "name"));
    if (plain(at(c, "role")) == "target") name += " <span class=\"badge role\">target</span>";
    table += "<tr><td>" + name + "</td><td>" + text(at(c, "type")) + "</td><td class=\"num\">" + missing_text(c) +
             "</td><td class=\"num\">" + text(at(c, "distinct")) + "</td><td class=\"num\">" + text(at(c, "power")) +
             "</td></tr>";
    cards += column_card(c, rows);
  }
  table += "</table>";
  if (columns.empty()) return html_section("columns", "Columns", paragraph("No columns."));
  return html_section("columns", "Columns",
                      table + "<div class=\"grid\" style=\"margin-top:14px\">" + cards + "</div>");
}

std::string correlation_section(const json& j) {
  const json& corr = at(j, "correlation");
  std::string body;
  const auto used = number(at(corr, "rows_used")), total = number(at(corr, "rows_total"));
  const bool sampled =
      at(corr, "sampled").is_boolean() ? at(corr, "sampled").get<bool>() : (used && total && *used < *total);
  if (used && total && sampled) {
    body +=
        paragraph(html_escape("Computed on " + count_text(*used) + " of " + count_text(*total) + " rows (sampled)."));
  } else if (used) {
    body += paragraph(html_escape("Computed on all " + count_text(*used) + " rows."));
  }
  // The column bound, like the row sample, is said rather than hidden.
  const auto columns_used = number(at(corr, "columns_used")), numeric = number(at(corr, "numeric_features"));
  if (columns_used && numeric && *columns_used < *numeric) {
    body += paragraph(html_escape("Only the first " + count_text(*columns_used) + " of " + count_text(*numeric) +
                                  " numeric features were compared (pairs grow with the square of the columns)."));
  }
  const json& pairs = array_at(corr, "pairs");
  if (pairs.empty()) {
    body += paragraph("No pair of numeric features is correlated above 0.95 (Pearson or Spearman).");
  } else {
    body +=
        "<table class=\"data\"><tr><th>column</th><th>column</th><th class=\"num\">Pearson</th>"
        "<th class=\"num\">Spearman</th></tr>";
    for (const json& p : pairs) {
      body += "<tr><td>" + text(at(p, "a")) + "</td><td>" + text(at(p, "b")) + "</td><td class=\"num\">" +
              text(at(p, "pearson")) + "</td><td class=\"num\">" + text(at(p, "spearman")) + "</td></tr>";
    }
    body += "</table>";
  }
  return html_section("correlation", "Correlation", body);
}

std::string drift_section(const json& test) {
  std::string body = paragraph(
      "Train vs test, per feature: Kolmogorov–Smirnov statistic (ks) for numeric columns, Cramér's V for "
      "categorical ones; 0 is the same distribution, 1 entirely different.");
  const json& drift = array_at(test, "drift");
  std::vector<Bar> bars;
  for (const json& d : drift) {
    if (bars.size() == max_chart_bars) break;
    const auto score = number(at(d, "score"));
    const std::string statistic = plain(at(d, "statistic"));
    bars.push_back({plain(at(d, "column")), score.value_or(0),
                    (statistic.empty() ? "" : statistic + " ") + (score ? format_number(*score) : "n/a")});
  }
  BarChartOptions options;
  options.max_value = 1;
  options.text_width = 110;
  options.colour = "#e15759";
  body += drift.empty() ? paragraph("No shared feature to compare.") : svg_bar_chart(bars, options);
  if (drift.size() > max_chart_bars) {
    body += paragraph(html_escape(fmt::format("{} more features not shown.", drift.size() - max_chart_bars)));
  }
  return html_section("drift", "Train vs test drift", body);
}

// ---- image report ------------------------------------------------------------

std::string image_set_text(const json& set) {
  if (!set.is_object()) return "";
  std::string s = text(at(set, "images")) + " images";
  if (number(at(set, "height")) && number(at(set, "width"))) {
    s += ", " + text(at(set, "height")) + " × " + text(at(set, "width")) + " pixels";
  }
  return s;
}

std::string images_overview(const json& j) {
  KeyValues kv;
  kv.add("Directory", text(at(j, "directory")));
  kv.add("Classes", text(at(j, "classes")));
  kv.add("Train", image_set_text(at(j, "train")));
  kv.add("Test", image_set_text(at(j, "test")));
  kv.add("Findings", html_escape(findings_tally(j)));
  kv.add("Time", seconds_text(j));
  return html_section("overview", "Overview", verdict_box(j) + kv.html());
}

std::string class_counts_chart(const json& counts) {
  std::vector<Bar> bars;
  double total = 0;
  for (const json& c : counts) total += count_of(c);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double n = count_of(counts[i]);
    bars.push_back(
        {"class " + std::to_string(i), n, count_text(n) + (total > 0 ? " (" + percent(n / total) + ")" : "")});
  }
  BarChartOptions options;
  options.width = 500;
  options.label_width = 80;
  options.text_width = 120;
  return svg_bar_chart(bars, options);
}

std::string classes_section(const json& j) {
  const json& counts = at(j, "class_counts");
  std::string body;
  for (const char* split : {"train", "test"}) {
    if (!at(counts, split).is_array()) continue;
    body +=
        std::string("<div class=\"card\"><h3>") + split + "</h3>" + class_counts_chart(at(counts, split)) + "</div>";
  }
  if (body.empty()) return html_section("classes", "Classes", paragraph("No class counts."));
  return html_section("classes", "Classes", "<div class=\"grid\">" + body + "</div>");
}

std::string figure(const std::string& image, const std::string& caption_html) {
  if (image.empty()) return "";
  return "<figure>" + image + "<figcaption>" + caption_html + "</figcaption></figure>";
}

std::string pixels_section(const json& j) {
  const json& pixel = at(j, "pixel");
  KeyValues kv;
  kv.add("Mean", text(at(pixel, "mean")));
  kv.add("Std", text(at(pixel, "std")));
  if (pixel.is_object()) {  // further statistics (scale, max pixel std, ...) as they come
    for (auto it = pixel.begin(); it != pixel.end(); ++it) {
      const std::string& key = it.key();
      if (key == "mean" || key == "std" || (key.size() >= 4 && key.compare(key.size() - 4, 4, "_png") == 0)) continue;
      std::string label = key;
      std::replace(label.begin(), label.end(), '_', ' ');
      kv.add(label, it.value().is_structured() ? "<code>" + html_escape(compact_json(it.value())) + "</code>"
                                               : text(it.value()));
    }
  }
  std::string body = kv.html();
  const auto image = [&](const char* key, const char* alt) {
    return html_image(plain(at(pixel, key)), alt, "pixels", 4);
  };
  std::string figures = figure(image("mean_image_png", "mean image"), "mean of every pixel over train") +
                        figure(image("std_image_png", "std image"), "standard deviation of every pixel");
  body += figures.empty() ? paragraph("No pixel images.") : "<div>" + figures + "</div>";
  return html_section("pixels", "Pixel statistics", body);
}

std::string contact_sheet_section(const json& j) {
  const json& sheet = array_at(j, "contact_sheet");
  std::string body;
  for (const json& row : sheet) {
    const std::string image = html_image(plain(at(row, "png")), "class " + plain(at(row, "class")), "pixels", 2);
    std::string rows;
    for (const json& r : array_at(row, "rows")) rows += (rows.empty() ? "" : ", ") + row_number(r);
    body += "<tr><th class=\"num\">" + text(at(row, "class")) + "</th><td>" +
            (image.empty() ? "<span class=\"muted\">no image</span>" : image) + "</td><td class=\"small muted\">" +
            (rows.empty() ? "" : "rows " + html_escape(rows)) + "</td></tr>";
  }
  if (body.empty()) return html_section("contact-sheet", "Examples per class", paragraph("No examples."));
  return html_section(
      "contact-sheet", "Examples per class",
      "<table class=\"data sheet\"><tr><th>class</th><th>examples</th><th>rows</th></tr>" + body + "</table>");
}

std::string duplicates_section(const json& j) {
  const json& dup = at(j, "duplicates");
  KeyValues kv;
  if (dup.is_object()) {
    for (auto it = dup.begin(); it != dup.end(); ++it) {
      const std::string label = it.key() == "within_train" ? "Within train"
                                : it.key() == "train_test" ? "Test images also in train"
                                                           : it.key();
      const json& v = it.value();
      kv.add(label, v.is_structured() ? "<code>" + html_escape(compact_json(v)) + "</code>" : text(v));
    }
  }
  const std::string table = kv.html();
  return html_section("duplicates", "Duplicate images", table.empty() ? paragraph("Not checked.") : table);
}

// ---- page ----------------------------------------------------------------------

std::string page(const std::string& title, const std::string& subtitle, const std::vector<std::string>& sections) {
  std::string nav, body;
  for (const std::string& s : sections) body += s;
  // The navigation lists the sections present; ids are ours, never data.
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{{"overview", "Overview"},
                                                                                 {"findings", "Findings"},
                                                                                 {"target", "Target"},
                                                                                 {"power", "Predictive power"},
                                                                                 {"columns", "Columns"},
                                                                                 {"correlation", "Correlation"},
                                                                                 {"drift", "Drift"},
                                                                                 {"classes", "Classes"},
                                                                                 {"pixels", "Pixels"},
                                                                                 {"contact-sheet", "Examples"},
                                                                                 {"duplicates", "Duplicates"}}) {
    if (body.find("<section id=\"" + id + "\">") != std::string::npos)
      nav += "<a href=\"#" + id + "\">" + name + "</a>";
  }
  const std::string header = "<header class=\"top\"><h1>" + html_escape(title) + "</h1><div class=\"subtitle\">" +
                             html_escape(subtitle) + "</div><nav>" + nav + "</nav></header>\n";
  return html_document(title + (subtitle.empty() ? "" : " — " + subtitle), header + "<main>\n" + body + "</main>");
}

}  // namespace

std::string render_inspect_html(const nlohmann::json& inspection) {
  const json& j = inspection;
  if (plain(at(j, "kind")) == "images") {
    return page("nnrecipe inspect", plain(at(j, "directory")),
                {images_overview(j), findings_section(j), classes_section(j), pixels_section(j),
                 contact_sheet_section(j), duplicates_section(j)});
  }
  std::vector<std::string> sections = {table_overview(j), findings_section(j), target_section(j),
                                       power_section(j),  columns_section(j),  correlation_section(j)};
  if (at(j, "test").is_object()) sections.push_back(drift_section(at(j, "test")));
  return page("nnrecipe inspect", plain(at(j, "source")), sections);
}

}  // namespace nnrecipe
