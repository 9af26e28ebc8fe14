// bench_make_csv: writes the CSV that bench/csv_read reads, deterministically.
//
//   bench_make_csv [--rows N] [--seed S] [--force] OUTPUT.csv
//
// Default: 1,000,000 rows x 50 columns (~435 MB), laid out the way R's
// write.csv lays out a typical tabular data set:
//   x1..x45   floats of several shapes (z-scores, measurements like 123.4567,
//             small values like -0.00123, amounts, proportions), written with
//             their own number of decimals and trailing zeros trimmed; every
//             third column has 2-5% empty (missing) fields;
//   cat1..4   quoted categorical strings ("cat_17"), skewed frequencies,
//             cat4 with ~3% missing;
//   target    0/1.
// Header names are quoted, as write.csv quotes them.
//
// The same rows and seed always give the same bytes: the random generator
// and the number formatting are our own (integer arithmetic), not the
// standard library's distributions, whose output differs between libraries.
//
// Writing a 435 MB file takes a few seconds, so OUTPUT is reused when it
// was made with the same parameters: a sidecar OUTPUT.meta records them and
// the byte count, and the file is only rewritten when either differs (or
// with --force). The file is written to OUTPUT.tmp and renamed at the end,
// so an interrupted run never leaves a truncated file that looks complete.
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int kGeneratorVersion = 1;  // bump when the output format changes
constexpr int kFloatColumns = 45;
constexpr int kCategoricalColumns = 4;

// ------------------------------------------------------------ random numbers

// xoshiro256** seeded through splitmix64: small, fast and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }
  /// Approximately standard normal (Irwin-Hall with 4 terms, rescaled): only
  /// + and * so that every platform gives the same bits.
  double normal() {
    const double s = uniform() + uniform() + uniform() + uniform() - 2.0;
    return s * 1.7320508075688772;  // sqrt(3): the sum has variance 1/3
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> state_{};
};

// ------------------------------------------------------------ formatting

constexpr std::array<int64_t, 10> kPow10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

/// Appends value rounded to `decimals` places, trailing zeros trimmed
/// (12.3400 -> 12.34, 5.000 -> 5), as R prints numbers. Returns the end.
char* format_fixed(char* out, double value, int decimals) {
  int64_t m = std::llround(value * static_cast<double>(kPow10[static_cast<std::size_t>(decimals)]));
  if (m == 0) {
    *out++ = '0';
    return out;
  }
  if (m < 0) {
    *out++ = '-';
    m = -m;
  }
  // Drop trailing zero digits of the fraction before writing anything.
  while (decimals > 0 && m % 10 == 0) {
    m /= 10;
    --decimals;
  }
  char digits[24];
  int n = 0;
  while (m > 0 || n <= decimals) {  // at least one digit before the point
    digits[n++] = static_cast<char>('0' + m % 10);
    m /= 10;
  }
  for (int i = n - 1; i >= 0; --i) {
    *out++ = digits[i];
    if (i == decimals && decimals > 0) *out++ = '.';
  }
  return out;
}

char* append(char* out, const char* text) {
  const std::size_t n = std::strlen(text);
  std::memcpy(out, text, n);
  return out + n;
}

// ------------------------------------------------------------ column shapes

enum class Shape { ZScore, Measurement, Small, Amount, Proportion };

struct FloatColumn {
  Shape shape;
  int decimals;
  double missing_rate;  // 0 for complete columns
};

// Per-column shapes, decided by the column number only (not by the rng), so
// that the layout is stable when the row count changes.
std::vector<FloatColumn> float_columns() {
  constexpr Shape kShapes[] = {Shape::ZScore, Shape::Measurement, Shape::Small, Shape::Amount, Shape::Proportion};
  std::vector<FloatColumn> cols;
  for (int c = 0; c < kFloatColumns; ++c) {
    FloatColumn col{};
    col.shape = kShapes[c % 5];
    switch (col.shape) {
      case Shape::ZScore: col.decimals = 6; break;       // -0.734512
      case Shape::Measurement: col.decimals = 4; break;  // 123.4567
      case Shape::Small: col.decimals = 5; break;        // -0.00123
      case Shape::Amount: col.decimals = 2; break;       // 1234.56
      case Shape::Proportion: col.decimals = 7; break;   // 0.1234567
    }
    col.missing_rate = (c % 3 == 1) ? 0.02 + 0.01 * (c % 4) : 0.0;  // 2..5%
    cols.push_back(col);
  }
  return cols;
}

double draw(Rng& rng, Shape shape) {
  switch (shape) {
    case Shape::ZScore: return rng.normal();
    case Shape::Measurement: return 150.0 + 60.0 * rng.normal();
    case Shape::Small: return 0.01 * rng.normal();
    case Shape::Amount: {
      // Roughly log-uniform over 10..1e7: 2 to 7 digits before the point.
      const double scale = static_cast<double>(kPow10[1 + rng.below(6)]);
      return scale * (1.0 + 9.0 * rng.uniform());
    }
    case Shape::Proportion: return rng.uniform();
  }
  return 0.0;
}

