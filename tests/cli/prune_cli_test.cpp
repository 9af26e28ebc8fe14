// `nnrecipe prune` end to end on the bundled credit data: the sparsities are
// reached and held through fine-tuning, every step's model predicts, and
// structured pruning gives a smaller network.
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

TEST(PruneCli, UnstructuredAndStructuredOnATrainedRun) {
  TempDir dir;
  const std::string run = dir.file("run");
  ASSERT_EQ(run_nnrecipe("train " + quote(source_dir() + "/examples/configs/credit_mlp.yaml") +
                             " --set train.epochs=3 --quiet --out " + quote(run),
                         300)
                .exit_code,
            0);
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
                   quote(source_dir() + "/examples/data/credit_data.csv") + " --out " + quote(dir.file("p.csv")));
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(read_text(run + "/prune/report.html").find("<svg"), std::string::npos);

  const CommandResult s =
      run_nnrecipe("prune " + quote(run) + " --structured --sparsity 0.75 --finetune-epochs 1", 300);
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  const nlohmann::json st = nlohmann::json::parse(read_text(run + "/prune-structured/prune.json"));
  EXPECT_EQ(st.at("steps")[0].at("hidden"), nlohmann::json({16, 16}));  // credit_mlp.yaml: [64, 64]
  EXPECT_GT(st.at("steps")[0].at("ms_per_1000_rows").get<double>(), 0);
  EXPECT_EQ(run_nnrecipe("predict " + quote(run + "/prune-structured/sparsity-0.75/model") + " " +
                         quote(source_dir() + "/examples/data/credit_data.csv") + " --out " + quote(dir.file("q.csv")))
                .exit_code,
            0);
  // Bad sparsities are bad input.
  EXPECT_EQ(run_nnrecipe("prune " + quote(run) + " --sparsity 0.9,0.5").exit_code, 2);
  EXPECT_EQ(run_nnrecipe("prune " + quote(run) + " --sparsity 1.5").exit_code, 2);
}

}  // namespace
}  // namespace nnrecipe::test
