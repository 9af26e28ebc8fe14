// `nnrecipe train` and `nnrecipe predict` end to end, as a user runs them.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

std::string data_args(const std::string& file, const std::string& target) {
  return "--set data.train=" + quote(shared_dataset(file)) + " --set data.target=" + target;
}

nlohmann::json json_file(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

TEST(TrainCli, TrainThenPredictANewCsv) {
  REQUIRE_SHARED("breast_cancer.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  const CommandResult r = run_nnrecipe("train " + data_args("breast_cancer.csv", "Class") +
                                       " --set train.epochs=8 --set train.lr=0.003 --quiet --out " + quote(run));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("run directory: " + run), std::string::npos) << r.out;
  const nlohmann::json summary = json_file(run + "/summary.json");
  EXPECT_EQ(summary.at("task"), "binary");
  for (const char* key : {"accuracy", "balanced_accuracy", "log_loss", "auc", "pr_auc", "macro_f1"}) {
    EXPECT_TRUE(summary.at("test").contains(key)) << key;
  }
  EXPECT_GT(summary.at("test").at("auc").get<double>(), 0.95);  // references: 0.976-0.998
  EXPECT_GT(summary.at("params").get<int>(), 0);
  const std::string jsonl = read_text(run + "/metrics.jsonl");
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), summary.at("epochs").get<int>());
  for (const char* f :
       {"/config.yaml", "/checkpoint.pt", "/model/weights.pt", "/model/transform.json", "/model/meta.json"}) {
    EXPECT_TRUE(exists(run + f)) << f;
  }

  // Predict the whole file (target column present but unused) and check the
  // predictions agree with the labels: the saved model is the trained one.
  const std::string preds = dir.file("preds/predictions.csv");
  const CommandResult p =
      run_nnrecipe("predict " + quote(run + "/model") + " " + quote(shared_dataset("breast_cancer.csv")) + " --out " +
                   quote(dir.file("preds")));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  std::istringstream lines(read_text(preds));
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "prediction,prob_benign,prob_malignant");
  std::istringstream truth(read_text(shared_dataset("breast_cancer.csv")));
  std::string truth_line;
  std::getline(truth, truth_line);
  int rows = 0, correct = 0;
  for (std::string line; std::getline(lines, line) && std::getline(truth, truth_line); ++rows) {
    const std::string predicted = line.substr(0, line.find(','));
    correct += truth_line.find("\"" + predicted + "\"") != std::string::npos;
  }
  EXPECT_EQ(rows, 699);
  EXPECT_GT(correct, 0.93 * rows);
}

TEST(TrainCli, SameSeedSameSummaryMetrics) {
  REQUIRE_SHARED("concrete.csv");
  TempDir dir;
  const std::string args = "train " + data_args("concrete.csv", "compressive_strength") +
                           " --set train.epochs=4 --set model.dropout=0.1 --quiet --out ";
  ASSERT_EQ(run_nnrecipe(args + quote(dir.file("a"))).exit_code, 0);
  ASSERT_EQ(run_nnrecipe(args + quote(dir.file("b"))).exit_code, 0);
  const nlohmann::json a = json_file(dir.file("a/summary.json")), b = json_file(dir.file("b/summary.json"));
  EXPECT_EQ(a.at("val"), b.at("val"));
  EXPECT_EQ(a.at("test"), b.at("test"));
  EXPECT_TRUE(a.at("test").contains("rmse") && a.at("test").contains("r2") && a.at("test").contains("mae"));
}

// A run killed with SIGKILL mid-training and resumed ends with exactly the
// metrics of an uninterrupted run with the same seed.
TEST(TrainCli, KilledRunResumesToTheSameResult) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string train = std::string("'") + NNRECIPE_BINARY + "' train " + data_args("credit_data.csv", "Status") +
                            " --set train.epochs=8 --set model.dropout=0.1 --quiet --out ";
  ASSERT_EQ(run_command(train + quote(dir.file("whole"))).exit_code, 0);
  // Start, wait for the second epoch's checkpoint, kill -9 in the middle of
  // the run. The wait allows 5 minutes: under the sanitizers the preflight
  // alone takes most of a minute.
  const std::string killed = dir.file("killed");
  write_text(dir.file("kill.sh"), "(exec " + train + quote(killed) +
                                      ") & pid=$!\n"
                                      "for i in $(seq 6000); do [ \"$(cat " +
                                      quote(killed) +
                                      "/metrics.jsonl 2>/dev/null | wc -l)\" -ge 2 ] && break; sleep 0.05; done\n"
                                      "kill -9 $pid; wait $pid; echo killed\n");
  const CommandResult k = run_command("bash " + quote(dir.file("kill.sh")));
  ASSERT_NE(k.out.find("killed"), std::string::npos);
  ASSERT_FALSE(exists(killed + "/summary.json")) << "the run finished before it was killed";
  const CommandResult resumed = run_nnrecipe("train --quiet --resume " + quote(killed));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const nlohmann::json a = json_file(dir.file("whole/summary.json")), b = json_file(killed + "/summary.json");
  EXPECT_EQ(a.at("val"), b.at("val"));
  EXPECT_EQ(a.at("test"), b.at("test"));
  EXPECT_EQ(a.at("best_epoch"), b.at("best_epoch"));
}

