// The outputs of `nnrecipe run` from a RecipeResult built by hand: summary.json
// (its keys and types, NaN as null), leaderboard.csv (columns, quoting), the
// terminal summary, and report.html (every section, every data string
// escaped, images only as PNG data URIs), also loaded in headless Chromium.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "browser_support.h"
#include "nnrecipe/html_report.h"
#include "nnrecipe/png.h"
#include "nnrecipe/recipe.h"
#include "nnrecipe/reports.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

using nlohmann::json;

const double nan = std::numeric_limits<double>::quiet_NaN();
const std::string alert_payload = "<script>alert(1)</script>";
const std::string quotes = "\"quotes\"";
const std::string class_a = "A&B";

std::string tiny_png_uri() {
  const uint8_t pixels[4] = {0, 85, 170, 255};
  return png_data_uri(pixels, 2, 2);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

ShownRow shown(std::size_t row, const std::string& given, const std::string& predicted, double loss, double confidence,
               const std::string& payload) {
  ShownRow r;
  r.row = row;
  r.given = given;
  r.predicted = predicted;
  r.loss = loss;
  r.confidence = confidence;
  r.cells = {{"income", "42"}, {payload, quotes}, {"note", payload}};
  return r;
}

// A binary-classification run whose names and values try to inject markup
// (`payload`) wherever data reaches the page.
RecipeResult hostile_result(const std::string& payload = alert_payload) {
  RecipeResult r;
  r.task = "binary";
  r.metric = "auc";
  r.higher_is_better = true;
  r.winner = "xgboost";
  r.winner_sentence = "xgboost wins: test auc 0.8412, 0.0061 above the best network";
  r.budget_seconds = 600;
  r.seconds = 412.5;
  r.train_rows = 700, r.val_rows = 100, r.test_rows = 200;
  r.dropped_columns = {"id", payload};

  Candidate xgb{"xgboost",
                CandidateKind::Xgboost,
                {{"auc", 0.85}, {"accuracy", 0.8}},
                {{"auc", 0.8412}, {"accuracy", 0.79}},
                4.1,
                "300 trees"};
  xgb.oof = {{"auc", 0.846}};  // scored out of fold over training + validation rows
  Candidate net{"net, " + quotes,
                CandidateKind::Network,
                {{"auc", nan}, {"accuracy", 0.75}, {"f1", 0.7}},
                {{"auc", 0.8351}},
                41.25,
                payload};
  Candidate dumb{
      "majority", CandidateKind::Dumb, {{"auc", 0.5}, {"accuracy", 0.6}}, {{"auc", 0.5}, {"accuracy", 0.61}}, 0.01, ""};
  r.candidates = {xgb, net, dumb};

  StageReport inspect{"inspect", Verdict::Pass, "100 rows, 3 columns; dropped id", 0.4, 30, {}, {}, {}};
  StageReport baseline{"baseline", Verdict::Pass, "xgboost val auc 0.85", 41, 90, {}, {}, {}};
  baseline.repairs = {
      {"baseline network", {"train.diverging"}, {"train.lr: 0.03 -> 0.003", payload}, "retried: trained"}};
  StageReport overfit{"overfit",
                      Verdict::Warn,
                      "training loss reached 0.01 with width x2",
                      120,
                      150,
                      {"depth x2 (budget)", payload},
                      {},
                      {}};
  TrainCurve curve{payload, {0.7, 0.5, 0.3, 0.2}, {0.72, 0.6, 0.55, nan}, {0.7, 0.78, 0.81, nan}, 3};
  TrainCurve curve2{"width x2", {0.6, 0.4}, {0.65, 0.62}, {0.75, 0.77}, 2};
  overfit.curves = {curve, curve2};
  AblationRow kept{"hidden [128, 128] -> [256, 256]", 0.01, 0.81, 0.02, true, 30, 55.5, ""};
  AblationRow dropped_change{payload, nan, 0.79, -0.01, false, 12, 20, "cut by the budget"};
  overfit.ablation = {kept, dropped_change};
  StageReport tune{"tune", Verdict::Skipped, "no time left", 0, 120, {"all trials"}, {}, {}};
  r.stages = {inspect, baseline, overfit, tune};

  Finding error{"data.leakage",
                Severity::Error,
                "inspect",
                "column " + payload + " leaks the target",
                {{"column", payload}, {payload, {1, 2, 3}}, {"auc", 0.999}},
                "drop " + payload};
  Finding warn{"train.overfitting", Severity::Warn, "overfit", "gap 0.2", {{"gap", 0.2}}, "add dropout"};
  Finding info{"data.class_balance", Severity::Info, "inspect", "classes 60/40", json::object(), ""};
  r.findings.add({info, warn, error}, {});
  r.findings.ignored = {"data.id_like"};

  r.inspection.source = "credit.csv";
  r.inspection.rows = 1000;
  r.inspection.target = "Status";
  ColumnProfile c1, c2;
  c1.name = payload;
  c2.name = "Status";
  c2.is_target = true;
  r.inspection.columns = {c1, c2};
  r.inspection.classes = {{class_a, 600}, {payload, 400}};
  r.inspection.power_metric = "auc";
  r.inspection.power = {{payload, 0.7}};

  for (int i = 0; i < 20; ++i) {
    r.lr_range.lrs.push_back(1e-6 * std::pow(10.0, i * 0.3));
    r.lr_range.losses.push_back(0.7 - 0.02 * i + (i > 15 ? 0.3 * (i - 15) : 0));
    r.lr_range.smoothed.push_back(0.7 - 0.015 * i + (i > 15 ? 0.2 * (i - 15) : 0));
  }
  r.lr_range.losses[5] = nan;  // a gap in the raw curve
  r.lr_range.stop_index = 18;
  r.lr_range.suggested_index = 8;
  r.lr_range.suggested_lr = r.lr_range.lrs[8];
  r.lr_range.note = "stopped at step 19: the smoothed loss passed 4x its best";

  r.learning_curve = {{0.25, 175, 0.95, 0.78}, {0.5, 350, 0.92, 0.81}, {1.0, 700, 0.9, 0.83}};
  r.learning_curve_verdict = {true, 0.02, 0.07, "More data would pay: +0.02 auc per doubling."};

  ErrorAnalysis& a = r.analysis;
  a.class_names = {class_a, payload};
  a.confusion = {{100, 20}, {15, 65}};
  a.per_class = {{0, 0.87, 0.83, 0.85, 120}, {1, 0.76, 0.81, 0.79, 80}};
  a.calibration.ece = 0.0312;
  for (int b = 0; b < 10; ++b) {
    ReliabilityBin bin;
    bin.lo = b / 10.0, bin.hi = (b + 1) / 10.0;
    bin.count = b < 5 ? 0 : static_cast<std::size_t>(10 * b);
    bin.mean_confidence = b < 5 ? nan : bin.lo + 0.05;
    bin.accuracy = b < 5 ? nan : bin.lo + 0.02;
    a.calibration.bins.push_back(bin);
  }
  a.top_losses = {shown(17, payload, class_a, 3.2, 0.96, payload), shown(4, class_a, payload, 2.1, 0.88, payload)};
  a.confident_mistakes = {shown(17, payload, class_a, 3.2, 0.96, payload)};
  Slice slice;
  slice.feature = payload;
  slice.description = payload + " in [1, 2)";
  slice.rows = 40;
  slice.mean_loss = 0.9;
  slice.error_rate = 0.3;
  slice.excess = 0.4;
  a.worst_slices = {slice};
  a.importance = {{payload, 0.0412, 0.003}, {"age", -0.001, 0.002}};
  a.importance_rows = 120;
  a.importance_repeats = 3;
  a.importance_note = "2 of 9 columns, " + payload;
  a.label_issues = {shown(3, class_a, payload, 2.5, 0.91, payload)};
  a.label_issue_count = 7;
  a.label_issue_rows = 700;
  r.final_config_yaml = "model:\n  hidden: [256, 256]\n# " + payload + "\n";
  return r;
}

RecipeOptions options_for_test() {
  RecipeOptions o;
  o.config_source = "credit.csv --target Status " + quotes;
  o.budget_minutes = 10;
  o.out_dir = "/tmp/run";
  return o;
}

std::set<std::string> keys_of(const json& j) {
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
  return keys;
}

// ---- summary.json -------------------------------------------------------------

TEST(RecipeSummaryJson, HasExactlyTheDocumentedKeysAndTypes) {
  const json j = summary_json(hostile_result());
  EXPECT_EQ(keys_of(j), (std::set<std::string>{"winner", "metric", "higher_is_better", "task", "winner_sentence",
                                               "candidates", "stages", "budget_seconds", "seconds", "dropped_columns",
                                               "findings", "lr_range", "learning_curve", "more_data_pays", "stopped",
                                               "stop_reason", "interrupted", "importance"}));
  EXPECT_EQ(j["winner"], "xgboost");
  EXPECT_EQ(j["metric"], "auc");
  EXPECT_EQ(j["task"], "binary");
  EXPECT_TRUE(j["higher_is_better"].is_boolean() && j["higher_is_better"].get<bool>());
  EXPECT_EQ(j["winner_sentence"], "xgboost wins: test auc 0.8412, 0.0061 above the best network");
  EXPECT_TRUE(j["budget_seconds"].is_number());
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 412.5);
  EXPECT_EQ(j["dropped_columns"], json({"id", alert_payload}));
  EXPECT_EQ(j["findings"], json({{"error", 1}, {"warn", 1}, {"info", 1}}));
  EXPECT_EQ(keys_of(j["lr_range"]), (std::set<std::string>{"suggested_lr", "steps"}));
  EXPECT_TRUE(j["lr_range"]["suggested_lr"].is_number_float());
  EXPECT_EQ(j["lr_range"]["steps"], 20);
  EXPECT_EQ(keys_of(j["importance"]), (std::set<std::string>{"features", "rows", "repeats", "note"}));
  ASSERT_EQ(j["importance"]["features"].size(), 2u);
  EXPECT_EQ(j["importance"]["features"][0]["column"], alert_payload);
  EXPECT_DOUBLE_EQ(j["importance"]["features"][0]["drop"].get<double>(), 0.0412);
  EXPECT_EQ(j["importance"]["rows"], 120);
  ASSERT_EQ(j["learning_curve"].size(), 3u);
  for (const json& p : j["learning_curve"]) {
    EXPECT_EQ(keys_of(p), (std::set<std::string>{"fraction", "rows", "train", "val"}));
    EXPECT_TRUE(p["rows"].is_number_unsigned());
  }
  EXPECT_EQ(j["learning_curve"][2]["rows"], 700);
  EXPECT_DOUBLE_EQ(j["learning_curve"][1]["val"].get<double>(), 0.81);
  EXPECT_TRUE(j["more_data_pays"].is_boolean() && j["more_data_pays"].get<bool>());
  EXPECT_TRUE(j["stopped"].is_boolean() && !j["stopped"].get<bool>());
  EXPECT_TRUE(j["interrupted"].is_null());

  ASSERT_EQ(j["candidates"].size(), 3u);
  for (const json& c : j["candidates"]) {
    std::set<std::string> keys{"name", "kind", "val", "test", "seconds", "detail"};
    if (c["name"] == "xgboost") keys.insert("oof");  // only a candidate with out-of-fold scores
    EXPECT_EQ(keys_of(c), keys);
    EXPECT_TRUE(c["val"].is_object() && c["test"].is_object());
  }
  EXPECT_DOUBLE_EQ(j["candidates"][0]["oof"]["auc"].get<double>(), 0.846);
  EXPECT_EQ(j["candidates"][0]["name"], "xgboost");
  EXPECT_EQ(j["candidates"][1]["name"], "net, " + quotes);
  EXPECT_EQ(j["candidates"][2]["kind"], "dumb");
  EXPECT_DOUBLE_EQ(j["candidates"][0]["test"]["auc"].get<double>(), 0.8412);
  EXPECT_EQ(keys_of(j["candidates"][1]["val"]), (std::set<std::string>{"auc", "accuracy", "f1"}));

  ASSERT_EQ(j["stages"].size(), 4u);
  for (const json& s : j["stages"]) {
    EXPECT_EQ(keys_of(s), (std::set<std::string>{"name", "verdict", "seconds", "budget_seconds", "summary", "cut",
                                                 "repairs", "ablation"}));
    EXPECT_TRUE(s["cut"].is_array() && s["repairs"].is_array() && s["ablation"].is_array());
  }
  ASSERT_EQ(j["stages"][1]["repairs"].size(), 1u);
  EXPECT_EQ(keys_of(j["stages"][1]["repairs"][0]),
            (std::set<std::string>{"network", "findings", "changes", "outcome"}));
  EXPECT_EQ(j["stages"][1]["repairs"][0]["changes"][1], alert_payload);
  EXPECT_EQ(j["stages"][2]["name"], "overfit");
  EXPECT_EQ(j["stages"][2]["verdict"], "warn");
  EXPECT_EQ(j["stages"][2]["cut"], json({"depth x2 (budget)", alert_payload}));
  ASSERT_EQ(j["stages"][2]["ablation"].size(), 2u);
  EXPECT_EQ(j["stages"][2]["ablation"][0]["change"], "hidden [128, 128] -> [256, 256]");
  EXPECT_EQ(j["stages"][2]["ablation"][0]["kept"], true);
  EXPECT_EQ(j["stages"][2]["ablation"][1]["change"], alert_payload);
  EXPECT_TRUE(j["stages"][2]["ablation"][1]["train_loss"].is_null());  // not finite: null
  EXPECT_DOUBLE_EQ(j["stages"][2]["ablation"][1]["delta"].get<double>(), -0.01);
  EXPECT_EQ(j["stages"][3]["verdict"], "skipped");
}

