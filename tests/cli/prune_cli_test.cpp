// `nnrecipe prune` end to end on the bundled credit data: the sparsities are
// reached and held through fine-tuning, every step's model predicts, and
// structured pruning gives a smaller network.
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

/// A run directory of the example credit MLP trained for `epochs`.
std::string trained_run(const TempDir& dir, int epochs) {
  const std::string run = dir.file("run");
  const CommandResult r =
      run_nnrecipe("train " + quote(source_dir() + "/examples/configs/credit_mlp.yaml") +
                       " --set train.epochs=" + std::to_string(epochs) + " --quiet --out " + quote(run),
                   300);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return run;
}

TEST(PruneCli, UnstructuredAndStructuredOnATrainedRun) {
  TempDir dir;
  const std::string run = trained_run(dir, 3);
  const CommandResult r = run_nnrecipe("prune " + quote(run) + " --sparsity 0.5,0.9 --finetune-epochs 2", 300);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("val auc"), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(read_text(run + "/prune/prune.json"));
  ASSERT_EQ(j.at("steps").size(), 2u);
  for (const auto& s : j.at("steps")) {
    // Fine-tuning kept the pruned weights at zero.
    EXPECT_GE(s.at("actual").get<double>(), s.at("sparsity").get<double>() - 0.005) << s.dump();
    EXPECT_GT(s.at("val").at("auc").get<double>(), 0.6) << s.dump();
  }
  EXPECT_LT(j.at("steps")[1].at("params").get<int64_t>(), j.at("dense").at("params").get<int64_t>() / 5);
  const CommandResult p =
      run_nnrecipe("predict " + quote(run + "/prune/sparsity-0.90/model") + " " +
                   quote(source_dir() + "/examples/data/credit_data.csv") + " --out " + quote(dir.file("p")));
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(read_text(run + "/prune/report.html").find("<svg"), std::string::npos);

  const CommandResult s =
      run_nnrecipe("prune " + quote(run) + " --structured --sparsity 0.75 --finetune-epochs 1", 300);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  const nlohmann::json st = nlohmann::json::parse(read_text(run + "/prune-structured/prune.json"));
  EXPECT_EQ(st.at("steps")[0].at("hidden"), nlohmann::json({16, 16}));  // credit_mlp.yaml: [64, 64]
  EXPECT_GT(st.at("steps")[0].at("ms_per_1000_rows").get<double>(), 0);
  EXPECT_EQ(run_nnrecipe("predict " + quote(run + "/prune-structured/sparsity-0.75/model") + " " +
                         quote(source_dir() + "/examples/data/credit_data.csv") + " --out " + quote(dir.file("q")))
                .exit_code,
            0);
  // Bad sparsities are bad input.
  EXPECT_EQ(run_nnrecipe("prune " + quote(run) + " --sparsity 0.9,0.5").exit_code, 2);
  EXPECT_EQ(run_nnrecipe("prune " + quote(run) + " --sparsity 1.5").exit_code, 2);
}

// SIGTERM during a step's fine-tuning: the finished steps and their models
// are kept and reported, the cut step is dropped, exit 130.
TEST(PruneCli, InterruptKeepsFinishedSteps) {
  TempDir dir;
  const std::string run = trained_run(dir, 2);
  const CommandResult r =
      signal_nnrecipe_when("prune " + quote(run) + " --sparsity 0.5,0.6,0.7 --finetune-epochs 200",
                           "[ -f " + quote(run + "/prune/sparsity-0.50/model/meta.json") + " ]", "TERM", 600);
  ASSERT_NE(r.out.find("rc=130"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("interrupted (SIGTERM) after 1 of 3 steps"), std::string::npos) << r.err;
  const nlohmann::json j = nlohmann::json::parse(read_text(run + "/prune/prune.json"));
  EXPECT_EQ(j.at("interrupted"), "SIGTERM");
  ASSERT_EQ(j.at("steps").size(), 1u);
  EXPECT_FALSE(exists(run + "/prune/sparsity-0.60"));
  EXPECT_NE(read_text(run + "/prune/report.html").find("Interrupted (SIGTERM)"), std::string::npos);
  EXPECT_EQ(run_nnrecipe("predict " + quote(run + "/prune/sparsity-0.50/model") + " " +
                         quote(source_dir() + "/examples/data/credit_data.csv") + " --out " + quote(dir.file("p")))
                .exit_code,
            0);
}

}  // namespace
}  // namespace nnrecipe::test