// A damaged checkpoint is bad input: exit 2 and a message naming it, not
// LibTorch's stack trace.
TEST(TrainCli, DamagedCheckpointOnResumeIsBadInput) {
  REQUIRE_SHARED("credit_data.csv");
  TempDir dir;
  const std::string run = dir.file("run");
  ASSERT_EQ(run_nnrecipe("train " + data_args("credit_data.csv", "Status") + " --set train.epochs=1 --quiet --out " +
                         quote(run))
                .exit_code,
            0);
  write_text(run + "/checkpoint.pt", "not a checkpoint");
  const CommandResult r = run_nnrecipe("train --quiet --resume " + quote(run));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(run + "/checkpoint.pt"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Exception raised from"), std::string::npos) << r.err;
}

// Ctrl-C (a real SIGINT, to a job-controlled background process as a
// terminal sends it) ends training within a step: exit 130, the model holds
// the best weights so far, the summary says it was interrupted, and the
// last complete epoch's checkpoint is there to resume from.
TEST(TrainCli, InterruptKeepsTheBestWeightsAndExits130) {
  TempDir dir;
  const std::string run = dir.file("run");
  const std::string data = source_dir() + "/examples/data/credit_data.csv";
  const CommandResult r = signal_nnrecipe_when(
      "train --set data.train=" + quote(data) +
          " --set data.target=Status --set train.epochs=100000 --set train.early_stopping.patience=0 --quiet --out " +
          quote(run),
      "[ \"$(cat " + quote(run) + "/metrics.jsonl 2>/dev/null | wc -l)\" -ge 2 ]", "INT", 600);
  EXPECT_NE(r.out.find("rc=130"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("interrupted (SIGINT)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
  const nlohmann::json summary = json_file(run + "/summary.json");
  EXPECT_EQ(summary.at("interrupted"), "SIGINT");
  EXPECT_GE(summary.at("epochs").get<int>(), 2);
  EXPECT_TRUE(summary.at("test").contains("auc"));
  EXPECT_TRUE(exists(run + "/checkpoint.pt"));
  EXPECT_FALSE(exists(run + "/checkpoint.pt.tmp"));
  const CommandResult p =
      run_nnrecipe("predict " + quote(run + "/model") + " " + quote(data) + " --out " + quote(dir.file("p")));
  EXPECT_EQ(p.exit_code, 0) << p.err;
}

TEST(TrainCli, ConfigErrorsExitTwoNamingFileLineAndKey) {
  TempDir dir;
  write_text(dir.file("bad.yaml"), "data:\n  target: y\ntrain:\n  epochz: 3\n");
  const CommandResult r = run_nnrecipe("train " + quote(dir.file("bad.yaml")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:4:3: unknown key 'train.epochz' (did you mean 'train.epochs'?)"), std::string::npos)
      << r.err;
  const CommandResult missing = run_nnrecipe("train --set data.target=y");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("data.train"), std::string::npos) << missing.err;
  const CommandResult no_model = run_nnrecipe("predict " + quote(dir.path()) + " x.csv");
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_NE(no_model.err.find("meta.json"), std::string::npos) << no_model.err;
}

}  // namespace
}  // namespace nnrecipe::test

namespace nnrecipe::test {
namespace {

TEST(BaselineCli, LeaderboardRanksEveryModelOnValidation) {
  if (!exists(shared_dataset("breast_cancer.csv"))) GTEST_SKIP() << "test datasets not found";
  TempDir dir;
  const CommandResult r = run_nnrecipe("baseline " + quote(shared_dataset("breast_cancer.csv")) +
                                       " --target Class --set train.epochs=10 --out " + quote(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json board = nlohmann::json::parse(read_text(dir.file("summary.json")));
  EXPECT_EQ(board.at("selection_metric"), "auc");
  // The same leaderboard.csv columns as `nnrecipe run`'s, one row per model.
  const std::string csv = read_text(dir.file("leaderboard.csv"));
  EXPECT_EQ(csv.rfind("name,kind,val_auc,", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << csv;
  ASSERT_EQ(board.at("models").size(), 4u);
  std::map<std::string, double> val_auc, test_auc;
  for (const auto& m : board.at("models")) {
    val_auc[m.at("name")] = m.at("val").at("auc");
    test_auc[m.at("name")] = m.at("test").at("auc");
  }
  EXPECT_EQ(val_auc.at("majority"), 0.5);  // the prior ranks nothing
  for (const char* model : {"linear", "xgboost", "network"}) EXPECT_GT(test_auc.at(model), 0.95) << model;
  // Ranked by validation: the winner has the highest validation AUC.
  EXPECT_EQ(board.at("models").at(0).at("val").at("auc").get<double>(),
            std::max({val_auc["majority"], val_auc["linear"], val_auc["xgboost"], val_auc["network"]}));
  EXPECT_EQ(board.at("winner"), board.at("models").at(0).at("name"));
  EXPECT_TRUE(exists(dir.file("network/model/weights.pt")));
  EXPECT_NE(r.out.find("xgboost"), std::string::npos);
}

}  // namespace
}  // namespace nnrecipe::test
