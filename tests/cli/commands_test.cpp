// The command line as a user meets it: help, version, exit codes, threads.
#include <fmt/format.h>

#include <sstream>

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
  for (const char* opt : {"--target", "--json", "--type", "INPUT"}) {
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

// `nnrecipe --help` lists each command on one line; the details are in
// `nnrecipe CMD --help`. The internal tune-trial is not listed.
TEST(Cli, HelpIsOneLinePerCommand) {
  const CommandResult r = run_nnrecipe("--help");
  ASSERT_EQ(r.exit_code, 0);
  std::string line;
  for (const char* cmd :
       {"run", "inspect", "config", "train", "predict", "baseline", "check", "checks", "tune", "prune"}) {
    const std::string prefix = std::string("  ") + cmd + " ";
    std::size_t count = 0;
    std::istringstream all(r.out);
    while (std::getline(all, line)) {
      if (line.rfind(prefix, 0) == 0) {
        ++count;
        EXPECT_LE(line.size(), 100u) << line;
      }
    }
    EXPECT_EQ(count, 1u) << cmd << " in:\n" << r.out;
  }
  EXPECT_EQ(r.out.find("tune-trial"), std::string::npos) << r.out;
}

// Every command that reads a CSV takes the same data options, and each is a
// config key.
TEST(Cli, EveryDataCommandTakesTheSameDataOptions) {
  for (const char* cmd : {"inspect", "train", "check", "baseline", "run", "tune"}) {
    const CommandResult r = run_nnrecipe(std::string(cmd) + " --help");
    ASSERT_EQ(r.exit_code, 0) << cmd;
    for (const char* opt : {"--target", "--test", "--task", "--delimiter", "--type", "--seed", "--ignore", "--set",
                            "data.delimiter", "data.types", "checks.ignore"}) {
      EXPECT_NE(r.out.find(opt), std::string::npos) << cmd << " lacks " << opt;
    }
  }
  const CommandResult predict = run_nnrecipe("predict --help");
  EXPECT_NE(predict.out.find("--delimiter"), std::string::npos) << predict.out;
  // --quiet is global: accepted after any command.
  const std::string data = quote(test_data("good/bom_crlf.csv"));
  EXPECT_EQ(run_nnrecipe("inspect " + data + " --quiet").exit_code, 0);
  EXPECT_EQ(run_nnrecipe("config --quiet").exit_code, 0);
}

// A '|'-separated file is not among the detected delimiters: with
// --delimiter (data.delimiter) every command reads it, and the config the run
// records says so. --threads on the command line wins over train.threads.
TEST(Cli, DelimiterAndThreadsReachTheRun) {
  TempDir dir;
  std::string csv = "x1|x2|zip|y\n";
  for (int i = 0; i < 200; ++i) {
    csv += fmt::format("{}|{}|{}|{}\n", i % 7, (i * 3) % 11, 10000 + i % 5, i % 7 > 3 ? "yes" : "no");
  }
  write_text(dir.file("data.psv"), csv);
  const std::string run = dir.file("run");
  const CommandResult bad = run_nnrecipe("check " + quote(dir.file("data.psv")) + " --target y");
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  const CommandResult r =
      run_nnrecipe("train " + quote(dir.file("data.psv")) +
                   " --target y --delimiter '|' --type zip=categorical --set train.epochs=2 --set train.threads=1 "
                   "--threads 2 --quiet --out " +
                   quote(run));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string config = read_text(run + "/config.yaml");
  EXPECT_NE(config.find("delimiter: \"|\""), std::string::npos) << config;
  EXPECT_NE(config.find("zip=categorical"), std::string::npos) << config;
  EXPECT_NE(config.find("threads: 2"), std::string::npos) << config;
  EXPECT_EQ(r.out.find("epoch   1/2"), std::string::npos) << "--quiet printed epochs:\n" << r.out;
  // The same option is a config key with the same check.
  const CommandResult wrong = run_nnrecipe("check " + quote(dir.file("data.psv")) + " --target y --delimiter '||'");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("data.delimiter"), std::string::npos) << wrong.err;
}

// docs/cli.md is generated from the parser; keep it in step.
TEST(Cli, ReferenceDocMatchesTheParser) {
  const CommandResult r = run_nnrecipe("--cli-reference");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(source_dir() + "/docs/cli.md"), r.out)
      << "regenerate with: build/src/nnrecipe --cli-reference > docs/cli.md";
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
