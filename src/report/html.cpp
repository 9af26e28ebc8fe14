// Building blocks of the HTML reports: escaping, inline-SVG charts, and the
// page wrapper with its Content-Security-Policy and style sheet.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nnrecipe/html_report.h"

namespace nnrecipe {
namespace {

const char* const replacement_char = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one
// (truncated, overlong, a surrogate, or beyond U+10FFFF).
std::size_t utf8_sequence(const std::string& s, std::size_t i, uint32_t& code) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  if (c < 0x80) {
    code = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2, code = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, code = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, code = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  const uint32_t min_code[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < min_code[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

// At most `max_chars` code points of valid UTF-8 text, with "…" when cut.
std::string clip(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    uint32_t code = 0;
    const std::size_t n = std::max<std::size_t>(1, utf8_sequence(text, i, code));
    if (++chars > max_chars) return text.substr(0, i) + "\xE2\x80\xA6";
    i += n;
  }
  return text;
}

std::string px(double v) { return fmt::format("{:.1f}", v); }

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

// The whole style sheet: reports are read on screen and printed, never themed.
const char* const style_sheet = R"css(
:root { --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --panel: #f6f8fa; --accent: #3b6ea5; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { padding: 18px 32px 10px; background: var(--panel); border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 2px; font-size: 22px; font-weight: 600; }
header.top .subtitle { color: var(--muted); word-break: break-all; }
nav { margin-top: 8px; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; font-size: 13px; }
main { max-width: 1180px; margin: 0 auto; padding: 4px 32px 48px; }
section { margin-top: 30px; }
h2 { font-size: 18px; font-weight: 600; margin: 0 0 10px; padding-bottom: 4px;
     border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; font-weight: 600; margin: 0 0 6px; word-break: break-word; }
h4 { font-size: 13px; font-weight: 600; margin: 10px 0 2px; color: var(--muted); }
p { margin: 6px 0; }
table { border-collapse: collapse; }
table.data th, table.data td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left;
                               vertical-align: top; }
table.data th { font-weight: 600; background: var(--panel); }
table.data tr:nth-child(even) td { background: #fbfcfd; }
table.data .num, table.kv .num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { text-align: left; color: var(--muted); font-weight: 500; padding: 1px 14px 1px 0;
              vertical-align: top; white-space: nowrap; }
table.kv td { padding: 1px 0; word-break: break-word; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 11px; font-weight: 700;
         line-height: 18px; color: #fff; text-transform: uppercase; letter-spacing: .04em;
         background: #57606a; }
.badge.error, .badge.fail { background: #c62828; }
.badge.warn { background: #b26a00; }
.badge.pass { background: #2e7d32; }
.badge.role { background: #3b6ea5; }
.badge.type { background: #e8ecf0; color: var(--fg); }
.verdict { padding: 10px 14px; margin: 6px 0 14px; border-left: 6px solid #57606a; border-radius: 4px;
           font-size: 15px; }
.verdict.pass { border-color: #2e7d32; background: #edf7ee; }
.verdict.warn { border-color: #b26a00; background: #fff6e5; }
.verdict.fail { border-color: #c62828; background: #fdecec; }
.finding { padding: 8px 12px; margin: 8px 0; border: 1px solid var(--line); border-left: 4px solid #57606a;
           border-radius: 4px; }
.finding.error { border-left-color: #c62828; }
.finding.warn { border-left-color: #b26a00; }
.finding .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.finding .message { margin: 4px 0; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 4px 0; padding: 6px 8px; background: var(--panel); border-radius: 4px; white-space: pre-wrap;
      word-break: break-all; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px;
        align-items: start; }
.card { padding: 12px 14px; border: 1px solid var(--line); border-radius: 6px; min-width: 0; }
.card .meta { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 6px 0; }
svg.chart text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--fg); }
svg.chart text.axis { fill: var(--muted); }
svg.chart line { stroke: #8c959f; stroke-width: 1; }
svg.chart line.reference { stroke: #1f2328; stroke-dasharray: 4 3; opacity: .55; }
img.pixels { image-rendering: pixelated; max-width: 100%; height: auto; border: 1px solid var(--line); }
table.sheet td, table.sheet th { vertical-align: middle; }
figure { display: inline-block; margin: 0 18px 8px 0; vertical-align: top; }
figcaption { color: var(--muted); font-size: 12px; }
@media print { nav { display: none; } .card, .finding { break-inside: avoid; } }
table.data tr.winner td { background: #edf7ee; }
table.data td.cells { font-size: 12px; max-width: 560px; word-break: break-word; }
table.confusion td.count { text-align: right; font-variant-numeric: tabular-nums; min-width: 48px; }
.headline { font-size: 17px; font-weight: 600; margin: 14px 0 6px; }
.winner-line { margin: 6px 0; }
svg.plot { max-width: 100%; height: auto; }
h3.sub { margin-top: 18px; }
)css";

// Bytes 16..23 of a PNG are IHDR's width and height; 32 base64 characters
// decode to its first 24 bytes. Returns false for anything unexpected.
bool png_size(const std::string& uri, uint32_t& width, uint32_t& height) {
  const std::string prefix = "data:image/png;base64,";
  if (uri.size() < prefix.size() + 32) return false;
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = prefix.size(); i < prefix.size() + 32; ++i) {
    const char c = uri[i];
    int v = -1;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bytes.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0 || bytes.compare(12, 4, "IHDR") != 0) return false;
  const auto be32 = [&](std::size_t at) {
    uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(bytes[at + k]);
    return v;
  };
  width = be32(16);
  height = be32(20);
  return width > 0 && height > 0;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    uint32_t code = 0;
    const std::size_t n = utf8_sequence(text, i, code);
    if (n == 0) {  // invalid byte: replace it alone and resynchronise on the next
      out += replacement_char;
      ++i;
      continue;
    }
    // Control characters: NUL and most C0/C1 codes are parse errors in HTML.
    const bool control = (code < 0x20 && code != '\t' && code != '\n') || (code >= 0x7F && code <= 0x9F);
    if (control) {
      out += replacement_char;
    } else if (n > 1) {
      out.append(text, i, n);
    } else {
      switch (text[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += text[i];
      }
    }
    i += n;
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";  // also for -0
  return fmt::format("{:.4g}", value);
}

bool is_png_data_uri(const std::string& uri) {
  const std::string prefix = "data:image/png;base64,";
  if (uri.compare(0, prefix.size(), prefix) != 0 || uri.size() == prefix.size()) return false;
  std::size_t padding = 0;
  for (std::size_t i = prefix.size(); i < uri.size(); ++i) {
    const char c = uri[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    const bool base64 =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!base64 || padding > 0) return false;  // '=' only at the end
  }
  return padding <= 2 && (uri.size() - prefix.size()) % 4 == 0;
}

std::string html_image(const std::string& uri, const std::string& alt, const std::string& css_class, double scale) {
  if (!is_png_data_uri(uri)) return "";
  std::string size;
  uint32_t w = 0, h = 0;
  if (scale > 0 && png_size(uri, w, h)) {
    size = fmt::format(" width=\"{}\" height=\"{}\"", std::lround(w * scale), std::lround(h * scale));
  }
  const std::string cls = css_class.empty() ? "" : " class=\"" + html_escape(css_class) + "\"";
  return "<img src=\"" + uri + "\" alt=\"" + html_escape(alt) + "\"" + cls + size + ">";
}

std::string svg_bar_chart(const std::vector<Bar>& bars, const BarChartOptions& options) {
  if (bars.empty()) return "<p class=\"muted\">Nothing to show.</p>";
  double max_value = options.max_value;
  if (!finite_positive(max_value)) {
    max_value = 0;
    for (const Bar& b : bars) {
      if (std::isfinite(b.value)) max_value = std::max(max_value, b.value);
    }
  }
  const double row = options.bar_height + 6;
  const double height = bars.size() * row + 6;
  const double bar_space = std::max(20.0, options.width - options.label_width - options.text_width);
  // Roughly 6.2 px per character at 11 px; the tooltip keeps the whole label.
  const auto label_chars = static_cast<std::size_t>(std::max(4.0, (options.label_width - 10) / 6.2));
  std::string svg = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\">",
      px(options.width), px(height));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = 3 + i * row;
    const double mid = y + options.bar_height / 2 + 4;  // text baseline, centred on the bar
    const double len = finite_positive(b.value) && max_value > 0 ? std::min(1.0, b.value / max_value) * bar_space : 0;
    svg += "<g><title>" + html_escape(b.text.empty() ? b.label : b.label + ": " + b.text) + "</title>";
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", px(options.label_width - 8), px(mid),
                       html_escape(clip(b.label, label_chars)));
    if (len > 0) {
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\"/>",
                         px(options.label_width), px(y), px(std::max(1.0, len)), px(options.bar_height),
                         html_escape(options.colour));
    }
    if (!b.text.empty()) {
      svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", px(options.label_width + len + 5), px(mid),
                         html_escape(b.text));
    }
    svg += "</g>";
  }
  svg += fmt::format("<line x1=\"{0}\" y1=\"0\" x2=\"{0}\" y2=\"{1}\"/>", px(options.label_width), px(height));
  if (std::isfinite(options.reference) && options.reference > 0 && max_value > 0) {
    const double x = options.label_width + std::min(1.0, options.reference / max_value) * bar_space;
    svg += fmt::format("<line class=\"reference\" x1=\"{0}\" y1=\"0\" x2=\"{0}\" y2=\"{1}\"><title>{2}</title></line>",
                       px(x), px(height), html_escape(format_number(options.reference)));
  }
  return svg + "</svg>";
}

std::string svg_histogram(const std::vector<double>& counts, double lo, double hi, const HistogramOptions& options) {
  if (counts.empty()) return "<p class=\"muted\">No histogram.</p>";
  double top = 0;
  for (double c : counts) {
    if (std::isfinite(c)) top = std::max(top, c);
  }
  const double left = 48, bottom = 18, plot_w = std::max(20.0, options.width - left - 8);
  const double plot_h = std::max(20.0, options.height - bottom - 6);
  const double bin_w = plot_w / counts.size();
  const double bin_span = (hi - lo) / counts.size();  // the last bin is closed: it holds hi
  std::string svg = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\">",
      px(options.width), px(options.height));
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (!finite_positive(counts[i]) || top <= 0) continue;
    const double h = std::max(1.0, counts[i] / top * plot_h);
    const double a = lo + i * bin_span, b = lo + (i + 1) * bin_span;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                       px(left + i * bin_w + 0.5), px(6 + plot_h - h), px(std::max(0.5, bin_w - 1)), px(h),
                       html_escape(options.colour),
                       html_escape("[" + format_number(a) + ", " + format_number(b) +
                                   (i + 1 == counts.size() ? "]" : ")") + ": " + format_number(counts[i])));
  }
  const double axis_y = 6 + plot_h;
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", px(left), px(axis_y), px(left + plot_w));
  svg += fmt::format("<line x1=\"{0}\" y1=\"6\" x2=\"{0}\" y2=\"{1}\"/>", px(left), px(axis_y));
  svg += fmt::format("<text class=\"axis\" x=\"{}\" y=\"14\" text-anchor=\"end\">{}</text>", px(left - 4),
                     html_escape(format_number(top)));
  svg += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>", px(left - 4), px(axis_y));
  svg += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\">{}</text>", px(left), px(axis_y + 14),
                     html_escape(format_number(lo)));
  svg += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", px(left + plot_w),
                     px(axis_y + 14), html_escape(format_number(hi)));
  return svg + "</svg>";
}

std::string html_section(const std::string& id, const std::string& heading, const std::string& body_html) {
  return "<section id=\"" + html_escape(id) + "\">\n<h2>" + html_escape(heading) + "</h2>\n" + body_html +
         "\n</section>\n";
}

std::string html_document(const std::string& title, const std::string& body_html) {
  // The policy is defence in depth behind escaping: even markup that slipped
  // through could neither run script nor fetch anything.
  return std::string(
             "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
             "style-src 'unsafe-inline'\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>") +
         html_escape(title) + "</title>\n<style>" + style_sheet + "</style>\n</head>\n<body>\n" + body_html +
         "\n</body>\n</html>\n";
}

}  // namespace nnrecipe
