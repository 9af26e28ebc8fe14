// The inspect report in a real browser: headless Chromium loads the page and
// dumps its DOM after scripts would have run. Hostile column names and values
// must show as text and never execute. Control pages first prove that the
// same payloads do execute when they are not escaped, so the check can fail.
#include <gtest/gtest.h>

#include <string>

#include "browser_support.h"
#include "nnrecipe/html_report.h"
#include "nnrecipe/png.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

using nlohmann::json;

const std::string script_payload = "<script>document.body.setAttribute('data-pwned','1')</script>";
const std::string img_payload = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";
// What the DOM serialises when a payload ran: the attribute set on <body>.
const std::string pwned = "data-pwned=\"1\"";

json hostile_table() {
  json numeric = {{"min", 0.0},
                  {"max", 4.0},
                  {"mean", 2.0},
                  {"std", 1.0},
                  {"skew", 0.0},
                  {"median", 2.0},
                  {"mad", 1.0},
                  {"quantiles", {{"p0", 0}, {"p5", 0}, {"p25", 1}, {"p50", 2}, {"p75", 3}, {"p95", 4}, {"p100", 4}}},
                  {"histogram", {{"lo", 0.0}, {"hi", 4.0}, {"counts", {2, 3, 3, 2}}}},
                  {"lowest", {{{"value", 0}, {"row", 1}}}},
                  {"highest", {{{"value", 4}, {"row", 9}}}}};
  return {
      {"kind", "table"},
      {"source", script_payload + ".csv"},
      {"rows", 10},
      {"cols", 2},
      {"target", "y"},
      {"task", "binary"},
      {"verdict", "warn"},
      {"verdict_text", img_payload},
      {"seconds", 0.1},
      {"columns",
       {{{"name", script_payload},
         {"type", "numeric"},
         {"missing", 0},
         {"missing_share", 0.0},
         {"distinct", 5},
         {"role", "feature"},
         {"numeric", numeric}},
        {{"name", "y"},
         {"type", "categorical"},
         {"missing", 0},
         {"missing_share", 0.0},
         {"distinct", 2},
         {"role", "target"},
         {"top_values", {{{"value", img_payload}, {"count", 6}}, {{"value", "b"}, {"count", 4}}}}}}},
      {"target_profile", {{"task", "binary"}, {"classes", {{{"value", img_payload}, {"count", 6}, {"share", 0.6}}}}}},
      {"predictive_power",
       {{"metric", "auc"}, {"method", "binned"}, {"features", {{{"column", script_payload}, {"score", 0.9}}}}}},
      {"correlation",
       {{"rows_used", 10},
        {"rows_total", 10},
        {"sampled", false},
        {"pairs", {{{"a", script_payload}, {"b", img_payload}, {"pearson", 0.99}, {"spearman", 0.98}}}}}},
      {"test", {{"rows", 5}, {"drift", {{{"column", script_payload}, {"statistic", "ks"}, {"score", 0.5}}}}}},
      {"findings",
       {{{"id", "data.constant_column"},
         {"severity", "error"},
         {"stage", "inspect"},
         {"message", script_payload},
         {"evidence", {{img_payload, script_payload}}},
         {"fix", img_payload}}}},
      {"ignored", json::array()}};
}

json hostile_images() {
  const uint8_t pixels[4] = {0, 80, 160, 240};
  return {{"kind", "images"},
          {"directory", script_payload},
          {"classes", 2},
          {"train", {{"images", 4}, {"height", 2}, {"width", 2}}},
          {"verdict", "pass"},
          {"verdict_text", img_payload},
          {"class_counts", {{"train", {2, 2}}}},
          {"pixel",
           {{"mean", 0.5},
            {"std", 0.2},
            {"mean_image_png", png_data_uri(pixels, 2, 2)},
            {"std_image_png", "x\" onerror=\"document.body.setAttribute('data-pwned','1')"}}},
          {"contact_sheet",
           {{{"class", 0}, {"rows", {1}}, {"png", png_data_uri(pixels, 2, 2)}},
            {{"class", 1}, {"rows", {2}}, {"png", "x"}}}},
          {"duplicates", {{"within_train", 0}, {"train_test", 0}}},
          {"findings", json::array()}};
}

TEST(ChromiumRender, ControlPayloadsRunWhenNotEscaped) {
  REQUIRE_CHROMIUM();
  EXPECT_NE(dump_dom("<!DOCTYPE html><html><body><p>" + script_payload + "</p></body></html>").find(pwned),
            std::string::npos);
  EXPECT_NE(dump_dom("<!DOCTYPE html><html><body><p id=\"" + img_payload + "</p></body></html>").find(pwned),
            std::string::npos);
}

TEST(ChromiumRender, ContentSecurityPolicyAloneBlocksScript) {
  REQUIRE_CHROMIUM();
  // Unescaped on purpose: the page's policy is the second line of defence.
  const std::string dom =
      dump_dom(html_document("csp", "<p>" + script_payload + "</p><p id=\"" + img_payload + "</p>"));
  EXPECT_NE(dom.find("<script>"), std::string::npos);  // the markup is there...
  EXPECT_EQ(dom.find(pwned), std::string::npos);       // ...but did not run
}

TEST(ChromiumRender, HostileTableReportShowsTextAndRunsNothing) {
  REQUIRE_CHROMIUM();
  const std::string dom = dump_dom(render_inspect_html(hostile_table()));
  for (const char* id : {"overview", "findings", "target", "power", "columns", "correlation", "drift"}) {
    EXPECT_NE(dom.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  // Text nodes serialise with < and > escaped: the name arrived as text.
  EXPECT_NE(dom.find("<h3>&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;</h3>"),
            std::string::npos);
  EXPECT_NE(dom.find("\"&gt;&lt;img src=x onerror=\"document.body"), std::string::npos);
  EXPECT_EQ(dom.find(pwned), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
}

TEST(ChromiumRender, HostileImageReportShowsOnlyDataImages) {
  REQUIRE_CHROMIUM();
  const std::string dom = dump_dom(render_inspect_html(hostile_images()));
  for (const char* id : {"overview", "findings", "classes", "pixels", "contact-sheet", "duplicates"}) {
    EXPECT_NE(dom.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_EQ(dom.find(pwned), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  std::size_t images = 0;
  for (std::size_t at = dom.find("<img"); at != std::string::npos; at = dom.find("<img", at + 1)) {
    ++images;
    EXPECT_EQ(dom.compare(at, 32, "<img src=\"data:image/png;base64,"), 0);
  }
  EXPECT_EQ(images, 2u);  // the mean image and class 0's sheet
}

}  // namespace
}  // namespace nnrecipe::test
