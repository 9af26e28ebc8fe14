// bench_csv_read: reads one CSV file with nnrecipe::read_csv and prints one
// machine-parsable line (bench/csv_read/pandas_read.py prints the same keys):
//
//   RESULT reader=nnrecipe seconds=1.234567 rows=1000000 cols=50 numeric=46
//          categorical=4 boolean=0 missing=1234 threads=2 file_bytes=...
//          baseline_rss_bytes=... peak_rss_bytes=...
//
// (on one line). `seconds` covers read_csv only. `peak_rss_bytes` is the
// process's maximum resident set size (getrusage ru_maxrss), so run one read
// per process to measure a reader's peak memory; `baseline_rss_bytes` is the
// same maximum just before the read (the program and its shared libraries,
// LibTorch included), so peak - baseline is what the read itself added.
//
//   bench_csv_read FILE.csv [--threads N]     (N = 0: all cores, the default)
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "nnrecipe/csv.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/runtime.h"
#include "nnrecipe/table.h"

namespace {

uint64_t max_rss_bytes() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

int usage_error(const std::string& message) {
  std::cerr << "bench_csv_read: " << message << "\n"
            << "usage: bench_csv_read FILE.csv [--threads N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  std::size_t threads = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      const std::string value = argv[++i];
      char* end = nullptr;
      const unsigned long n = std::strtoul(value.c_str(), &end, 10);
      if (value.empty() || value[0] == '-' || *end != '\0') {
        return usage_error("--threads expects a non-negative integer, got '" + value + "'");
      }
      threads = n;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: bench_csv_read FILE.csv [--threads N]\n";
      return 0;
    } else if (path.empty() && !arg.empty() && arg[0] != '-') {
      path = arg;
    } else {
      return usage_error("unexpected argument '" + arg + "'");
    }
  }
  if (path.empty()) return usage_error("no CSV file given");

  try {
    nnrecipe::configure_threads(threads);
    struct stat st {};
    const uint64_t file_bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    const uint64_t baseline = max_rss_bytes();

    const auto start = std::chrono::steady_clock::now();
    const nnrecipe::Table table = nnrecipe::read_csv(path);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const uint64_t peak = max_rss_bytes();

    // Column types and missing counts let run.sh check that both readers saw
    // the same data (a fast reader that misparses proves nothing).
    std::size_t numeric = 0, categorical = 0, boolean = 0, missing = 0;
    for (const nnrecipe::Column& col : table.columns()) {
      switch (col.type) {
        case nnrecipe::ColumnType::Numeric: ++numeric; break;
        case nnrecipe::ColumnType::Categorical: ++categorical; break;
        case nnrecipe::ColumnType::Boolean: ++boolean; break;
      }
      missing += col.missing_count;
    }
    std::cout << "RESULT reader=nnrecipe seconds=" << std::fixed << elapsed.count() << " rows=" << table.rows()
              << " cols=" << table.cols() << " numeric=" << numeric << " categorical=" << categorical
              << " boolean=" << boolean << " missing=" << missing << " threads=" << nnrecipe::num_threads()
              << " file_bytes=" << file_bytes << " baseline_rss_bytes=" << baseline << " peak_rss_bytes=" << peak
              << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "bench_csv_read: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
