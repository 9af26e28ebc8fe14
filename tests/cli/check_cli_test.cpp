// `nnrecipe check`, `nnrecipe checks` and the checks `nnrecipe train` runs
// first, as a user runs them.
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "nnrecipe/check_catalogue.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

#define REQUIRE_SHARED(file) \
  if (!exists(shared_dataset(file))) GTEST_SKIP() << "shared datasets not found"

std::string credit_args() {
  return "--set data.train=" + quote(shared_dataset("credit_data.csv")) + " --set data.target=Status";
}

nlohmann::json json_file(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

TEST(CheckCli, MseOnABinaryTargetIsAnErrorWithEvidence) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string json = dir.file("findings.json");
  const CommandResult r = run_nnrecipe("check " + credit_args() + " --set train.loss=mse --json " + quote(json));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("error config.loss_task_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: set train.loss=bce"), std::string::npos) << r.out;
  const nlohmann::json j = json_file(json);
  ASSERT_EQ(j.at("findings").size(), 1u) << j.dump(2);
  const nlohmann::json& f = j.at("findings")[0];
  EXPECT_EQ(f.at("id"), "config.loss_task_mismatch");
  EXPECT_EQ(f.at("severity"), "error");
  EXPECT_EQ(f.at("stage"), "lint");
  EXPECT_EQ(f.at("evidence").at("loss"), "mse");
  EXPECT_EQ(f.at("evidence").at("task"), "binary");
  EXPECT_FALSE(f.at("fix").get<std::string>().empty());
}

TEST(CheckCli, DefaultConfigIsQuiet) {
  REQUIRE_SHARED("credit_data.csv");
  const CommandResult r = run_nnrecipe("check " + credit_args());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("checks: no findings"), std::string::npos) << r.out;
}

TEST(CheckCli, WarningsAloneExitZero) {
  REQUIRE_SHARED("credit_data.csv");
  const CommandResult r = run_nnrecipe("check " + credit_args() + " --set train.lr=10 --set model.dropout=0.9");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("warn  config.lr_range"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warn  config.dropout_range"), std::string::npos) << r.out;
}

TEST(CheckCli, TrainStopsBeforeTrainingOnAnErrorAndKeepsTheFindings) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  const CommandResult r = run_nnrecipe("train " + credit_args() +
                                       " --set model.output_activation=sigmoid --quiet --out " + quote(run));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("not training"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(run + "/summary.json"));
  const nlohmann::json j = json_file(run + "/findings.json");
  ASSERT_FALSE(j.at("findings").empty());
  EXPECT_EQ(j.at("findings")[0].at("id"), "config.double_activation");
}

TEST(CheckCli, IgnoredCheckLetsTrainingRunAndTheSummarySaysSo) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  const CommandResult r =
      run_nnrecipe("train " + credit_args() +
                   " --set train.loss=mse --set 'checks.ignore=[config.loss_task_mismatch]' --set train.epochs=2"
                   " --quiet --out " + quote(run));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("silenced by checks.ignore: config.loss_task_mismatch"), std::string::npos) << r.out;
  EXPECT_TRUE(exists(run + "/summary.json"));
  const nlohmann::json j = json_file(run + "/findings.json");
  EXPECT_TRUE(j.at("findings").empty());
  EXPECT_EQ(j.at("ignored")[0], "config.loss_task_mismatch");
}

TEST(CheckCli, NoPreflightSkipsTheChecks) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  const CommandResult r = run_nnrecipe("train " + credit_args() +
                                       " --set train.loss=mse --set train.epochs=1 --no-preflight --quiet --out " +
                                       quote(run));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(exists(run + "/findings.json"));
}

TEST(ChecksCli, ListsEveryRegisteredCheck) {
  const CommandResult r = run_nnrecipe("checks");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const CheckInfo& c : check_catalogue()) EXPECT_NE(r.out.find(c.id), std::string::npos) << c.id;
}

// docs/checks.md is generated from the registry; keep it in step.
TEST(ChecksCli, ReferenceDocMatchesTheRegistry) {
  EXPECT_EQ(read_text(source_dir() + "/docs/checks.md"), checks_reference_markdown())
      << "regenerate with: build/src/nnrecipe checks --markdown > docs/checks.md";
}

}  // namespace
}  // namespace nnrecipe::test

namespace nnrecipe::test {
namespace {

// False alarms are bugs too: default training runs on real data raise no
// warning or error, preflight or monitor.
TEST(CheckCli, HealthyTrainingRunsRaiseNoWarning) {
  for (const auto& [file, target] : std::vector<std::pair<std::string, std::string>>{
           {"credit_data.csv", "Status"}, {"breast_cancer.csv", "Class"},
           {"concrete.csv", "compressive_strength"}, {"ames.csv", "Sale_Price"}}) {
    if (!exists(shared_dataset(file))) GTEST_SKIP() << "shared datasets not found";
    TempDir dir;
    const std::string run = dir.file("run");
    const CommandResult r = run_nnrecipe("train --set data.train=" + quote(shared_dataset(file)) +
                                         " --set data.target=" + target + " --set train.epochs=20 --quiet --out " +
                                         quote(run));
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.out << r.err;
    const nlohmann::json j = json_file(run + "/findings.json");
    for (const auto& f : j.at("findings")) {
      EXPECT_EQ(f.at("severity"), "info") << file << ": " << f.dump();
    }
  }
}

}  // namespace
}  // namespace nnrecipe::test
