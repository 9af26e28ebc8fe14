#pragma once
// Shared helpers for the test suite: where the data lives, temporary
// folders, and running the nnrecipe binary as a user would.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

namespace nnrecipe::test {

inline std::string source_dir() { return NNRECIPE_SOURCE_DIR; }
inline std::string test_data(const std::string& rel) { return source_dir() + "/tests/data/" + rel; }
/// One of the test datasets (tests/datasets, or the folder CMake's NNRECIPE_TEST_DATASETS names).
inline std::string shared_dataset(const std::string& name) { return std::string(NNRECIPE_TEST_DATASETS) + "/" + name; }
inline std::string fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }
inline bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}
/// Skips the test when a test dataset is missing from the data folder (tests/datasets ships them all).
#define REQUIRE_SHARED(file)                                             \
  if (!::nnrecipe::test::exists(::nnrecipe::test::shared_dataset(file))) \
  GTEST_SKIP() << "test dataset " << (file) << " not found in " NNRECIPE_TEST_DATASETS

/// A fresh temporary directory, removed with its content at scope exit.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/nnrecipe-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// A CSV of `a,b,y` with y = 20 + 3a + b + noise * N(0, 1) (a, b standard
/// normal, from `seed`), plus `offset(row)` where one is given: a regression
/// table whose answer is a line.
inline void write_line_csv(const std::string& path, int rows, double noise, uint64_t seed,
                           const std::function<double(int)>& offset = {}) {
  std::ofstream csv(path);
  csv << "a,b,y\n";
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  for (int row = 0; row < rows; ++row) {
    const double a = normal(rng), b = normal(rng);
    csv << a << "," << b << "," << 20 + 3 * a + b + noise * normal(rng) + (offset ? offset(row) : 0.0) << "\n";
  }
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CommandResult {
  int exit_code = -1;  ///< -1 if killed by a signal (crash) or timed out
  std::string out, err;
};

/// Runs a shell command line with a time limit; captures stdout and stderr.
inline CommandResult run_command(const std::string& command, int timeout_s = 120) {
  TempDir tmp;
  const std::string line =
      "timeout -s KILL " + std::to_string(timeout_s) + " " + command + " >" + tmp.file("out") + " 2>" + tmp.file("err");
  const int status = std::system(line.c_str());
  CommandResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (r.exit_code == 137) r.exit_code = -1;  // killed by timeout
  r.out = read_text(tmp.file("out"));
  r.err = read_text(tmp.file("err"));
  return r;
}

/// Runs the nnrecipe binary with the given arguments (already shell-quoted).
inline CommandResult run_nnrecipe(const std::string& args, int timeout_s = 120) {
  return run_command(std::string("'") + NNRECIPE_BINARY + "' " + args, timeout_s);
}

inline std::string quote(const std::string& s) { return "'" + s + "'"; }

/// Runs `nnrecipe ARGS` in the background, waits (up to 5 minutes) until
/// the shell test `ready` holds, sends it `signal` (TERM, INT) and waits for
/// it to end; out holds "rc=N". INT goes to a job-controlled process, as a
/// terminal's Ctrl-C does (a plain background job ignores SIGINT).
inline CommandResult signal_nnrecipe_when(const std::string& args, const std::string& ready, const std::string& signal,
                                          int timeout_s) {
  char tmpl[] = "/tmp/nnrecipe-signal-XXXXXX.sh";
  const int fd = ::mkstemps(tmpl, 3);
  const std::string script = tmpl;
  ::close(fd);
  {
    std::ofstream out(script);
    out << "set -m\n(exec '" << NNRECIPE_BINARY << "' " << args << ") & pid=$!\n"
        << "for i in $(seq 6000); do " << ready << " && break; sleep 0.05; done\n"
        << "kill -" << signal << " $pid; wait $pid; echo \"rc=$?\"\n";
  }
  CommandResult r = run_command("bash " + quote(script), timeout_s);
  std::remove(script.c_str());
  return r;
}

}  // namespace nnrecipe::test
