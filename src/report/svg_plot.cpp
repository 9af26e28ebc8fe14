// svg_plot: scatter plots and curves as inline SVG (html_report.h), for the
// tune report's metric-vs-hyperparameter plots and best-so-far curve.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nnrecipe/html_report.h"

namespace nnrecipe {

std::string svg_plot(const std::vector<PlotPoint>& points, const PlotOptions& o) {
  const double left = 56, right = 12, top = 10, bottom = 40;
  const double w = o.width - left - right, h = o.height - top - bottom;
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
  if (x1 <= x0) x0 -= 0.5, x1 += 0.5;
  if (y1 <= y0) y0 -= 0.5 * std::max(1e-9, std::abs(y0)), y1 += 0.5 * std::max(1e-9, std::abs(y1));
  const double pad = 0.05 * (y1 - y0);
  y0 -= pad, y1 += pad;
  const auto px = [&](double x) { return left + (tx(x) - x0) / (x1 - x0) * w; };
  const auto py = [&](double y) { return top + (1 - (y - y0) / (y1 - y0)) * h; };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "class=\"plot\" role=\"img\">",
      o.width, o.height);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#999\"/>", left, top + h, left + w);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999\"/>", left, top, top + h);
  const auto text = [&](double x, double y, const std::string& anchor, const std::string& s) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"{}\" fill=\"#555\">{}</text>", x,
                       y, anchor, html_escape(s));
  };
  text(left - 4, top + 10, "end", format_number(y1 - pad));
  text(left - 4, top + h, "end", format_number(y0 + pad));
  if (categories) {
    for (std::size_t i = 0; i < o.x_categories.size(); ++i) {
      std::string name = o.x_categories[i];
      if (name.size() > 14) name = name.substr(0, 13) + "…";
      text(px(static_cast<double>(i)), top + h + 14, "middle", name);
    }
  } else {
    const auto unt = [&](double v) { return o.log_x ? std::pow(10.0, v) : v; };
    text(left, top + h + 14, "start", format_number(unt(x0)));
    text(left + w, top + h + 14, "end", format_number(unt(x1)));
  }
  text(left + w / 2, o.height - 4, "middle", o.x_label + (o.log_x ? " (log scale)" : ""));
  svg += fmt::format("<text x=\"12\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\" "
                     "transform=\"rotate(-90 12 {:.1f})\">{}</text>",
                     top + h / 2, top + h / 2, html_escape(o.y_label));
  if (o.line && shown.size() > 1) {
    std::string path;
    for (const PlotPoint* p : shown) path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", px(p->x), py(p->y));
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", path, html_escape(o.colour));
  }
  for (const PlotPoint* p : shown) {
    if (p->highlight) continue;
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" fill-opacity=\"0.7\"><title>{}</title></circle>",
                       px(p->x), py(p->y), html_escape(o.colour), html_escape(p->label));
  }
  for (const PlotPoint* p : shown) {  // highlighted points on top
    if (!p->highlight) continue;
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"#e45756\" stroke=\"#fff\"><title>{}</title></circle>",
                       px(p->x), py(p->y), html_escape(p->label));
  }
  return svg + "</svg>";
}

}  // namespace nnrecipe
