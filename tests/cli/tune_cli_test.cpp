// `nnrecipe tune` end to end on the bundled credit data: a small study with
// ASHA writes every artefact, resumes without rerunning finished trials,
// refuses to mix studies, runs trials in parallel, honours the budget, and a
// grid has the grid's size.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

const char* kSpace =
    "train.lr: {log_uniform: [1.0e-3, 1.0e-2]}\n"
    "model.hidden: {choice: [[16], [32, 32]]}\n";

std::string tune(const TempDir& dir, const std::string& extra) {
  write_text(dir.file("space.yaml"), kSpace);
  return "tune " + quote(source_dir() + "/examples/configs/credit_mlp.yaml") +
         " --set train.epochs=4 --set train.early_stopping.patience=0 --space " + quote(dir.file("space.yaml")) +
         " --out " + quote(dir.file("study")) + " " + extra;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(TuneCli, StudyWithAshaWritesEverythingAndResumes) {
  TempDir dir;
  const CommandResult r = run_nnrecipe(tune(dir, "--trials 5 --grace 1 --eta 2"), 300);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("best: trial"), std::string::npos) << r.out;
  const nlohmann::json s = nlohmann::json::parse(read_text(dir.file("study/summary.json")));
  EXPECT_EQ(s.at("metric"), "auc");
  ASSERT_EQ(s.at("trials").size(), 5u);
  int64_t epochs = 0;
  for (const auto& t : s.at("trials")) {
    EXPECT_NE(t.at("stopped"), "failed") << t.dump();
    EXPECT_EQ(t.at("curve").size(), t.at("epochs").get<std::size_t>());
    epochs += t.at("epochs").get<int64_t>();
  }
  EXPECT_EQ(s.at("total_epochs"), epochs);
  EXPECT_LT(epochs, 5 * 4) << "ASHA stopped no trial";
  // Every decision is logged: a promotion only from the top 1/eta of the
  // trials recorded at its rung, and a stop for every trial left paused.
  const std::string asha = read_text(dir.file("study/asha.jsonl"));
  EXPECT_GE(count(asha, "\"decision\""), 5u);
  EXPECT_NE(asha.find("\"decision\":\"stop\""), std::string::npos) << asha;
  std::size_t promotions = 0, stops = 0;
  std::istringstream lines(asha);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json d = nlohmann::json::parse(line);
    if (d.at("decision") == "promote") {
      ++promotions;
      EXPECT_LE(d.at("rank").get<int>() * 2, d.at("of").get<int>()) << line;
    } else {
      ++stops;
    }
  }
  std::size_t asha_stopped = 0;
  for (const auto& t : s.at("trials")) asha_stopped += t.at("stopped") == "asha" ? 1 : 0;
  EXPECT_EQ(stops, asha_stopped);
  EXPECT_GE(promotions, 2u) << asha;  // rung 1 to 2, and one trial on to the full 4 epochs
  EXPECT_EQ(count(read_text(dir.file("study/trials.csv")), "\n"), 6u);
  // The best config trains as it is.
  EXPECT_EQ(run_nnrecipe("config " + quote(dir.file("study/best.yaml"))).exit_code, 0);
  const std::string html = read_text(dir.file("study/report.html"));
  for (const char* id :
       {"id=\"overview\"", "id=\"best-so-far\"", "id=\"asha\"", "id=\"parameters\"", "id=\"trials\"", "<svg"}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }

  // Rerun: nothing trains again; the same best.
  const CommandResult again = run_nnrecipe(tune(dir, "--trials 5 --grace 1 --eta 2"), 300);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("5 of 5 trials already finished"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("started"), std::string::npos) << again.out;
  // A trial whose result is missing (killed before it finished) runs again, alone.
  std::remove(dir.file("study/trials/0003/result.json").c_str());
  const CommandResult one = run_nnrecipe(tune(dir, "--trials 5 --grace 1 --eta 2"), 300);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(count(one.out, "started"), 1u) << one.out;
  EXPECT_NE(one.out.find("trial 3 started"), std::string::npos) << one.out;
  // Killed while a promoted trial trained on: its result is still the one it
  // paused with at the rung before. The rerun promotes it again and its run
  // continues from the checkpoint, not from scratch.
  const nlohmann::json done = nlohmann::json::parse(read_text(dir.file("study/summary.json")));
  // The best trial: the top of every rung it passed, so promoted again.
  const auto full = done.at("best").at("trial").get<std::size_t>();
  const double full_score = done.at("best").at("score").get<double>();
  ASSERT_EQ(done.at("trials").at(full).at("epochs"), 4);
  const std::string result_path = dir.file("study/trials/" + fmt::format("{:04d}", full) + "/result.json");
  nlohmann::json paused = nlohmann::json::parse(read_text(result_path));
  paused["stopped"] = "paused";
  paused["epochs"] = 2;
  paused["curve"] = nlohmann::json::array({paused["curve"][0], paused["curve"][1]});
  write_text(result_path, paused.dump());
  const CommandResult promoted = run_nnrecipe(tune(dir, "--trials 5 --grace 1 --eta 2"), 300);
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  EXPECT_NE(promoted.out.find("(1 paused at an ASHA rung)"), std::string::npos) << promoted.out;
  EXPECT_EQ(count(promoted.out, "started"), 0u) << promoted.out;
  EXPECT_NE(promoted.out.find(fmt::format("trial {} promoted at 2 epochs", full)), std::string::npos) << promoted.out;
  const nlohmann::json again_result = nlohmann::json::parse(read_text(result_path));
  EXPECT_EQ(again_result.at("stopped"), "completed");
  EXPECT_EQ(again_result.at("curve").size(), 4u);
  EXPECT_DOUBLE_EQ(again_result.at("score").get<double>(), full_score);
  // The same, with the checkpoint lost: the promoted trial fails (once; it is
  // not promoted again and again) and the study still ends.
  write_text(result_path, paused.dump());
  write_text(dir.file("study/trials/" + fmt::format("{:04d}", full) + "/run/checkpoint.pt"), "not a checkpoint");
  const CommandResult broken = run_nnrecipe(tune(dir, "--trials 5 --grace 1 --eta 2"), 300);
  EXPECT_EQ(count(broken.out, "promoted at"), 1u) << broken.out;
  EXPECT_EQ(nlohmann::json::parse(read_text(result_path)).at("stopped"), "failed") << broken.out;

  // Another study in the same directory is refused, naming what differs.
  const CommandResult other = run_nnrecipe(tune(dir, "--trials 6"), 60);
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("trials"), std::string::npos) << other.err;
}

