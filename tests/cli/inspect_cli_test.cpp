// `nnrecipe inspect` end to end: the summary, exit codes, --json with
// everything, --test, --show/--where/--sort, image directories, and the HTML
// report rendered in headless Chromium with hostile names in the data.
#include <nlohmann/json.hpp>

#include "browser_support.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

const std::string kScript = "<script>document.body.setAttribute('data-pwned','1')</script>";
const std::string kImg = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";

std::string credit() { return quote(source_dir() + "/examples/data/credit_data.csv"); }

// RFC 4180: a field in quotes, its quotes doubled.
std::string csv_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A small table with a hostile column name and category value, an id
// column and a planted copy of the target; rows numbered from `offset`.
std::string hostile_csv(std::size_t rows, std::size_t offset) {
  std::string csv = csv_quote(kScript) + ",kind,customer,leak,y\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t k = i + offset;
    const bool yes = (k * 7919) % 11 < 5;
    const std::string kind = k % 3 == 0 ? csv_quote(kImg) : k % 3 == 1 ? "plain" : "other";
    csv += std::to_string((k * 37) % 101 / 10.0 + (yes ? 1 : 0)) + "," + kind + ",c" + std::to_string(k) + "," +
           (yes ? "1" : "0") + "," + (yes ? "yes" : "no") + "\n";
  }
  return csv;
}