constexpr std::array<int, kCategoricalColumns> kLevels = {8, 30, 120, 1000};
constexpr double kCat4MissingRate = 0.03;

// ------------------------------------------------------------ file handling

struct Params {
  uint64_t rows = 1000000;
  uint64_t seed = 42;
  bool force = false;
  std::string output;
};

std::string describe(const Params& p) {
  std::ostringstream s;
  s << "make_csv v" << kGeneratorVersion << " rows=" << p.rows << " seed=" << p.seed;
  return s.str();
}

bool file_size(const std::string& path, uint64_t& size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  size = static_cast<uint64_t>(st.st_size);
  return true;
}

// The meta file holds "<describe()> bytes=<size>".
bool can_reuse(const Params& p, uint64_t& size) {
  std::ifstream meta(p.output + ".meta");
  std::string line;
  if (!meta || !std::getline(meta, line)) return false;
  const std::string prefix = describe(p) + " bytes=";
  if (line.compare(0, prefix.size(), prefix) != 0) return false;
  const uint64_t recorded = std::strtoull(line.c_str() + prefix.size(), nullptr, 10);
  return file_size(p.output, size) && size == recorded;
}

[[noreturn]] void die(const std::string& message) {
  std::cerr << "bench_make_csv: " << message << "\n";
  std::exit(1);
}

uint64_t generate(const Params& p) {
  const std::string tmp = p.output + ".tmp";
  std::remove((p.output + ".meta").c_str());  // stale until this run completes
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) die("cannot write " + tmp + ": " + std::strerror(errno));

  const std::vector<FloatColumn> cols = float_columns();
  constexpr std::size_t kFlushAt = std::size_t{8} << 20;
  std::vector<char> buf(kFlushAt + (std::size_t{64} << 10));  // room for one more row
  char* const begin = buf.data();
  char* out = begin;
  uint64_t written = 0;
  auto flush = [&] {
    const std::size_t n = static_cast<std::size_t>(out - begin);
    if (std::fwrite(begin, 1, n, f) != n) die("write to " + tmp + " failed");
    written += n;
    out = begin;
  };

  for (int c = 0; c < kFloatColumns; ++c) {
    out += std::sprintf(out, "\"x%d\",", c + 1);
  }
  for (int c = 0; c < kCategoricalColumns; ++c) out += std::sprintf(out, "\"cat%d\",", c + 1);
  out = append(out, "\"target\"\n");

  Rng rng(p.seed);
  for (uint64_t r = 0; r < p.rows; ++r) {
    for (const FloatColumn& col : cols) {
      const double v = draw(rng, col.shape);  // drawn even when missing: stable stream
      if (col.missing_rate == 0.0 || rng.uniform() >= col.missing_rate) {
        out = format_fixed(out, v, col.decimals);
      }
      *out++ = ',';
    }
    for (int c = 0; c < kCategoricalColumns; ++c) {
      // u^2 skews the frequencies towards the low levels, as real categories are.
      const double u = rng.uniform();
      const int level = static_cast<int>(u * u * kLevels[static_cast<std::size_t>(c)]);
      const bool missing = c == kCategoricalColumns - 1 && rng.uniform() < kCat4MissingRate;
      if (!missing) out += std::sprintf(out, "\"cat_%d\"", level);
      *out++ = ',';
    }
    *out++ = rng.uniform() < 0.3 ? '1' : '0';
    *out++ = '\n';
    if (static_cast<std::size_t>(out - begin) >= kFlushAt) flush();
  }
  flush();
  if (std::fclose(f) != 0) die("closing " + tmp + " failed");
  if (std::rename(tmp.c_str(), p.output.c_str()) != 0) {
    die("cannot rename " + tmp + " to " + p.output + ": " + std::strerror(errno));
  }
  std::ofstream meta(p.output + ".meta");
  meta << describe(p) << " bytes=" << written << "\n";
  if (!meta) die("cannot write " + p.output + ".meta");
  return written;
}

uint64_t parse_count(const char* flag, const char* text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
    die(std::string(flag) + " expects a non-negative integer, got '" + text + "'");
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Params p;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--rows" || arg == "--seed") && i + 1 < argc) {
      (arg == "--rows" ? p.rows : p.seed) = parse_count(argv[i], argv[i + 1]);
      ++i;
    } else if (arg == "--force") {
      p.force = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: bench_make_csv [--rows N] [--seed S] [--force] OUTPUT.csv\n";
      return 0;
    } else if (!arg.empty() && arg[0] != '-' && p.output.empty()) {
      p.output = arg;
    } else {
      die("unexpected argument '" + arg + "' (see --help)");
    }
  }
  if (p.output.empty()) die("no output file given (see --help)");

  uint64_t size = 0;
  if (!p.force && can_reuse(p, size)) {
    std::cout << "REUSED path=" << p.output << " bytes=" << size << "\n";
    return 0;
  }
  size = generate(p);
  std::cout << "GENERATED path=" << p.output << " bytes=" << size << "\n";
  return 0;
}