TEST(TuneCli, ParallelGridAndBudget) {
  TempDir dir;
  const CommandResult grid =
      run_nnrecipe(tune(dir, "--sampler grid --grid-points 2 --scheduler none --parallel 2"), 300);
  ASSERT_EQ(grid.exit_code, 0) << grid.out << grid.err;
  const nlohmann::json s = nlohmann::json::parse(read_text(dir.file("study/summary.json")));
  ASSERT_EQ(s.at("trials").size(), 4u);  // 2 learning rates x 2 widths
  for (const auto& t : s.at("trials")) EXPECT_EQ(t.at("epochs"), 4) << t.dump();
  EXPECT_EQ(s.at("total_epochs"), 16);

  TempDir other;
  const CommandResult budget = run_nnrecipe(tune(other, "--trials 4 --budget 0.001"), 300);
  ASSERT_EQ(budget.exit_code, 0) << budget.err;
  const nlohmann::json b = nlohmann::json::parse(read_text(other.file("study/summary.json")));
  EXPECT_EQ(b.at("trials").size(), 1u);
  EXPECT_EQ(b.at("not_started"), 3);
  EXPECT_NE(budget.out.find("trials not started"), std::string::npos) << budget.out;
}

// Ctrl-C stops the running trials (no worker outlives the study), keeps the
// finished ones and every artefact, exits 130; the same command resumes.
TEST(TuneCli, InterruptKeepsFinishedTrialsAndResumes) {
  TempDir dir;
  const std::string command =
      tune(dir, "--trials 6 --scheduler none --parallel 2 --set train.epochs=25 --set train.early_stopping.patience=0");
  const std::string study = dir.file("study");
  const CommandResult r =
      signal_nnrecipe_when(command, "ls " + quote(study) + "/trials/*/result.json >/dev/null 2>&1", "INT", 600);
  ASSERT_NE(r.out.find("rc=130"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("interrupted (SIGINT)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rerun the same command"), std::string::npos) << r.err;
  EXPECT_EQ(run_command("pgrep -f " + quote("[t]une-trial " + study)).exit_code, 1)
      << "a trial worker outlived the study";
  const nlohmann::json s = nlohmann::json::parse(read_text(study + "/summary.json"));
  EXPECT_EQ(s.at("interrupted"), "SIGINT");
  const std::size_t kept = s.at("trials").size();
  EXPECT_GE(kept, 1u);
  EXPECT_LT(kept, 6u);
  for (const auto& t : s.at("trials")) EXPECT_NE(t.at("stopped"), "failed") << t.dump();
  EXPECT_TRUE(exists(study + "/trials.csv"));
  EXPECT_NE(read_text(study + "/report.html").find("Interrupted"), std::string::npos);

  const CommandResult resumed = run_nnrecipe(command, 600);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  const nlohmann::json done = nlohmann::json::parse(read_text(study + "/summary.json"));
  EXPECT_EQ(done.at("trials").size(), 6u);
  EXPECT_EQ(done.at("resumed").get<std::size_t>(), kept);
  EXPECT_TRUE(done.at("interrupted").is_null());
}

// A study directory is read back on resume: a damaged trial result is an
// error naming it (exit 2), not an internal error.
TEST(TuneCli, DamagedTrialResultIsNamed) {
  TempDir dir;
  const std::string command = tune(dir, "--trials 1 --scheduler none --set train.epochs=1");
  ASSERT_EQ(run_nnrecipe(command, 300).exit_code, 0);
  const std::string result = dir.file("study/trials/0000/result.json");
  write_text(result, "{\"trial\": 0, \"params\": {}}");
  const CommandResult r = run_nnrecipe(command, 300);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("result.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("delete it"), std::string::npos) << r.err;
}

TEST(TuneCli, BadSpaceIsBadInput) {
  TempDir dir;
  write_text(dir.file("space.yaml"), "train.lr: {log_uniform: [0, 1]}\n");
  const CommandResult r = run_nnrecipe("tune " + quote(source_dir() + "/examples/configs/credit_mlp.yaml") +
                                       " --space " + quote(dir.file("space.yaml")) + " --out " + quote(dir.file("s")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("space.yaml:1"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir.file("s/study.json")));
}

}  // namespace
}  // namespace nnrecipe::test
