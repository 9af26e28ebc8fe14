// Awkward but valid inputs through the binary: they read (no bad-input exit
// 2, nothing on stderr) and the schema says what the file holds. Most are a
// few rows long, too few to split for training: inspect says so with exit 1
// (data.too_few_rows), which is a finding about the data, not a read error.
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

nlohmann::json inspect_json(const std::string& input, const std::string& extra = "") {
  TempDir dir;
  const CommandResult r =
      run_nnrecipe("inspect " + quote(input) + " --json " + quote(dir.file("s.json")) + " " + extra);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  return nlohmann::json::parse(read_text(dir.file("s.json")));
}

TEST(GoodInputs, EveryFixtureReadsWithoutAnInputError) {
  for (const char* name :
       {"bom_crlf.csv", "quoted_newlines.csv", "semicolon.csv", "tab.tsv", "nonfinite.csv", "missing_tokens.csv",
        "booleans.csv", "no_trailing_newline.csv", "idx_tiny_gz", "idx_tiny_plain"}) {
    SCOPED_TRACE(name);
    const CommandResult r = run_nnrecipe("inspect " + quote(test_data(std::string("good/") + name)));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_NE(r.out.find("verdict:"), std::string::npos) << r.out;
  }
}

TEST(GoodInputs, SchemaJsonHasTheDocumentedShape) {
  const nlohmann::json j = inspect_json(test_data("good/quoted_newlines.csv"), "--target value");
  EXPECT_EQ(j.at("rows"), 3);
  ASSERT_EQ(j.at("columns").size(), 3u);
  const nlohmann::json& comment = j.at("columns").at(1);
  EXPECT_EQ(comment.at("name"), "comment");
  EXPECT_EQ(comment.at("type"), "categorical");
  EXPECT_EQ(comment.at("missing"), 0);
  EXPECT_EQ(comment.at("distinct"), 3);
  EXPECT_EQ(j.at("target"), "value");
}

TEST(GoodInputs, WideAndLongFieldFilesThroughTheBinary) {
  TempDir dir;
  std::string wide;
  for (int c = 0; c < 5000; ++c) wide += (c ? ",c" : "c") + std::to_string(c);
  wide += "\n";
  for (int r = 0; r < 20; ++r) {
    for (int c = 0; c < 5000; ++c) wide += (c ? "," : "") + std::to_string(r + c);
    wide += "\n";
  }
  write_text(dir.file("wide.csv"), wide);
  const nlohmann::json w = inspect_json(dir.file("wide.csv"));
  EXPECT_EQ(w.at("rows"), 20);
  EXPECT_EQ(w.at("columns").size(), 5000u);
  write_text(dir.file("long.csv"), "a,b\n\"" + std::string(1 << 20, 'z') + "\",1\n");
  EXPECT_EQ(inspect_json(dir.file("long.csv")).at("columns").at(0).at("distinct"), 1);
}

TEST(GoodInputs, ImageDirectorySummary) {
  const nlohmann::json j = inspect_json(test_data("good/idx_tiny_gz"));
  EXPECT_EQ(j.at("kind"), "images");
  EXPECT_EQ(j.at("classes"), 3);
  EXPECT_EQ(j.at("train").at("images"), 12);
  EXPECT_EQ(j.at("test").at("images"), 6);
}

TEST(GoodInputs, FashionMnistThroughTheBinary) {
  if (!exists(fashion_mnist_dir())) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  const nlohmann::json j = inspect_json(fashion_mnist_dir());
  EXPECT_EQ(j.at("train").at("images"), 60000);
  EXPECT_EQ(j.at("test").at("images"), 10000);
  EXPECT_EQ(j.at("train").at("height"), 28);
}

}  // namespace
}  // namespace nnrecipe::test
