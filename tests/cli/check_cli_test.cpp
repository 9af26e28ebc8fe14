// `nnrecipe check`, `nnrecipe checks` and the checks `nnrecipe train` runs
// first, as a user runs them.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nnrecipe/check_catalogue.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

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
  const CommandResult r =
      run_nnrecipe("train " + credit_args() + " --set model.output_activation=sigmoid --quiet --out " + quote(run));
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
                   " --quiet --out " +
                   quote(run));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("silenced by checks.ignore: config.loss_task_mismatch"), std::string::npos) << r.out;
  EXPECT_TRUE(exists(run + "/summary.json"));
  const nlohmann::json j = json_file(run + "/findings.json");
  EXPECT_TRUE(j.at("findings").empty());
  EXPECT_EQ(j.at("ignored")[0], "config.loss_task_mismatch");
}

TEST(CheckCli, NoChecksSkipsEveryCheck) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  const CommandResult r = run_nnrecipe(
      "train " + credit_args() + " --set train.loss=mse --set train.epochs=1 --no-checks --quiet --out " + quote(run));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(exists(run + "/findings.json"));
}

// --no-preflight skips only the preflight: the config lint still stops MSE
// on a binary label.
TEST(CheckCli, NoPreflightKeepsTheLint) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  const CommandResult r =
      run_nnrecipe("train " + credit_args() +
                   " --set train.loss=mse --set train.epochs=1 --no-preflight --quiet --out " + quote(run));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(read_text(run + "/findings.json").find("config.loss_task_mismatch"), std::string::npos);
}

TEST(CheckCli, FixWritesACorrectedConfigBesideTheOriginalAndNeverOverIt) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string config = dir.file("credit.yaml");
  const std::string original = "data:\n  train: " + shared_dataset("credit_data.csv") +
                               "\n  target: Status\nmodel:\n  dropout: 0.9\n  init_output_bias: false\n"
                               "train:\n  lr: 5\n  loss: mse\n";
  write_text(config, original);
  const CommandResult r = run_nnrecipe("check " + quote(config) + " --fix");
  // The corrected config checks clean, so the command exits 0.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_text(config), original);  // never changed in place
  const std::string fixed = dir.file("credit.fixed.yaml");
  ASSERT_TRUE(exists(fixed)) << r.out;
  for (const char* change : {"train.loss: mse -> auto", "train.lr: 5 -> 0.0003", "model.dropout: 0.9 -> 0",
                             "model.init_output_bias: false -> true  (init.output_bias)"}) {
    EXPECT_NE(r.out.find(change), std::string::npos) << change << "\n" << r.out;
  }
  // The written file is a config like any other: it checks clean from anywhere.
  const CommandResult again = run_nnrecipe("check " + quote(fixed));
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("checks: no findings"), std::string::npos) << again.out;
  // Naming the input as the output is refused, and the input survives.
  const CommandResult refused = run_nnrecipe("check " + quote(config) + " --fix " + quote(config));
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("never overwrites"), std::string::npos) << refused.err;
  EXPECT_EQ(read_text(config), original);
}

TEST(CheckCli, FixWithNothingMechanicalWritesNothing) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string out = dir.file("fixed.yaml");
  const CommandResult r = run_nnrecipe("check " + credit_args() + " --fix " + quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("nothing written"), std::string::npos) << r.out;
  EXPECT_FALSE(exists(out));
}

