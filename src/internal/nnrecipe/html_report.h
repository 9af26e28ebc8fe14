#pragma once
// Self-contained HTML reports (docs/recipe.md, "What a run leaves behind"): the
// escaping, inline-SVG charts and page wrapper every report shares, and the
// report of `nnrecipe inspect`.
//
// A report page runs no script and loads nothing: its Content-Security-Policy
// forbids both, images are PNG data: URIs, charts are inline SVG, and every
// string that comes from the data goes through html_escape — column names and
// category values are whatever a CSV file says.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnrecipe {

/// Text safe in HTML content and in quoted attribute values: escapes
/// & < > " ', and replaces what HTML cannot carry (invalid UTF-8, control
/// characters other than tab and newline) with U+FFFD.
std::string html_escape(const std::string& text);

/// A number in at most 4 significant digits ("0.1235", "1.235e+05"); "n/a"
/// for NaN, "inf" / "-inf" for infinities.
std::string format_number(double value);

/// True only for "data:image/png;base64," followed by base64 text: the one
/// kind of image source a report accepts from data.
bool is_png_data_uri(const std::string& uri);

/// An <img> of a PNG data URI, or "" when `uri` is anything else (so data
/// can never point the page at a URL). `alt` is escaped. With `scale` > 0 the
/// image is drawn at that multiple of its size in pixels (read from the PNG).
std::string html_image(const std::string& uri, const std::string& alt, const std::string& css_class = "",
                       double scale = 0);

struct Bar {
  std::string label;  ///< left of the bar; cut when long (the tooltip has it whole)
  double value = 0;   ///< bar length; negative or NaN values draw no bar
  std::string text;   ///< shown right of the bar; "" = none
};

struct BarChartOptions {
  double width = 640;        ///< pixels, labels and value text included
  double label_width = 190;  ///< room for the labels
  double text_width = 90;    ///< room for the value text
  double bar_height = 16;
  double max_value = 0;  ///< value of a full-length bar; 0 = the largest value
  /// A dashed vertical line at this value (chance level, a threshold); NaN = none.
  double reference = std::numeric_limits<double>::quiet_NaN();
  std::string colour = "#4c78a8";
};

/// Horizontal bar chart as inline <svg>, one bar per entry in the given order.
std::string svg_bar_chart(const std::vector<Bar>& bars, const BarChartOptions& options = {});

struct HistogramOptions {
  double width = 440;  ///< pixels
  double height = 110;
  std::string colour = "#4c78a8";
};

/// Histogram as inline <svg>: `counts` of equal-width bins spanning [lo, hi],
/// with lo and hi under the axis and the tallest count beside it.
std::string svg_histogram(const std::vector<double>& counts, double lo, double hi,
                          const HistogramOptions& options = {});

/// A point of a scatter or line plot. `label` is its tooltip (escaped).
struct PlotPoint {
  double x = 0, y = 0;
  std::string label;
  bool highlight = false;  ///< drawn larger, in the highlight colour (the best trial)
};

struct PlotOptions {
  double width = 420, height = 240;  ///< pixels, axes included
  bool log_x = false;                ///< x on a log scale (positive x only)
  std::string x_label, y_label;      ///< escaped
  /// Category names for an x axis of choices (x = 0, 1, ...); empty = numeric.
  std::vector<std::string> x_categories;
  bool line = false;  ///< join the points in order (a curve), else a scatter
  /// The x axis's range (a search space's bounds); NaN = the points' range.
  double x_min = std::numeric_limits<double>::quiet_NaN(), x_max = std::numeric_limits<double>::quiet_NaN();
  std::string colour = "#4c78a8";
};

/// A scatter plot (or a line, with options.line) as inline <svg>, with the
/// axis ranges written at the ends of the axes. NaN points are left out.
std::string svg_plot(const std::vector<PlotPoint>& points, const PlotOptions& options = {});

/// `<section id="ID"><h2>HEADING</h2>BODY</section>`; id and heading are
/// escaped, `body_html` is HTML already.
std::string html_section(const std::string& id, const std::string& heading, const std::string& body_html);

/// A whole page: doctype, UTF-8, the Content-Security-Policy, the shared
/// style sheet, the escaped `title`, and `body_html` (HTML already).
std::string html_document(const std::string& title, const std::string& body_html);

/// The report of `nnrecipe inspect`: the JSON of inspect.h (kind "table") or
/// of an image folder (kind "images"). Keys that are absent or of the wrong
/// type are left out of the page, never an error.
std::string render_inspect_html(const nlohmann::json& inspection);

/// One curve of a line plot (svg_lines).
struct Series {
  std::string name;               ///< legend entry (escaped); "" = not in the legend
  std::vector<PlotPoint> points;  ///< in drawing order; a NaN point breaks the line
  std::string colour;             ///< "" = the next colour of the shared palette
  bool dashed = false;            ///< a reference line (the diagonal, a threshold)
  bool markers = false;           ///< a dot, with its label as tooltip, at every point
};

/// Several curves on shared axes as inline <svg>, in svg_plot's look, with a
/// legend of the named series above the plot; highlighted points (the best
/// epoch, the suggested learning rate) drawn larger, on top. Uses options'
/// size, log_x, labels and x_min/x_max (x_categories, line and colour are
/// ignored). Points that are not finite (or x <= 0 on a log axis) are left out.
std::string svg_lines(const std::vector<Series>& series, const PlotOptions& options = {});

}  // namespace nnrecipe