TEST(RecipeSummaryJson, NotFiniteNumbersAreNull) {
  RecipeResult r = hostile_result();
  r.lr_range.suggested_lr = nan;
  r.seconds = std::numeric_limits<double>::infinity();
  r.learning_curve[0].train_metric = nan;
  const json j = summary_json(r);
  EXPECT_TRUE(j["candidates"][1]["val"]["auc"].is_null());
  EXPECT_TRUE(j["lr_range"]["suggested_lr"].is_null());
  EXPECT_TRUE(j["seconds"].is_null());
  EXPECT_TRUE(j["learning_curve"][0]["train"].is_null());
  // The text is valid JSON that reads back the same.
  const std::string text = j.dump(2);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(json::parse(text), j);
}

TEST(RecipeSummaryJson, EmptyResultKeepsEveryKey) {
  RecipeResult r;
  r.stopped = true;
  r.stop_reason = "after the inspect stage (--strict) on leakage";
  const json j = summary_json(r);
  EXPECT_EQ(j.size(), 18u);
  EXPECT_EQ(j["stop_reason"], r.stop_reason);
  EXPECT_TRUE(j["candidates"].is_array() && j["candidates"].empty());
  EXPECT_TRUE(j["importance"]["features"].is_array() && j["importance"]["features"].empty());
  EXPECT_TRUE(j["stages"].is_array() && j["dropped_columns"].is_array() && j["learning_curve"].is_array());
  EXPECT_TRUE(j["lr_range"]["suggested_lr"].is_null());
  EXPECT_EQ(j["lr_range"]["steps"], 0);
  EXPECT_TRUE(j["stopped"].get<bool>());
}

