// Number parsing, the hot loop of the CSV reader: nnrecipe's parse_double
// (Clinger fast path, then std::from_chars) against the C library's strtod
// and plain std::from_chars, on the same tokens. Google Benchmark.
#include <benchmark/benchmark.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "nnrecipe/text_parse.h"

namespace {

// Tokens shaped like the csv_read benchmark's columns: z-scores, amounts,
// small proportions, integers, and a few long or exponent forms.
const std::vector<std::string>& tokens() {
  static const std::vector<std::string> t = [] {
    std::mt19937_64 rng(1);
    std::normal_distribution<double> z(0.0, 1.0);
    std::vector<std::string> out;
    char buf[64];
    for (int i = 0; i < 200000; ++i) {
      switch (i % 6) {
        case 0: std::snprintf(buf, sizeof buf, "%.6f", z(rng)); break;
        case 1: std::snprintf(buf, sizeof buf, "%.4f", 100 + 50 * z(rng)); break;
        case 2: std::snprintf(buf, sizeof buf, "%.5f", 0.01 * z(rng)); break;
        case 3: std::snprintf(buf, sizeof buf, "%d", static_cast<int>(rng() % 100000)); break;
        case 4: std::snprintf(buf, sizeof buf, "%.2f", 1e5 * std::abs(z(rng))); break;
        default: std::snprintf(buf, sizeof buf, (i % 12 == 5) ? "%.17g" : "%.3e", z(rng)); break;
      }
      out.emplace_back(buf);
    }
    return out;
  }();
  return t;
}

void BM_nnrecipe_parse_double(benchmark::State& state) {
  for (auto _ : state) {
    double sum = 0;
    for (const std::string& s : tokens()) {
      double v;
      nnrecipe::detail::parse_double(s.data(), s.data() + s.size(), v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tokens().size()));
}

void BM_strtod(benchmark::State& state) {
  for (auto _ : state) {
    double sum = 0;
    for (const std::string& s : tokens()) sum += std::strtod(s.c_str(), nullptr);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tokens().size()));
}

void BM_from_chars(benchmark::State& state) {
  for (auto _ : state) {
    double sum = 0;
    for (const std::string& s : tokens()) {
      double v = 0;
      std::from_chars(s.data(), s.data() + s.size(), v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tokens().size()));
}

BENCHMARK(BM_nnrecipe_parse_double)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_strtod)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_from_chars)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
