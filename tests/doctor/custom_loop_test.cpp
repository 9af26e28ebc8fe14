// examples/custom_loop: every planted user-loop fault is caught by its id,
// and the healthy loop raises nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

struct Plant {
  std::string name, expected_id;
};

class CustomLoop : public ::testing::TestWithParam<Plant> {};

nlohmann::json run_loop(const std::string& plant, int& exit_code) {
  TempDir dir;
  const std::string json = dir.file("findings.json");
  const CommandResult r = run_command(std::string("'") + NNRECIPE_CUSTOM_LOOP + "'" +
                                      (plant.empty() ? "" : " --plant " + plant) + " --json " + quote(json));
  exit_code = r.exit_code;
  return nlohmann::json::parse(read_text(json));
}

TEST_P(CustomLoop, PlantedFaultIsCaught) {
  int exit_code = 0;
  const nlohmann::json j = run_loop(GetParam().name, exit_code);
  std::vector<std::string> ids;
  for (const auto& f : j.at("findings")) ids.push_back(f.at("id"));
  EXPECT_NE(std::find(ids.begin(), ids.end(), GetParam().expected_id), ids.end())
      << GetParam().name << ": " << j.dump(2);
  EXPECT_EQ(exit_code, 1);  // every planted fault yields an error
}

INSTANTIATE_TEST_SUITE_P(Plants, CustomLoop,
                         ::testing::Values(Plant{"optimizer_coverage", "optim.coverage"},
                                           Plant{"optimizer_coverage", "train.unchanged_params"},
                                           Plant{"zero_grad", "train.grad_accumulation"},
                                           Plant{"detached_branch", "grad.coverage"},
                                           Plant{"eval_dropout", "eval.determinism"},
                                           Plant{"batch_mixing", "batch.independence"},
                                           Plant{"softmax_logits", "output.range"}),
                         [](const auto& info) { return info.param.name + "_" + std::to_string(info.index); });

TEST(CustomLoopHealthy, RaisesNothing) {
  int exit_code = 1;
  const nlohmann::json j = run_loop("", exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_TRUE(j.at("findings").empty()) << j.dump(2);
}

}  // namespace
}  // namespace nnrecipe::test