// ---- leaderboard.csv -------------------------------------------------------------

TEST(RecipeLeaderboardCsv, SelectionMetricFirstThenSortedUnionAndQuoting) {
  const std::string csv = leaderboard_csv(hostile_result());
  std::istringstream in(csv);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u) << csv;
  EXPECT_EQ(lines[0], "name,kind,val_auc,val_accuracy,val_f1,test_auc,test_accuracy,test_f1,seconds");
  EXPECT_EQ(lines[1], "xgboost,xgboost,0.85,0.8,,0.8412,0.79,,4.100");
  // NaN and missing metrics are empty cells; the name is quoted, quotes doubled.
  EXPECT_EQ(lines[2], "\"net, \"\"quotes\"\"\",network,,0.75,0.7,0.8351,,,41.250");
  EXPECT_EQ(lines[3], "majority,dumb,0.5,0.6,,0.5,0.61,,0.010");
}

TEST(RecipeLeaderboardCsv, NewlineInNameIsQuotedAndEmptyBoardHasHeader) {
  RecipeResult r;
  r.metric = "rmse";
  r.candidates = {{"two\nlines", CandidateKind::Network, {{"rmse", 1.5}}, {{"rmse", 1.75}}, 2, ""}};
  EXPECT_EQ(leaderboard_csv(r), "name,kind,val_rmse,test_rmse,seconds\n\"two\nlines\",network,1.5,1.75,2.000\n");
  r.candidates.clear();
  EXPECT_EQ(leaderboard_csv(r), "name,kind,val_rmse,test_rmse,seconds\n");
}

