// svg_plot: scatter plots and curves as inline SVG (html_report.h), for the
// tune report's metric-vs-hyperparameter plots and best-so-far curve, and
// multi-series line plots (svg_lines) for loss curves.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/html_report.h"

namespace nnrecipe {

namespace {

/// The frame both plots draw: axes, the value range at the ends of each
/// axis, the axis labels; and the mapping of data to pixels. Ranges are in
/// plotted units (log10 of x on a log axis); the y range gets 5% padding.
struct PlotFrame {
  const PlotOptions& o;
  double left = 56, right = 12, top, bottom = 40;
  double w, h, x0, x1, y0, y1, pad;

  PlotFrame(const PlotOptions& options, double top_margin, double xa, double xb, double ya, double yb)
      : o(options),
        top(top_margin),
        w(o.width - left - right),
        h(o.height - top - bottom),
        x0(xa),
        x1(xb),
        y0(ya),
        y1(yb) {
    if (x1 <= x0) x0 -= 0.5, x1 += 0.5;
    if (y1 <= y0) y0 -= 0.5 * std::max(1e-9, std::abs(y0)), y1 += 0.5 * std::max(1e-9, std::abs(y1));
    pad = 0.05 * (y1 - y0);
    y0 -= pad, y1 += pad;
  }
  double tx(double x) const { return o.log_x && x > 0 ? std::log10(x) : x; }
  double px(double x) const { return left + (tx(x) - x0) / (x1 - x0) * w; }
  double py(double y) const { return top + (1 - (y - y0) / (y1 - y0)) * h; }
  void text(std::string& svg, double x, double y, const std::string& anchor, const std::string& s) const {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"{}\" fill=\"#555\">{}</text>", x,
                       y, anchor, html_escape(s));
  }
  /// The opening <svg>, axes and labels; with `numeric_x` the x range too.
  std::string open(bool numeric_x) const {
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
        "class=\"plot\" role=\"img\">",
        o.width, o.height);
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#999\"/>", left, top + h, left + w);
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999\"/>", left, top, top + h);
    text(svg, left - 4, top + 10, "end", format_number(y1 - pad));
    text(svg, left - 4, top + h, "end", format_number(y0 + pad));
    if (numeric_x) {
      const auto unt = [&](double v) { return o.log_x ? std::pow(10.0, v) : v; };
      text(svg, left, top + h + 14, "start", format_number(unt(x0)));
      text(svg, left + w, top + h + 14, "end", format_number(unt(x1)));
    }
    text(svg, left + w / 2, o.height - 4, "middle", o.x_label + (o.log_x ? " (log scale)" : ""));
    svg += fmt::format(
        "<text x=\"12\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\" "
        "transform=\"rotate(-90 12 {:.1f})\">{}</text>",
        top + h / 2, top + h / 2, html_escape(o.y_label));
    return svg;
  }
};

}  // namespace

std::string svg_plot(const std::vector<PlotPoint>& points, const PlotOptions& o) {
  const bool categories = !o.x_categories.empty();
  const auto tx = [&](double x) { return o.log_x && x > 0 ? std::log10(x) : x; };
  std::vector<const PlotPoint*> shown;
  for (const PlotPoint& p : points) {
    if (std::isfinite(p.y) && std::isfinite(tx(p.x)) && (!o.log_x || p.x > 0 || categories)) shown.push_back(&p);
  }
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const PlotPoint* p : shown) {
    x0 = std::min(x0, tx(p->x)), x1 = std::max(x1, tx(p->x));
    y0 = std::min(y0, p->y), y1 = std::max(y1, p->y);
  }
  if (categories) x0 = -0.5, x1 = static_cast<double>(o.x_categories.size()) - 0.5;
  if (!categories && std::isfinite(tx(o.x_min)) && std::isfinite(tx(o.x_max)) && o.x_max > o.x_min) {
    x0 = std::min(x0, tx(o.x_min)), x1 = std::max(x1, tx(o.x_max));
  }
  if (shown.empty()) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  const PlotFrame f(o, 10, x0, x1, y0, y1);
  const auto px = [&](double x) { return f.px(x); };
  const auto py = [&](double y) { return f.py(y); };
  std::string svg = f.open(!categories);
  if (categories) {
    for (std::size_t i = 0; i < o.x_categories.size(); ++i) {
      std::string name = o.x_categories[i];
      if (name.size() > 14) name = name.substr(0, 13) + "…";
      f.text(svg, px(static_cast<double>(i)), f.top + f.h + 14, "middle", name);
    }
  }
  if (o.line && shown.size() > 1) {
    std::string path;
    for (const PlotPoint* p : shown)
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", px(p->x), py(p->y));
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", path, html_escape(o.colour));
  }
  for (const PlotPoint* p : shown) {
    if (p->highlight) continue;
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" fill-opacity=\"0.7\"><title>{}</title></circle>",
        px(p->x), py(p->y), html_escape(o.colour), html_escape(p->label));
  }
  for (const PlotPoint* p : shown) {  // highlighted points on top
    if (!p->highlight) continue;
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"#e45756\" stroke=\"#fff\"><title>{}</title></circle>",
        px(p->x), py(p->y), html_escape(p->label));
  }
  return svg + "</svg>";
}