// Labels shuffled against their rows: the loss still falls to the prior's,
// and only the comparison with a constant model shows that nothing is learnt.
// Shuffled labels are found before training: a warning with its evidence (a
// statistic, not a proof, so the run goes on: the user sees it first).
TEST(CheckCli, ShuffledLabelsAreReportedBeforeTraining) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  std::vector<std::string> lines;
  {
    std::istringstream in(read_text(shared_dataset("credit_data.csv")));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  // Status is the first column: permute it across the data rows.
  std::vector<std::string> labels, rests;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto comma = lines[i].find(',');
    labels.push_back(lines[i].substr(0, comma));
    rests.push_back(lines[i].substr(comma));
  }
  std::shuffle(labels.begin(), labels.end(), std::mt19937(7));
  std::string csv = lines[0] + "\n";
  for (std::size_t i = 0; i < labels.size(); ++i) csv += labels[i] + rests[i] + "\n";
  const std::string data = dir.file("shuffled.csv");
  write_text(data, csv);
  const std::string run = dir.file("run");
  const CommandResult r =
      run_nnrecipe("train --set data.train=" + quote(data) + " --set data.target=Status --quiet --out " + quote(run));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto warning = r.out.find("warn  baseline.input_independent");
  ASSERT_NE(warning, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("with 99% confidence", warning), std::string::npos) << r.out;
  EXPECT_TRUE(exists(run + "/summary.json"));
  // The same command on the real file trains (HealthyTrainingRunsRaiseNoWarning covers that).
}

// The trainer's networks report their activations to the doctor: at init
// (preflight) and on check steps while training.
TEST(CheckCli, DeadReluUnitsInTheConfiguredNetwork) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string json = dir.file("findings.json");
  const CommandResult r =
      run_nnrecipe("check " + credit_args() + " --set model.hidden_bias_init=-10 --json " + quote(json));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // grad.coverage and overfit.one_batch are errors
  bool dead = false;
  const nlohmann::json found = json_file(json);  // outlives the loop (a temporary's member would not)
  for (const auto& f : found.at("findings")) {
    if (f.at("id") != "train.dead_relu") continue;
    dead = true;
    EXPECT_EQ(f.at("stage"), "preflight");
    EXPECT_EQ(f.at("evidence").at("layer"), "body.1");
    EXPECT_EQ(f.at("fix_set"), (nlohmann::json{{"model.hidden_bias_init", nullptr}}));
  }
  EXPECT_TRUE(dead) << r.out;
}

TEST(CheckCli, EpochMonitorsSeeTheTrainersCurves) {
  REQUIRE_SHARED("letter.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  // Heavy dropout: accuracy measured while training trails validation's.
  const CommandResult r = run_nnrecipe("train --set data.train=" + quote(shared_dataset("letter.csv")) +
                                           " --set data.target=lettr --set model.dropout=0.6 --set train.epochs=6 "
                                           "--set train.seed=1 --quiet --out " +
                                           quote(run),
                                       600);  // 6 epochs of letter take minutes under the sanitizers
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  bool found = false;
  const nlohmann::json j = json_file(run + "/findings.json");
  for (const auto& f : j.at("findings")) {
    if (f.at("id") == "train.val_better_than_train") {
      found = true;
      EXPECT_GT(f.at("evidence").at("val_accuracy").get<double>(),
                f.at("evidence").at("train_accuracy").get<double>() + 0.05);
      EXPECT_GE(f.at("seconds").get<double>(), 0.0);
    }
  }
  EXPECT_TRUE(found) << read_text(run + "/findings.json");
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
  for (const auto& [file, target] :
       std::vector<std::pair<std::string, std::string>>{{"credit_data.csv", "Status"},
                                                        {"breast_cancer.csv", "Class"},
                                                        {"concrete.csv", "compressive_strength"},
                                                        {"ames.csv", "Sale_Price"}}) {
    if (!exists(shared_dataset(file))) GTEST_SKIP() << "test datasets not found";
    TempDir dir;
    const std::string run = dir.file("run");
    const CommandResult r =
        run_nnrecipe("train --set data.train=" + quote(shared_dataset(file)) + " --set data.target=" + target +
                     " --set train.epochs=20 --quiet --out " + quote(run));
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.out << r.err;
    const nlohmann::json j = json_file(run + "/findings.json");
    for (const auto& f : j.at("findings")) {
      EXPECT_EQ(f.at("severity"), "info") << file << ": " << f.dump();
    }
  }
}

}  // namespace
}  // namespace nnrecipe::test