// ---- terminal summary -----------------------------------------------------------

TEST(RecipeText, OneLinePerStageLeaderboardWinnerAndFindings) {
  const RecipeResult r = hostile_result();
  const std::string text = render_recipe_text(r);
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const StageReport& s : r.stages) {
    const auto n = std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.rfind("  " + s.name + " ", 0) == 0 && line.find(to_string(s.verdict)) != std::string::npos &&
             line.find(s.summary) != std::string::npos;
    });
    EXPECT_EQ(n, 1) << s.name << "\n" << text;
  }
  EXPECT_NE(text.find("  baseline    pass      41s  xgboost val auc 0.85"), std::string::npos) << text;
  EXPECT_NE(text.find("      cut: depth x2 (budget)"), std::string::npos);
  EXPECT_NE(text.find(r.winner_sentence), std::string::npos);
  EXPECT_NE(text.find("val auc"), std::string::npos);
  EXPECT_NE(text.find("0.8412"), std::string::npos);
  EXPECT_NE(text.find("n/a"), std::string::npos);  // the NaN metric
  // Findings come last, errors first.
  const auto error = text.find("error data.leakage"), warn = text.find("warn  train.overfitting");
  ASSERT_NE(error, std::string::npos);
  ASSERT_NE(warn, std::string::npos);
  EXPECT_LT(error, warn);
  EXPECT_LT(text.find(r.winner_sentence), error);
  EXPECT_NE(text.find("findings: 1 error, 1 warn, 1 info"), std::string::npos);
}