TEST(InspectCli, SummaryFindingsAndExitCode) {
  const CommandResult r = run_nnrecipe("inspect " + credit() + " --target Status");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"4454 rows x 14 columns", "<- target", "classes: good 3200", "findings:", "data.missing",
                           "fix:", "top features by predictive power", "Seniority", "verdict: WARN"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  // Errors come first and make the exit code 1: a target with one class.
  TempDir dir;
  write_text(dir.file("one.csv"), "x,y\n1,a\n2,a\n3,a\n");
  const CommandResult one = run_nnrecipe("inspect " + quote(dir.file("one.csv")) + " --target y");
  EXPECT_EQ(one.exit_code, 1) << one.out << one.err;
  EXPECT_NE(one.out.find("error data.single_class"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("verdict: FAIL"), std::string::npos) << one.out;
  // A misspelt target is bad usage: exit 2, naming the file and the columns.
  const CommandResult absent = run_nnrecipe("inspect " + credit() + " --target status");
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_NE(absent.err.find("credit_data.csv"), std::string::npos) << absent.err;
  EXPECT_NE(absent.err.find("Status"), std::string::npos) << absent.err;
  // --ignore silences a check and says so.
  const CommandResult quiet = run_nnrecipe("inspect " + credit() + " --target Status --ignore data.missing");
  EXPECT_EQ(quiet.out.find("info  data.missing"), std::string::npos);
  EXPECT_NE(quiet.out.find("silenced: [\"data.missing\"]"), std::string::npos) << quiet.out;
}

TEST(InspectCli, JsonHasProfilesFindingsAndPower) {
  TempDir dir;
  const CommandResult r = run_nnrecipe("inspect " + credit() + " --target Status --json " + quote(dir.file("i.json")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(read_text(dir.file("i.json")));
  EXPECT_EQ(j.at("kind"), "table");
  EXPECT_EQ(j.at("rows"), 4454);
  EXPECT_EQ(j.at("task"), "binary");
  EXPECT_EQ(j.at("verdict"), "warn");
  const nlohmann::json& income = j.at("columns").at(9);
  EXPECT_EQ(income.at("name"), "Income");
  EXPECT_EQ(income.at("missing"), 381);
  for (const char* key : {"min", "max", "mean", "std", "skew", "quantiles", "histogram", "lowest", "highest"}) {
    EXPECT_TRUE(income.at("numeric").contains(key)) << key;
  }
  EXPECT_EQ(income.at("numeric").at("histogram").at("counts").size(), 30u);
  EXPECT_EQ(j.at("columns").at(2).at("name"), "Home");
  EXPECT_EQ(j.at("columns").at(2).at("top_values").at(0).at("value"), "owner");
  EXPECT_EQ(j.at("target_profile").at("classes").at(1).at("count"), 1254);
  EXPECT_EQ(j.at("predictive_power").at("metric"), "auc");
  EXPECT_EQ(j.at("predictive_power").at("features").size(), 13u);
  for (const auto& f : j.at("findings")) {
    for (const char* key : {"id", "severity", "stage", "message", "evidence", "fix"}) EXPECT_TRUE(f.contains(key));
  }
}

TEST(InspectCli, TestFileChecksOverlapAndDrift) {
  TempDir dir;
  write_text(dir.file("train.csv"), hostile_csv(300, 0));
  write_text(dir.file("test.csv"), hostile_csv(100, 250));  // 50 rows shared with train
  const CommandResult r = run_nnrecipe("inspect " + quote(dir.file("train.csv")) + " --target y --test " +
                                       quote(dir.file("test.csv")) + " --json " + quote(dir.file("i.json")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(read_text(dir.file("i.json")));
  EXPECT_EQ(j.at("test").at("rows"), 100);
  std::vector<std::string> ids;
  for (const auto& f : j.at("findings")) ids.push_back(f.at("id"));
  for (const char* id : {"data.train_test_overlap", "data.new_categories", "data.leakage", "data.id_like"}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id << " in " << r.out;
  }
  // A test file without a training column is bad input, named.
  write_text(dir.file("short.csv"), "kind,y\nplain,yes\n");
  const CommandResult bad =
      run_nnrecipe("inspect " + quote(dir.file("train.csv")) + " --target y --test " + quote(dir.file("short.csv")));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("short.csv"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("is missing"), std::string::npos) << bad.err;
}

TEST(InspectCli, ShowWhereSortLimit) {
  const CommandResult r =
      run_nnrecipe("inspect " + credit() + " --where 'Income > 300' --sort -Income --limit 3 --columns Income,Status");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("959"), std::string::npos) << r.out;  // the largest income first
  EXPECT_NE(r.out.find("of 4454 rows match; showing 3"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Seniority"), std::string::npos) << "only the asked columns";
  // The rows a finding names can be looked at.
  const CommandResult rows = run_nnrecipe("inspect " + credit() + " --show rows:1022,1023");
  EXPECT_EQ(rows.exit_code, 0) << rows.err;
  EXPECT_NE(rows.out.find("1022"), std::string::npos);
  const CommandResult bad = run_nnrecipe("inspect " + credit() + " --where 'Incme > 3'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("Incme"), std::string::npos) << bad.err;
}

TEST(InspectCli, ImageDirectoryWithHtml) {
  TempDir dir;
  const CommandResult r = run_nnrecipe("inspect " + quote(test_data("good/idx_tiny_gz")) + " --json " +
                                       quote(dir.file("i.json")) + " --html " + quote(dir.file("i.html")));
  ASSERT_LE(r.exit_code, 1) << r.err;
  const nlohmann::json j = nlohmann::json::parse(read_text(dir.file("i.json")));
  EXPECT_EQ(j.at("kind"), "images");
  EXPECT_TRUE(j.contains("contact_sheet"));
  const std::string html = read_text(dir.file("i.html"));
  for (const char* id : {"id=\"classes\"", "id=\"pixels\"", "id=\"contact-sheet\"", "data:image/png;base64,"}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
}

TEST(InspectCli, HtmlReportRendersInChromiumAndRunsNoScriptFromData) {
  REQUIRE_CHROMIUM();
  TempDir dir;
  write_text(dir.file("train.csv"), hostile_csv(300, 0));
  write_text(dir.file("test.csv"), hostile_csv(100, 1000));
  const CommandResult r = run_nnrecipe("inspect " + quote(dir.file("train.csv")) + " --target y --test " +
                                       quote(dir.file("test.csv")) + " --html " + quote(dir.file("r.html")));
  ASSERT_LE(r.exit_code, 1) << r.err;
  const std::string dom = dump_dom(read_text(dir.file("r.html")));
  for (const char* section : {"overview", "findings", "target", "power", "columns", "correlation", "drift"}) {
    EXPECT_NE(dom.find(std::string("id=\"") + section + "\""), std::string::npos) << section;
  }
  // A payload that ran would have set the attribute on <body>; its text
  // (escaped) is expected in the page.
  EXPECT_EQ(dom.find("data-pwned=\"1\""), std::string::npos) << "a script from the data ran";
  EXPECT_NE(dom.find("&lt;script&gt;document.body"), std::string::npos) << "the column name shows as text";
  EXPECT_NE(dom.find("data.leakage"), std::string::npos);
}

TEST(InspectCli, ReportFilesAreNotHalfWrittenOnBadInput) {
  TempDir dir;
  write_text(dir.file("bad.csv"), "a,b\n1,2\n3\n");
  const CommandResult r = run_nnrecipe("inspect " + quote(dir.file("bad.csv")) + " --json " +
                                       quote(dir.file("i.json")) + " --html " + quote(dir.file("i.html")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(exists(dir.file("i.json")));
  EXPECT_FALSE(exists(dir.file("i.html")));
}

}  // namespace
}  // namespace nnrecipe::test
