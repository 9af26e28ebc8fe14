// `nnrecipe run`'s quick paths: the inspect stage acting on planted id and
// leakage columns under --strict, and bad input refused. The budgeted runs
// of the whole recipe are in recipe_run_test.cpp.
#include <filesystem>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

#include "cli/run_support.h"

namespace nnrecipe::test {
namespace {

/// credit_data with a planted customer id and a copy of the target.
std::string planted_columns_csv(const std::string& path) {
  std::ifstream in(credit_csv());
  std::ofstream out(path);
  std::string line;
  std::getline(in, line);
  out << "customer_id,leak," << line << "\n";
  for (int row = 0; std::getline(in, line); ++row) {
    const bool bad = line.rfind("\"bad\"", 0) == 0 || line.rfind("bad,", 0) == 0;
    out << 100000 + row * 7 << "," << (bad ? 1 : 0) << "," << line << "\n";
  }
  return path;
}

TEST(RunCli, StrictStopsOnLeakageAfterDroppingTheIdColumn) {
  TempDir dir;
  const std::string data = planted_columns_csv(dir.file("planted.csv"));
  const std::string out = dir.file("run");
  const CommandResult r =
      run_nnrecipe("run " + quote(data) + " --target Status --strict --budget 1 --out " + quote(out), 300);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // a --strict stop fails the run
  const nlohmann::json s = nlohmann::json::parse(read_text(out + "/summary.json"));
  EXPECT_TRUE(s.at("stopped").get<bool>());
  EXPECT_NE(s.at("stop_reason").get<std::string>().find("--strict"), std::string::npos);
  EXPECT_NE(s.at("stop_reason").get<std::string>().find("leakage"), std::string::npos);
  EXPECT_EQ(s.at("dropped_columns"), nlohmann::json({"customer_id"}));
  EXPECT_EQ(s.at("stages")[0].at("verdict"), "fail");
  for (std::size_t i = 1; i < s.at("stages").size(); ++i) EXPECT_EQ(s.at("stages")[i].at("verdict"), "skipped");
  EXPECT_TRUE(finding_ids(out + "/findings.json").count("data.leakage"));
  EXPECT_TRUE(exists(out + "/report.html"));
}

TEST(RunCli, BadInputIsRefused) {
  const CommandResult no_target = run_nnrecipe("run " + quote(credit_csv()));
  EXPECT_EQ(no_target.exit_code, 2);
  EXPECT_NE(no_target.err.find("--target"), std::string::npos) << no_target.err;
  const CommandResult wrong_target =
      run_nnrecipe("run " + quote(credit_csv()) + " --target Statu --out /tmp/nnrecipe-never");
  EXPECT_EQ(wrong_target.exit_code, 2);
  EXPECT_NE(wrong_target.err.find("Status"), std::string::npos) << wrong_target.err;  // the columns are listed
  EXPECT_FALSE(exists("/tmp/nnrecipe-never"));                                        // nothing written on bad input
  EXPECT_EQ(run_nnrecipe("run " + quote(credit_csv()) + " --target Status --budget 0").exit_code, 2);
  const CommandResult missing = run_nnrecipe("run /nonexistent/data.csv --target y");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/data.csv"), std::string::npos) << missing.err;
}

// A run never writes into another run's (or anything else's) directory, and
// --resume continues only a run directory.
TEST(RunCli, OutMustBeNewOrEmptyAndResumeNeedsARun) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("busy"));
  write_text(dir.file("busy/notes.txt"), "mine\n");
  const CommandResult busy =
      run_nnrecipe("run " + quote(credit_csv()) + " --target Status --out " + quote(dir.file("busy")));
  EXPECT_EQ(busy.exit_code, 2);
  EXPECT_NE(busy.err.find("is not empty"), std::string::npos) << busy.err;
  EXPECT_EQ(read_text(dir.file("busy/notes.txt")), "mine\n");
  EXPECT_FALSE(exists(dir.file("busy/stages")));
  const CommandResult not_a_run = run_nnrecipe("run --resume " + quote(dir.file("busy")));
  EXPECT_EQ(not_a_run.exit_code, 2);
  EXPECT_NE(not_a_run.err.find("run.json"), std::string::npos) << not_a_run.err;
  write_text(dir.file("busy/run.json"), "{\"format\": \"nnrecipe.run/1\", \"config\"");
  const CommandResult damaged = run_nnrecipe("run --resume " + quote(dir.file("busy")));
  EXPECT_EQ(damaged.exit_code, 2);
  EXPECT_NE(damaged.err.find("run.json"), std::string::npos) << damaged.err;
  EXPECT_EQ(run_nnrecipe("run").exit_code, 2);  // neither INPUT nor --resume
  const CommandResult both =
      run_nnrecipe("run --resume " + quote(dir.file("busy")) + " --out " + quote(dir.file("other")));
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--resume"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace nnrecipe::test