// The answer comes first, in plain words, before any stage or rule.
TEST(RecipeText, FirstLineNamesTheBestModelAndComparesItWithXgboostAndLinear) {
  RecipeResult r = hostile_result();
  const std::string trees = render_recipe_text(r);
  EXPECT_EQ(trees.rfind("best model: xgboost (xgboost), test auc 0.8412; gradient-boosted trees beat every network "
                        "on this table.\n",
                        0),
            0u)
      << trees;

  Candidate linear{"linear", CandidateKind::Linear, {{"auc", 0.84}}, {{"auc", 0.8290}}, 1.0, ""};
  Candidate ensemble{"ensemble", CandidateKind::Ensemble, {{"auc", 0.86}}, {{"auc", 0.8375}}, 9.0, ""};
  r.candidates.insert(r.candidates.begin(), ensemble);
  r.candidates.push_back(linear);
  r.winner = "ensemble";
  EXPECT_EQ(recipe_headline(r),
            "best model: ensemble (ensemble), test auc 0.8375: worse than xgboost (0.8412) and better than the "
            "linear model (0.8290).");
  // Lower is better for a regression metric: a smaller RMSE is "better than".
  RecipeResult reg;
  reg.metric = "rmse";
  reg.higher_is_better = false;
  reg.winner = "net";
  reg.candidates = {{"net", CandidateKind::Network, {{"rmse", 4.0}}, {{"rmse", 4.2}}, 1.0, ""},
                    {"xgboost", CandidateKind::Xgboost, {{"rmse", 4.3}}, {{"rmse", 4.5}}, 1.0, ""}};
  EXPECT_EQ(recipe_headline(reg), "best model: net (network), test rmse 4.2000: better than xgboost (4.5000).");
  reg.candidates.push_back({"linear", CandidateKind::Linear, {{"rmse", 5.0}}, {{"rmse", 5.1}}, 1.0, ""});
  EXPECT_EQ(recipe_headline(reg),
            "best model: net (network), test rmse 4.2000: better than xgboost (4.5000) and the linear model (5.1000).");
  EXPECT_EQ(recipe_headline(RecipeResult{}), "");
}

