// The bad-input corpus (tests/data/bad/cases.tsv) run through the binary:
// every malformed input ends with exit code 2 and one message that names the
// file and, where it applies, the line and column. Never a crash or a hang.
#include <unistd.h>

#include <fstream>
#include <vector>

#include "test_support.h"

namespace nnrecipe::test {
namespace {

struct BadCase {
  std::string input, args, location, phrase;
  std::string command = "inspect";
  int exit_code = 2;
};

// Shown by gtest instead of the struct's bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.command << " " << c.input << " " << c.args; }

std::vector<BadCase> load_cases() {
  std::ifstream in(test_data("bad/cases.tsv"));
  std::vector<BadCase> cases;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    if (cols.size() < 4) continue;
    BadCase c{cols[0], cols[1], cols[2], cols[3]};
    if (cols.size() > 4) c.command = cols[4];
    if (cols.size() > 5) c.exit_code = std::stoi(cols[5]);
    for (std::size_t at; (at = c.args.find("{dir}")) != std::string::npos;) {
      c.args.replace(at, 5, test_data("bad"));
    }
    cases.push_back(c);
  }
  return cases;
}

// One clean message: exit 2, a single "nnrecipe: error:" line naming the
// place, no sign of a crash.
void expect_clean_failure(const CommandResult& r, const std::string& location, const std::string& phrase) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("nnrecipe: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "expected one line:\n" << r.err;
  EXPECT_NE(r.err.find(location), std::string::npos) << "no '" << location << "' in: " << r.err;
  EXPECT_NE(r.err.find(phrase), std::string::npos) << "no '" << phrase << "' in: " << r.err;
  for (const char* crash : {"terminate called", "Aborted", "Segmentation", "what():", "core dumped"}) {
    EXPECT_EQ(r.err.find(crash), std::string::npos) << r.err;
  }
  EXPECT_TRUE(r.out.empty()) << "nothing should be printed on failure:\n" << r.out;
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, ExitsWithItsCodeAndAMessageNamingTheFile) {
  const BadCase& c = GetParam();
  const std::string input = quote(test_data("bad/" + c.input));
  TempDir dir;
  const std::string out = quote(dir.file("out"));
  std::string command;
  if (c.command == "inspect") {
    command = "inspect " + input + " " + c.args;
  } else if (c.command == "train") {
    command = "train --set data.train=" + input + " " + c.args + " --quiet --out " + out;
  } else {
    ASSERT_EQ(c.command, "run");
    command = "run " + input + " " + c.args + " --budget 0.2 --quiet --out " + out;
  }
  const CommandResult r = run_nnrecipe(command, 120);
  if (c.exit_code == 2) {
    expect_clean_failure(r, c.location, c.phrase);
    if (c.command != "inspect") {
      EXPECT_FALSE(exists(dir.file("out") + "/summary.json"));
    }
    return;
  }
  // An error-level finding: the report names it and exits 1.
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
  const auto at = r.out.find("error " + c.location);
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_NE(r.out.find(c.phrase, at), std::string::npos) << r.out;
  for (const char* crash : {"terminate called", "Aborted", "Segmentation", "what():", "core dumped"}) {
    EXPECT_EQ(r.err.find(crash), std::string::npos) << r.err;
  }
}

std::string case_name(const ::testing::TestParamInfo<BadCase>& info) {
  std::string name = info.param.command == "inspect" ? "" : info.param.command + "_";
  name += info.param.input;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(load_cases()), case_name);

TEST(BadInputCorpus, HasAtLeastTwentyCases) { EXPECT_GE(load_cases().size(), 20u); }

TEST(BadInputGenerated, NonexistentPath) {
  expect_clean_failure(run_nnrecipe("inspect /nonexistent/dir/data.csv"), "/nonexistent/dir/data.csv:", "no such file");
}

TEST(BadInputGenerated, UnreadableFile) {
  TempDir dir;
  const std::string path = dir.file("secret.csv");
  write_text(path, "a,b\n1,2\n");
  ::chmod(path.c_str(), 0);
  ::chmod(dir.path().c_str(), 0755);
  // root reads any file, so as root run the binary as the unprivileged
  // user "nobody": the permission check is then real.
  const std::string prefix = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const CommandResult r = run_command(prefix + quote(NNRECIPE_BINARY) + " inspect " + quote(path), 60);
  expect_clean_failure(r, "secret.csv:", "permission denied");
}

TEST(BadInputGenerated, JsonOutputIntoMissingFolderLeavesNothing) {
  const CommandResult r =
      run_nnrecipe("inspect " + quote(test_data("good/bom_crlf.csv")) + " --json /nonexistent/out.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/out.json"), std::string::npos) << r.err;
}

// A write the system refuses (here the file-size limit: EFBIG, with
// SIGXFSZ ignored as a shell's `trap` passes on) is not the input's fault:
// exit 3, one message naming the file, nothing half-written.
TEST(BadInputGenerated, SystemWriteFailureExitsThree) {
  TempDir dir;
  const std::string out = dir.file("out.json");
  const std::string script = dir.file("limited.sh");
  write_text(script, "trap '' XFSZ\nulimit -f 1\nexec " + quote(NNRECIPE_BINARY) + " inspect " +
                         quote(test_data("good/bom_crlf.csv")) + " --json " + quote(out) + "\n");
  const CommandResult r = run_command("bash " + quote(script));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(out));
}

TEST(BadInputGenerated, UsageErrorsExitTwo) {
  EXPECT_EQ(run_nnrecipe("inspect").exit_code, 2);
  EXPECT_EQ(run_nnrecipe("no-such-command").exit_code, 2);
  EXPECT_EQ(run_nnrecipe("inspect x.csv --no-such-flag").exit_code, 2);
  EXPECT_EQ(run_nnrecipe("--threads -3 inspect x.csv").exit_code, 2);
  EXPECT_EQ(run_nnrecipe("inspect " + quote(test_data("good/bom_crlf.csv")) + " --type idnumeric").exit_code, 2);
}

}  // namespace
}  // namespace nnrecipe::test
