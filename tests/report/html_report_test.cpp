// The HTML report and its PNG images: escaping of hostile data, every section
// present for both kinds of inspection, tolerance of partial JSON, and PNG /
// base64 output checked by decoding it independently (zlib, chunk CRCs).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnrecipe/html_report.h"
#include "nnrecipe/png.h"

namespace nnrecipe::test {
namespace {

using nlohmann::json;

const std::string script_name = "<script>alert(1)</script>";
const std::string img_value = "\"><img src=x onerror=alert(1)>";

std::string tiny_png_uri() {
  const uint8_t pixels[4] = {0, 85, 170, 255};
  return png_data_uri(pixels, 2, 2);
}

json hostile_finding() {
  return {{"id", "data.constant_column"},
          {"severity", "warn"},
          {"stage", "inspect"},
          {"message", "column " + script_name + " is constant"},
          {"evidence", {{"column", script_name}, {img_value, {1, 2, 3}}}},
          {"fix", "drop " + img_value}};
}

// A table inspection whose names and values try to inject markup.
json hostile_table() {
  json numeric = {
      {"min", 0.0},
      {"max", 10.0},
      {"mean", 4.5},
      {"std", 2.0},
      {"skew", 0.1},
      {"median", 4.0},
      {"mad", 1.5},
      {"quantiles", {{"p0", 0.0}, {"p5", 0.5}, {"p25", 2.0}, {"p50", 4.0}, {"p75", 6.0}, {"p95", 9.0}, {"p100", 10.0}}},
      {"histogram", {{"lo", 0.0}, {"hi", 10.0}, {"counts", {1, 4, 9, 4, 1}}}},
      {"lowest", {{{"value", 0.0}, {"row", 7}}}},
      {"highest", {{{"value", 10.0}, {"row", 3}}}},
      {"outlier_rows", 1},
      {"integer_valued", false}};
  json columns = json::array();
  columns.push_back({{"name", script_name},
                     {"type", "numeric"},
                     {"missing", 2},
                     {"missing_share", 0.02},
                     {"distinct", 11},
                     {"role", "feature"},
                     {"numeric", numeric},
                     {"power", 0.7}});
  columns.push_back({{"name", "colour"},
                     {"type", "categorical"},
                     {"missing", 0},
                     {"missing_share", 0.0},
                     {"distinct", 2},
                     {"role", "feature"},
                     {"top_values", {{{"value", img_value}, {"count", 60}}, {{"value", "red"}, {"count", 40}}}}});
  columns.push_back({{"name", "label"},
                     {"type", "categorical"},
                     {"missing", 0},
                     {"missing_share", 0.0},
                     {"distinct", 2},
                     {"role", "target"},
                     {"top_values", {{{"value", "yes"}, {"count", 70}}, {{"value", "no"}, {"count", 30}}}}});
  return {
      {"kind", "table"},
      {"source", "data/" + script_name + ".csv"},
      {"test_source", "test.csv"},
      {"rows", 100},
      {"cols", 3},
      {"target", "label"},
      {"task", "binary"},
      {"verdict", "warn"},
      {"verdict_text", "fit to train on, " + img_value},
      {"seconds", 0.25},
      {"columns", columns},
      {"target_profile",
       {{"task", "binary"},
        {"classes",
         {{{"value", img_value}, {"count", 70}, {"share", 0.7}}, {{"value", "no"}, {"count", 30}, {"share", 0.3}}}}}},
      {"predictive_power",
       {{"metric", "auc"},
        {"method", "binned " + script_name},
        {"features", {{{"column", script_name}, {"score", 0.7}}, {{"column", "colour"}, {"score", 0.55}}}}}},
      {"correlation",
       {{"rows_used", 50},
        {"rows_total", 100},
        {"sampled", true},
        {"pairs", {{{"a", script_name}, {"b", img_value}, {"pearson", 0.97}, {"spearman", 0.95}}}}}},
      {"test", {{"rows", 40}, {"drift", {{{"column", script_name}, {"statistic", "ks"}, {"score", 0.31}}}}}},
      {"findings",
       {{{"id", "data.info_thing"},
         {"severity", "info"},
         {"stage", "inspect"},
         {"message", "first info"},
         {"evidence", json::object()},
         {"fix", ""}},
        hostile_finding(),
        {{"id", "data.leak"},
         {"severity", "error"},
         {"stage", "inspect"},
         {"message", "first error"},
         {"evidence", {{"auc", 1.0}}},
         {"fix", "drop it"}},
        {{"id", "data.second"},
         {"severity", "error"},
         {"stage", "inspect"},
         {"message", "second error"},
         {"evidence", json::object()},
         {"fix", "x"}}}},
      {"ignored", {script_name}}};
}

json image_inspection() {
  return {{"kind", "images"},
          {"directory", "/data/" + script_name},
          {"classes", 2},
          {"rows", 12},
          {"train", {{"images", 10}, {"height", 2}, {"width", 2}}},
          {"test", {{"images", 2}, {"height", 2}, {"width", 2}}},
          {"verdict", "pass"},
          {"verdict_text", "fit to train on"},
          {"seconds", 1.5},
          {"class_counts", {{"train", {6, 4}}, {"test", {1, 1}}}},
          {"pixel",
           {{"mean", 0.28},
            {"std", 0.35},
            {"mean_image_png", tiny_png_uri()},
            {"std_image_png", tiny_png_uri()},
            {"max_pixel_std", 0.9},
            {"<b>", "<i>"}}},
          {"contact_sheet",
           {{{"class", 0}, {"rows", {1, 2}}, {"png", tiny_png_uri()}},
            {{"class", 1}, {"rows", {3}}, {"png", "javascript:alert(1)"}},
            {{"class", 2}, {"rows", {4}}, {"png", "data:image/png;base64,AAAA\" onerror=\"alert(1)"}}}},
          {"duplicates", {{"within_train", 3}, {"train_test", 1}}},
          {"findings", json::array({hostile_finding()})},
          {"ignored", json::array()}};
}

bool has_section(const std::string& html, const std::string& id) {
  return html.find("<section id=\"" + id + "\">") != std::string::npos;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape(script_name), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a & b \"c\" 'd'"), "a &amp; b &quot;c&quot; &#39;d&#39;");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");  // already-escaped text is text
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlEscape, KeepsUtf8AndReplacesWhatHtmlCannotCarry) {
  EXPECT_EQ(html_escape("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(html_escape("a\xFFz"), "a\xEF\xBF\xBDz");              // invalid byte
  EXPECT_EQ(html_escape("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
  EXPECT_EQ(html_escape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");  // NUL
  EXPECT_EQ(html_escape("tab\tnew\nline"), "tab\tnew\nline");
  EXPECT_EQ(html_escape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
}

TEST(FormatNumber, CompactAndTotal) {
  EXPECT_EQ(format_number(0.123456), "0.1235");
  EXPECT_EQ(format_number(123456.0), "1.235e+05");
  EXPECT_EQ(format_number(42), "42");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(std::nan("")), "n/a");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
}

TEST(HtmlImage, AcceptsOnlyPngDataUris) {
  EXPECT_TRUE(is_png_data_uri(tiny_png_uri()));
  EXPECT_FALSE(is_png_data_uri("data:image/png;base64,"));
  EXPECT_FALSE(is_png_data_uri("javascript:alert(1)"));
  EXPECT_FALSE(is_png_data_uri("http://example.com/x.png"));
  EXPECT_FALSE(is_png_data_uri("data:image/svg+xml;base64,PHN2Zz4="));
  EXPECT_FALSE(is_png_data_uri("data:image/png;base64,AAAA\" onerror=\"x"));
  EXPECT_FALSE(is_png_data_uri("data:image/png;base64,AA=A"));
  EXPECT_EQ(html_image("http://example.com/x.png", "x"), "");
  const std::string img = html_image(tiny_png_uri(), script_name, "pixels", 3);
  EXPECT_NE(img.find("src=\"" + tiny_png_uri() + "\""), std::string::npos);
  EXPECT_NE(img.find("width=\"6\" height=\"6\""), std::string::npos) << img;  // 2x2 scaled by 3
  EXPECT_NE(img.find("alt=\"&lt;script&gt;"), std::string::npos);
}

TEST(SvgCharts, EscapeLabelsAndDrawBars) {
  const std::string chart = svg_bar_chart({{script_name, 3, "3 <b>"}, {"b", 1, ""}, {"neg", -1, "-1"}});
  EXPECT_EQ(chart.find("<script"), std::string::npos);
  EXPECT_NE(chart.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;: 3 &lt;b&gt;</title>"), std::string::npos);
  EXPECT_EQ(std::count(chart.begin(), chart.end(), '\n'), 0);
  std::size_t rects = 0;
  for (std::size_t at = chart.find("<rect"); at != std::string::npos; at = chart.find("<rect", at + 1)) ++rects;
  EXPECT_EQ(rects, 2u);  // the negative value draws no bar
  const std::string long_label(100, 'x');
  const std::string clipped = svg_bar_chart({{long_label, 1, ""}});
  EXPECT_NE(clipped.find("\xE2\x80\xA6</text>"), std::string::npos);                // cut in the chart...
  EXPECT_NE(clipped.find("<title>" + long_label + "</title>"), std::string::npos);  // ...whole in the tooltip

  const std::string hist = svg_histogram({1, 0, 5}, -2.5, 7.5);
  std::size_t bins = 0;
  for (std::size_t at = hist.find("<rect"); at != std::string::npos; at = hist.find("<rect", at + 1)) ++bins;
  EXPECT_EQ(bins, 2u);  // empty bins draw nothing
  EXPECT_NE(hist.find(">-2.5</text>"), std::string::npos);
  EXPECT_NE(hist.find(">7.5</text>"), std::string::npos);
  EXPECT_NE(hist.find("<title>[-2.5, 0.8333): 1</title>"), std::string::npos) << hist;
  EXPECT_NE(hist.find("<title>[4.167, 7.5]: 5</title>"), std::string::npos) << hist;
}

TEST(HtmlDocument, SelfContainedWithoutScript) {
  const std::string page = html_document(script_name, "<p>hi</p>");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page.find("content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\""), std::string::npos);
  EXPECT_NE(page.find("<title>&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST(InspectHtml, HostileTableIsEscaped) {
  const std::string html = render_inspect_html(hostile_table());
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  std::string lower = html;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find(script_name), std::string::npos);
  EXPECT_EQ(html.find(img_value), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);  // a table report has no image at all
  // In SVG text and tooltips too: the column's histogram, bars and drift.
  EXPECT_NE(html.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;: 0.7</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;: 60 (60.0%)</title>"), std::string::npos);
}

TEST(InspectHtml, TableHasEverySection) {
  const std::string html = render_inspect_html(hostile_table());
  for (const char* id : {"overview", "findings", "target", "power", "columns", "correlation", "drift"}) {
    EXPECT_TRUE(has_section(html, id)) << id;
    EXPECT_NE(html.find(std::string("<a href=\"#") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_NE(html.find("Computed on 50 of 100 rows (sampled)."), std::string::npos);
  EXPECT_NE(html.find("verdict warn"), std::string::npos);
  json no_test = hostile_table();
  no_test.erase("test");
  EXPECT_FALSE(has_section(render_inspect_html(no_test), "drift"));
}

TEST(InspectHtml, CountsAreGroupedButRowNumbersAreNot) {
  json j = hostile_table();
  j["rows"] = 123456;
  j["columns"][0]["numeric"]["highest"] = {{{"value", 10.0}, {"row", 12345}}, {{"value", 9.5}, {"row", 2000}}};
  const std::string html = render_inspect_html(j);
  EXPECT_NE(html.find("123,456 rows × 3 columns"), std::string::npos);
  EXPECT_NE(html.find("(row 12345)"), std::string::npos);
  EXPECT_NE(html.find("(row 2000)"), std::string::npos);
  j["findings"][0]["evidence"] = {{"row", 4410}, {"share", 0.25}};
  const std::string with_evidence = render_inspect_html(j);
  EXPECT_NE(with_evidence.find("<th>row</th><td>4410</td>"), std::string::npos);
  EXPECT_NE(with_evidence.find("<th>share</th><td>0.25</td>"), std::string::npos);
  EXPECT_NE(html.find("Computed on 50 of 100 rows"), std::string::npos);
}

TEST(InspectHtml, AucChartMarksChance) {
  json j = hostile_table();
  EXPECT_NE(render_inspect_html(j).find("<line class=\"reference\""), std::string::npos);
  j["predictive_power"]["metric"] = "r2";
  EXPECT_EQ(render_inspect_html(j).find("<line class=\"reference\""), std::string::npos);
}

TEST(InspectHtml, FindingsErrorsFirstInInputOrder) {
  const std::string html = render_inspect_html(hostile_table());
  const std::size_t first_error = html.find("first error"), second_error = html.find("second error");
  const std::size_t warn = html.find("is constant"), info = html.find("first info");
  ASSERT_NE(info, std::string::npos);
  EXPECT_LT(first_error, second_error);
  EXPECT_LT(second_error, warn);
  EXPECT_LT(warn, info);
  EXPECT_NE(html.find("<strong>Fix:</strong> drop it"), std::string::npos);
  EXPECT_NE(html.find("<th>auc</th><td>1</td>"), std::string::npos);  // evidence as key / value
}

TEST(InspectHtml, ImagesHaveEverySectionAndOnlyDataImages) {
  const std::string html = render_inspect_html(image_inspection());
  for (const char* id : {"overview", "findings", "classes", "pixels", "contact-sheet", "duplicates"}) {
    EXPECT_TRUE(has_section(html, id)) << id;
  }
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("onerror=\"alert"), std::string::npos);
  std::size_t images = 0;
  for (std::size_t at = html.find("<img "); at != std::string::npos; at = html.find("<img ", at + 1)) {
    ++images;
    EXPECT_EQ(html.compare(at, 32, "<img src=\"data:image/png;base64,"), 0);
  }
  EXPECT_EQ(images, 3u);  // mean, std and class 0's sheet; the two hostile sources are dropped
  EXPECT_NE(html.find("/data/&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<th>max pixel std</th><td>0.9</td>"), std::string::npos);    // extra statistics listed
  EXPECT_NE(html.find("<th>&lt;b&gt;</th><td>&lt;i&gt;</td>"), std::string::npos);  // ...and escaped
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(InspectHtml, PartialOrMistypedJsonDoesNotThrow) {
  const json cases[] = {
      json::object(),
      json::array(),
      json(nullptr),
      json{{"kind", "table"}},
      json{{"kind", "images"}},
      json{{"kind", "table"},
           {"rows", "many"},
           {"columns", 5},
           {"findings", {1, "x", nullptr}},
           {"test", json::object()}},
      json{{"kind", "table"},
           {"columns",
            {{{"name", nullptr}, {"numeric", {{"histogram", {{"lo", nullptr}, {"counts", "x"}}}}}},
             {{"numeric", {{"mean", nullptr}, {"quantiles", {{"p0", "a"}}}, {"lowest", 3}}}},
             {{"top_values", {{{"value", 3}, {"count", "x"}}}}}}},
           {"correlation", {{"pairs", {{{"a", 1}}}}}},
           {"predictive_power", {{"features", {{{"score", nullptr}}}}}},
           {"target_profile", {{"classes", {json::object()}}}}},
      json{{"kind", "images"},
           {"class_counts", {{"train", "x"}}},
           {"contact_sheet", {json::object(), 5}},
           {"pixel", {{"mean_image_png", 7}}},
           {"duplicates", 3}},
      json{{"kind", "table"}, {"source", "bad utf8 \xFF"}, {"findings", {{{"evidence", {{"k", "\xFF"}}}}}}},
  };
  for (const json& j : cases) {
    std::string html;
    EXPECT_NO_THROW(html = render_inspect_html(j)) << j.dump(-1, ' ', false, json::error_handler_t::replace);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_TRUE(has_section(html, "overview"));
  }
}

// ---- PNG and base64 ----------------------------------------------------------

uint32_t be32(const std::string& s, std::size_t at) {
  uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(s.at(at + k));
  return v;
}

struct DecodedPng {
  uint32_t width = 0, height = 0;
  std::string ihdr, raw;  ///< raw: inflated IDAT (filter byte + scanline per row)
  std::vector<std::string> chunk_types;
};

// An independent reader: walks the chunks, checks every CRC, inflates IDAT.
DecodedPng decode_png(const std::string& png) {
  DecodedPng out;
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::string idat;
  std::size_t at = 8;
  while (at < png.size()) {
    const uint32_t length = be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    const std::string data = png.substr(at + 8, length);
    const uint32_t crc = be32(png, at + 8 + length);
    const std::string covered = type + data;
    EXPECT_EQ(crc, ::crc32(0, reinterpret_cast<const Bytef*>(covered.data()), static_cast<uInt>(covered.size())))
        << "CRC of " << type;
    out.chunk_types.push_back(type);
    if (type == "IHDR") out.ihdr = data;
    if (type == "IDAT") idat += data;
    at += 12 + length;
  }
  EXPECT_EQ(at, png.size());
  if (out.ihdr.size() == 13) {
    out.width = be32(out.ihdr, 0);
    out.height = be32(out.ihdr, 4);
    out.raw.resize((out.width + 1) * static_cast<std::size_t>(out.height));
    uLongf size = out.raw.size();
    EXPECT_EQ(::uncompress(reinterpret_cast<Bytef*>(&out.raw[0]), &size, reinterpret_cast<const Bytef*>(idat.data()),
                           idat.size()),
              Z_OK);
    EXPECT_EQ(size, out.raw.size());
  }
  return out;
}

TEST(Png, ThreeByTwoRoundTrips) {
  const uint8_t pixels[6] = {0, 128, 255, 1, 2, 3};
  const DecodedPng png = decode_png(encode_png_gray(pixels, 3, 2));
  EXPECT_EQ(png.chunk_types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  ASSERT_EQ(png.ihdr.size(), 13u);
  EXPECT_EQ(png.width, 3u);
  EXPECT_EQ(png.height, 2u);
  EXPECT_EQ(png.ihdr.substr(8), std::string("\x08\x00\x00\x00\x00", 5));   // 8-bit gray, deflate, no interlace
  EXPECT_EQ(png.raw, std::string("\x00\x00\x80\xFF\x00\x01\x02\x03", 8));  // filter 0 before each row
}

TEST(Png, RandomImageRoundTrips) {
  std::mt19937 rng(7);
  const std::size_t w = 37, h = 23;
  std::vector<uint8_t> pixels(w * h);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng());
  const DecodedPng png = decode_png(encode_png_gray(pixels.data(), w, h));
  ASSERT_EQ(png.raw.size(), (w + 1) * h);
  for (std::size_t y = 0; y < h; ++y) {
    EXPECT_EQ(png.raw[y * (w + 1)], '\0');
    EXPECT_EQ(png.raw.compare(y * (w + 1) + 1, w, reinterpret_cast<const char*>(&pixels[y * w]), w), 0) << "row " << y;
  }
}

TEST(Png, RejectsEmptyImage) {
  const uint8_t pixel = 0;
  EXPECT_THROW(encode_png_gray(&pixel, 0, 1), std::invalid_argument);
  EXPECT_THROW(encode_png_gray(&pixel, 1, 0), std::invalid_argument);
  EXPECT_THROW(encode_png_gray(nullptr, 1, 1), std::invalid_argument);
}

TEST(Png, DataUriIsBase64OfThePng) {
  const uint8_t pixels[6] = {9, 8, 7, 6, 5, 4};
  EXPECT_EQ(png_data_uri(pixels, 2, 3), "data:image/png;base64," + base64_encode(encode_png_gray(pixels, 2, 3)));
  EXPECT_TRUE(is_png_data_uri(png_data_uri(pixels, 2, 3)));
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xFF\xFE\x00", 3)), "//4A");  // high bytes and NUL
}

}  // namespace
}  // namespace nnrecipe::test