TEST(RecipeText, NoControlCharactersFromData) {
  RecipeResult r;
  r.stages = {{"inspect", Verdict::Fail, "column \x1b[31mred\x1b[0m", 1, 10, {}, {}, {}}};
  const std::string text = render_recipe_text(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

// ---- report.html -----------------------------------------------------------------

const char* const all_headings[] = {"Summary",
                                    "Stages",
                                    "Leaderboard",
                                    "Findings",
                                    "Data",
                                    "Dropped columns",
                                    "Learning-rate range test",
                                    "Learning curve",
                                    "Stage: overfit",
                                    "Confusion matrix",
                                    "Calibration",
                                    "Top losses",
                                    "Most confident mistakes",
                                    "Worst slices",
                                    "What the winner leans on",
                                    "Possible label errors",
                                    "Final configuration"};

TEST(RecipeHtml, SelfContainedPageWithEverySection) {
  const std::string html = render_recipe_html(options_for_test(), hostile_result());
  EXPECT_EQ(lower(html.substr(0, 15)), "<!doctype html>");
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:;"),
            std::string::npos);
  for (const char* heading : all_headings) {
    EXPECT_EQ(count_of(html, std::string("<h2>") + heading + "</h2>"), 1u) << heading;
  }
  // Stage sections only for stages with curves or an ablation.
  EXPECT_EQ(html.find("<h2>Stage: baseline</h2>"), std::string::npos);
  EXPECT_EQ(html.find("<h2>Stage: tune</h2>"), std::string::npos);
  // Nothing is loaded from elsewhere.
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src=\"http"), std::string::npos);
  // Each navigation link points at a section of the page.
  for (std::size_t at = html.find("<a href=\"#"); at != std::string::npos; at = html.find("<a href=\"#", at + 1)) {
    const std::size_t end = html.find('"', at + 10);
    const std::string id = html.substr(at + 10, end - at - 10);
    EXPECT_NE(html.find("<section id=\"" + id + "\">"), std::string::npos) << id;
  }
}

TEST(RecipeHtml, EveryDataStringIsEscaped) {
  const std::string html = render_recipe_html(options_for_test(), hostile_result());
  EXPECT_EQ(lower(html).find("<script"), std::string::npos);
  const std::string escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
  EXPECT_GE(count_of(html, escaped), 20u);
  EXPECT_NE(html.find("&quot;quotes&quot;"), std::string::npos);
  EXPECT_NE(html.find("net, &quot;quotes&quot;"), std::string::npos);
  EXPECT_NE(html.find("A&amp;B"), std::string::npos);
  EXPECT_EQ(html.find("A&B"), std::string::npos);
  EXPECT_EQ(html.find(quotes), std::string::npos);  // no data quote closes an attribute
}

