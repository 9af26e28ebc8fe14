// The command line as a user meets it: help, version, exit codes, threads.
#include "test_support.h"

namespace nnrecipe::test {
namespace {

TEST(Cli, HelpExitsZeroAndListsCommands) {
  const CommandResult r = run_nnrecipe("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("inspect"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--threads"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
  for (const char* code : {"0 ok", "1 an error-level finding", "2 bad", "3 a failure"}) {
    EXPECT_NE(r.out.find(code), std::string::npos) << code;
  }
}

TEST(Cli, CommandHelpDescribesItsOptions) {
  const CommandResult r = run_nnrecipe("inspect --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--target", "--json", "--type", "DATA"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt << " missing in:\n" << r.out;
  }
}

TEST(Cli, VersionNamesLibTorchXgboostAndBlas) {
  const CommandResult r = run_nnrecipe("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("nnrecipe "), std::string::npos);
  EXPECT_NE(r.out.find("LibTorch 1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("xgboost  1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BLAS     OpenBLAS"), std::string::npos) << "the BLAS in use is not OpenBLAS:\n" << r.out;
}

TEST(Cli, NoCommandIsAUsageError) {
  const CommandResult r = run_nnrecipe("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no command"), std::string::npos);
}

TEST(Cli, ThreadsOptionIsAcceptedBeforeAndAfterTheCommand) {
  const std::string data = quote(test_data("good/bom_crlf.csv"));
  EXPECT_EQ(run_nnrecipe("--threads 1 inspect " + data).exit_code, 0);
  const CommandResult r = run_nnrecipe("inspect " + data + " --threads 2");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 rows x 3 columns"), std::string::npos) << r.out;
}

TEST(Cli, InspectBundledDemoData) {
  const CommandResult r =
      run_nnrecipe("inspect " + quote(source_dir() + "/examples/data/credit_data.csv") + " --target Status");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4454 rows x 14 columns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<- target"), std::string::npos);
}

}  // namespace
}  // namespace nnrecipe::test