std::string svg_lines(const std::vector<Series>& series, const PlotOptions& o) {
  static const char* const palette[] = {"#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#9d755d"};
  const auto tx = [&](double x) { return o.log_x && x > 0 ? std::log10(x) : x; };
  const auto drawn = [&](const PlotPoint& p) {
    return std::isfinite(p.y) && std::isfinite(p.x) && (!o.log_x || p.x > 0);
  };
  std::vector<std::string> colours;
  std::size_t next_colour = 0, named = 0;
  for (const Series& s : series) {
    colours.push_back(s.colour.empty() ? palette[next_colour++ % (sizeof palette / sizeof palette[0])] : s.colour);
    named += !s.name.empty();
  }
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series& s : series) {
    for (const PlotPoint& p : s.points) {
      if (!drawn(p)) continue;
      x0 = std::min(x0, tx(p.x)), x1 = std::max(x1, tx(p.x));
      y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
  }
  const bool any = std::isfinite(x0);
  if (std::isfinite(o.x_min) && std::isfinite(o.x_max) && o.x_max > o.x_min && (!o.log_x || o.x_min > 0)) {
    x0 = std::min(x0, tx(o.x_min)), x1 = std::max(x1, tx(o.x_max));
  }
  if (!std::isfinite(x0) || !std::isfinite(x1)) x0 = 0, x1 = 1;
  if (!any) y0 = 0, y1 = 1;
  const PlotFrame f(o, named > 0 ? 28 : 10, x0, x1, y0, y1);  // room above for the legend
  const auto px = [&](double x) { return f.px(x); };
  const auto py = [&](double y) { return f.py(y); };
  const double left = f.left;
  std::string svg = f.open(true);

  // The legend: a short stroke and the name, left to right above the plot.
  double legend_x = left;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    if (s.name.empty()) continue;
    std::string name = s.name;
    if (name.size() > 28) name = name.substr(0, 27) + "…";
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"11\" x2=\"{:.1f}\" y2=\"11\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                       legend_x, legend_x + 16, html_escape(colours[k]), s.dashed ? " stroke-dasharray=\"5 4\"" : "");
    svg += fmt::format("<text x=\"{:.1f}\" y=\"15\" font-size=\"11\" fill=\"#555\"><title>{}</title>{}</text>",
                       legend_x + 20, html_escape(s.name), html_escape(name));
    legend_x += 30 + 6.2 * static_cast<double>(name.size());
  }

  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    std::string path;
    bool pen_down = false;
    for (const PlotPoint& p : s.points) {
      if (!drawn(p)) {
        pen_down = false;  // a gap in the curve
        continue;
      }
      path += fmt::format("{}{:.1f},{:.1f}", pen_down ? " L" : (path.empty() ? "M" : " M"), px(p.x), py(p.y));
      pen_down = true;
    }
    if (!path.empty()) {
      svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>", path,
                         html_escape(colours[k]), s.dashed ? "1" : "2", s.dashed ? " stroke-dasharray=\"5 4\"" : "");
    }
    if (!s.markers) continue;
    for (const PlotPoint& p : s.points) {
      if (!drawn(p) || p.highlight) continue;
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>", px(p.x),
                         py(p.y), html_escape(colours[k]), html_escape(p.label));
    }
  }
  for (const Series& s : series) {  // highlighted points on top
    for (const PlotPoint& p : s.points) {
      if (!drawn(p) || !p.highlight) continue;
      svg += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"#e45756\" stroke=\"#fff\"><title>{}</title></circle>",
          px(p.x), py(p.y), html_escape(p.label));
    }
  }
  return svg + "</svg>";
}

}  // namespace nnrecipe