TEST(RecipeHtml, ShowsTheNumbers) {
  const std::string html = render_recipe_html(options_for_test(), hostile_result());
  // The answer first: the headline before the selection details.
  const auto headline = html.find("<p class=\"headline\">best model: xgboost (xgboost), test auc 0.8412");
  ASSERT_NE(headline, std::string::npos);
  EXPECT_LT(headline, html.find("<p class=\"winner-line\">"));
  // Leaderboard: every candidate, the winner highlighted, NaN as n/a.
  EXPECT_NE(html.find("<tr class=\"winner\"><td class=\"num\">1</td><td>xgboost"), std::string::npos);
  EXPECT_NE(html.find("0.8412"), std::string::npos);
  EXPECT_NE(html.find("majority"), std::string::npos);
  EXPECT_NE(html.find("<th class=\"num\">val accuracy</th><th class=\"num\">test accuracy</th>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\"><strong>n/a</strong></td>"), std::string::npos);
  // Stages: verdicts as badges.
  EXPECT_NE(html.find("<span class=\"badge warn\">warn</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge\">skipped</span>"), std::string::npos);
  // Findings: errors first, evidence and fix.
  EXPECT_LT(html.find("<code>data.leakage</code>"), html.find("<code>train.overfitting</code>"));
  EXPECT_LT(html.find("<code>train.overfitting</code>"), html.find("<code>data.class_balance</code>"));
  EXPECT_NE(html.find("<strong>Fix:</strong> drop &lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<code>[1,2,3]</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>data.id_like</code>"), std::string::npos);
  // Confusion matrix: counts, shading by the row's share (100 of 120 on the diagonal).
  EXPECT_NE(html.find("style=\"background:rgba(46,125,50,0.667)\""), std::string::npos);
  EXPECT_NE(html.find("style=\"background:rgba(198,40,40,0.133)\""), std::string::npos);
  EXPECT_NE(html.find(">100</td>"), std::string::npos);
  // Calibration, LR range (suggested lr marked), ablation deltas with sign.
  EXPECT_NE(html.find("0.0312"), std::string::npos);
  EXPECT_NE(html.find("suggested lr " + format_number(1e-6 * std::pow(10.0, 8 * 0.3))), std::string::npos);
  EXPECT_NE(html.find(">+0.02</td>"), std::string::npos);
  EXPECT_NE(html.find(">-0.01</td>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge pass\">kept</span>"), std::string::npos);
  EXPECT_NE(html.find("best epoch 3 of 4"), std::string::npos);
  EXPECT_NE(html.find("More data would pay"), std::string::npos);
  EXPECT_NE(html.find("7 of 700 training rows"), std::string::npos);
  EXPECT_NE(html.find(">+0.0412</td>"), std::string::npos);  // importance, largest first
  EXPECT_LT(html.find(">+0.0412</td>"), html.find(">-0.001</td>"));
  EXPECT_NE(html.find("shuffled across the 120 rows"), std::string::npos);
  EXPECT_NE(html.find("<pre>model:\n  hidden: [256, 256]"), std::string::npos);
  // Rows of a table carry their raw cells.
  EXPECT_NE(html.find("<span class=\"muted\">income</span> 42"), std::string::npos);
}

TEST(RecipeHtml, EmptySectionsAreLeftOut) {
  RecipeResult r;
  r.task = "binary";
  r.metric = "auc";
  r.stopped = true;
  r.stop_reason = "after the inspect stage (--strict) on leakage: fix the data before training";
  r.stages = {{"inspect", Verdict::Fail, "leakage", 0.5, 30, {}, {}, {}}};
  const std::string html = render_recipe_html(options_for_test(), r);
  EXPECT_NE(html.find("<h2>Summary</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Stages</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Findings</h2>"), std::string::npos);
  EXPECT_NE(html.find("Stopped: after the inspect stage (--strict) on leakage"), std::string::npos);
  for (const char* heading :
       {"Leaderboard", "Data", "Dropped columns", "Learning-rate range test", "Learning curve", "Confusion matrix",
        "Calibration", "Top losses", "Most confident mistakes", "Worst slices", "What the winner leans on",
        "Possible label errors", "Final configuration"}) {
    EXPECT_EQ(html.find(std::string("<h2>") + heading + "</h2>"), std::string::npos) << heading;
  }
}

TEST(RecipeHtml, ImagesOnlyAsPngDataUris) {
  RecipeResult r = hostile_result();
  r.task = "multiclass";
  r.image_data = true;
  r.image_inspection.report = {{"kind", "images"},
                               {"directory", alert_payload},
                               {"classes", 2},
                               {"train", {{"images", 4}, {"height", 2}, {"width", 2}}},
                               {"verdict", "pass"},
                               {"verdict_text", "No problems found."},
                               {"contact_sheet",
                                {{{"class", 0}, {"rows", {1}}, {"png", tiny_png_uri()}},
                                 {{"class", 1}, {"rows", {2}}, {"png", "javascript:alert(1)"}}}}};
  r.analysis.top_losses[0].image_png = tiny_png_uri();
  r.analysis.top_losses[1].image_png = "x\" onerror=\"alert(1)";
  r.analysis.top_losses[0].cells.clear();
  r.analysis.top_losses[1].cells.clear();
  const std::string html = render_recipe_html(options_for_test(), r);
  std::size_t images = 0;
  for (std::size_t at = html.find("<img"); at != std::string::npos; at = html.find("<img", at + 1)) {
    ++images;
    EXPECT_EQ(html.compare(at, 32, "<img src=\"data:image/png;base64,"), 0);
  }
  EXPECT_EQ(images, 2u);                                                // class 0's examples and the first top loss
  EXPECT_NE(html.find("width=\"6\" height=\"6\""), std::string::npos);  // 2x2 pixels at scale 3
  EXPECT_NE(html.find("<h2>Data</h2>"), std::string::npos);
  EXPECT_EQ(html.find("onerror=\""), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
}

TEST(SvgLines, LegendGapsAndHighlights) {
  Series a{alert_payload, {{1, 1, "one"}, {2, nan, ""}, {3, 3, "three", true}}, "", false, true};
  Series b{"reference", {{1, 0, ""}, {3, 4, ""}}, "#123456", true, false};
  PlotOptions o;
  o.x_label = quotes;
  const std::string svg = svg_lines({a, b}, o);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("&quot;quotes&quot;"), std::string::npos);
  EXPECT_NE(svg.find(" M"), std::string::npos);  // the NaN point broke the line
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("r=\"6\""), std::string::npos);  // the highlighted point
  EXPECT_NE(svg.find("<title>one</title>"), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"#123456\""), std::string::npos);
  // Log axis: points at x <= 0 are left out, nothing breaks with no points.
  o.log_x = true;
  EXPECT_EQ(svg_lines({Series{"", {{0, 1, "zero"}, {-1, 2, "neg"}}, "", false, true}}, o).find("<circle"),
            std::string::npos);
  EXPECT_EQ(svg_lines({}, o).rfind("</svg>"), svg_lines({}, o).size() - 6);
}

// ---- in a browser ------------------------------------------------------------------

const std::string pwn_payload = "<script>document.body.setAttribute('data-pwned','1')</script>";
const std::string pwned = "data-pwned=\"1\"";

TEST(RecipeHtmlChromium, ControlPayloadRunsWhenNotEscaped) {
  REQUIRE_CHROMIUM();
  EXPECT_NE(dump_dom("<!DOCTYPE html><html><body><p>" + pwn_payload + "</p></body></html>").find(pwned),
            std::string::npos);
}

TEST(RecipeHtmlChromium, HostileReportShowsTextAndRunsNothing) {
  REQUIRE_CHROMIUM();
  const std::string dom = dump_dom(render_recipe_html(options_for_test(), hostile_result(pwn_payload)));
  for (const char* id : {"overview", "stages", "leaderboard", "findings", "confusion", "top-losses", "config"}) {
    EXPECT_NE(dom.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  // The leaderboard and confusion matrix arrived as text in their tables.
  EXPECT_NE(dom.find("<h2>Leaderboard</h2>"), std::string::npos);
  EXPECT_NE(dom.find("<td class=\"num\"><strong>0.85</strong></td>"), std::string::npos);
  EXPECT_NE(dom.find("net, \"quotes\""), std::string::npos);
  EXPECT_NE(dom.find("<h2>Confusion matrix</h2>"), std::string::npos);
  EXPECT_NE(dom.find("<th>A&amp;B</th>"), std::string::npos);
  EXPECT_NE(dom.find("<th>&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;</th>"),
            std::string::npos);
  EXPECT_NE(dom.find(">100</td>"), std::string::npos);
  EXPECT_EQ(dom.find(pwned), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace nnrecipe::test
