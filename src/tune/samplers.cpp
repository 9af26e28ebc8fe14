// Random, Sobol' and grid points for hyperparameter search.
#include "nnrecipe/samplers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "nnrecipe/error.h"

namespace nnrecipe {
namespace {

constexpr int kBits = 32;  // Sobol' coordinates have 32 binary digits

// splitmix64: seeds, shifts and initial direction numbers.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double unit_from_bits(uint64_t bits53) { return static_cast<double>(bits53) * 0x1.0p-53; }

// Polynomials over GF(2) as bit masks (bit i = coefficient of x^i).
uint64_t mulmod(uint64_t a, uint64_t b, uint64_t poly, int degree) {
  uint64_t r = 0;
  while (b) {
    if (b & 1) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a >> degree & 1) a ^= poly;
  }
  return r;
}

uint64_t powmod_x(uint64_t e, uint64_t poly, int degree) {
  uint64_t result = 1, base = 2;  // x
  if (degree == 1) base = 2 ^ poly;  // x mod (x + 1) = 1
  while (e) {
    if (e & 1) result = mulmod(result, base, poly, degree);
    base = mulmod(base, base, poly, degree);
    e >>= 1;
  }
  return result;
}

// Primitive iff x has order exactly 2^d - 1 modulo the polynomial: x^(2^d-1)
// is 1 and x^((2^d-1)/q) is not, for every prime factor q of 2^d - 1.
bool is_primitive(uint64_t poly, int degree) {
  const uint64_t order = (uint64_t{1} << degree) - 1;
  if (powmod_x(order, poly, degree) != 1) return false;
  uint64_t n = order;
  std::vector<uint64_t> primes;
  for (uint64_t q = 2; q * q <= n; ++q) {
    if (n % q) continue;
    primes.push_back(q);
    while (n % q == 0) n /= q;
  }
  if (n > 1) primes.push_back(n);
  for (uint64_t q : primes) {
    if (q != order && powmod_x(order / q, poly, degree) == 1) return false;
  }
  return true;
}

// Primitive polynomials in order of degree (then value): dimension j >= 1
// of the sequence uses the j-th.
std::vector<std::pair<uint64_t, int>> primitive_polynomials(std::size_t count) {
  std::vector<std::pair<uint64_t, int>> out;
  for (int degree = 1; out.size() < count && degree < 20; ++degree) {
    for (uint64_t low = 0; low < (uint64_t{1} << (degree - 1)) && out.size() < count; ++low) {
      const uint64_t poly = (uint64_t{1} << degree) | (low << 1) | 1;
      if (is_primitive(poly, degree)) out.emplace_back(poly, degree);
    }
  }
  return out;
}

// Direction numbers v[k] (k = 1..32, scaled to 32 bits) of one dimension.
std::vector<uint32_t> directions(std::size_t dim, uint64_t poly, int degree, uint64_t seed) {
  std::vector<uint32_t> v(kBits + 1, 0);
  if (dim == 0) {  // the van der Corput sequence
    for (int k = 1; k <= kBits; ++k) v[static_cast<std::size_t>(k)] = uint32_t{1} << (kBits - k);
    return v;
  }
  const int s = degree;
  std::vector<uint64_t> m(kBits + 1, 0);
  for (int k = 1; k <= s; ++k) {
    // Any odd m_k < 2^k gives a valid Sobol' sequence; these are seeded
    // (from the dimension, not the run's seed, so the sequence is fixed).
    const uint64_t half = uint64_t{1} << (k - 1);
    m[static_cast<std::size_t>(k)] = 2 * (mix(seed * 1000003 + dim * 64 + static_cast<uint64_t>(k)) % half) + 1;
  }
  for (int k = s + 1; k <= kBits; ++k) {
    uint64_t value = m[static_cast<std::size_t>(k - s)] ^ (m[static_cast<std::size_t>(k - s)] << s);
    for (int i = 1; i < s; ++i) {
      if (poly >> (s - i) & 1) value ^= m[static_cast<std::size_t>(k - i)] << i;
    }
    m[static_cast<std::size_t>(k)] = value;
  }
  for (int k = 1; k <= kBits; ++k) {
    v[static_cast<std::size_t>(k)] = static_cast<uint32_t>(m[static_cast<std::size_t>(k)] << (kBits - k));
  }
  return v;
}

}  // namespace

std::vector<UnitPoint> random_points(std::size_t dims, std::size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<UnitPoint> out(count, UnitPoint(dims));
  for (auto& p : out) {
    for (double& u : p) u = unit_from_bits(rng() >> 11);
  }
  return out;
}

std::vector<UnitPoint> sobol_points(std::size_t dims, std::size_t count, uint64_t seed) {
  const auto polys = primitive_polynomials(dims);
  if (polys.size() + 1 < dims) throw InputError(fmt::format("sobol: at most {} dimensions", polys.size() + 1));
  std::vector<std::vector<uint32_t>> v(dims);
  std::vector<uint32_t> shift(dims, 0), x(dims, 0);
  for (std::size_t d = 0; d < dims; ++d) {
    v[d] = d == 0 ? directions(0, 0, 0, 0) : directions(d, polys[d - 1].first, polys[d - 1].second, 0);
    // Always shifted, seed 0 too: the unshifted sequence starts at the
    // corner (every parameter at its lower end), and a randomized sequence is
    // what Owen (2020, "On dropping the first Sobol' point") and scipy's
    // default (scramble=True) recommend. A digital shift keeps the
    // stratification.
    shift[d] = static_cast<uint32_t>(mix(seed * 7919 + d) >> 32);
  }
  std::vector<UnitPoint> out;
  for (std::size_t i = 0; i < count; ++i) {
    UnitPoint p(dims);
    for (std::size_t d = 0; d < dims; ++d) p[d] = static_cast<double>(x[d] ^ shift[d]) * 0x1.0p-32;
    out.push_back(std::move(p));
    // Gray-code order: point i+1 flips the direction of i's lowest zero bit.
    int c = 1;
    for (std::size_t n = i; n & 1; n >>= 1) ++c;
    if (c > kBits) break;
    for (std::size_t d = 0; d < dims; ++d) x[d] ^= v[d][static_cast<std::size_t>(c)];
  }
  return out;
}

std::vector<UnitPoint> grid_points(const SearchSpace& space, std::size_t points) {
  // Per parameter, the unit coordinates of its grid values.
  std::vector<std::vector<double>> axes;
  for (const SearchParam& p : space.params) {
    std::vector<double> axis;
    if (p.kind == SearchParam::Kind::Choice) {
      for (std::size_t i = 0; i < p.choices.size(); ++i) axis.push_back((static_cast<double>(i) + 0.5) / static_cast<double>(p.choices.size()));
    } else if (points <= 1) {
      axis.push_back(0.5);
    } else {
      std::set<int64_t> seen;  // int kinds: each rounded value once
      for (std::size_t i = 0; i < points; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(points - 1);
        if (p.kind == SearchParam::Kind::Int || p.kind == SearchParam::Kind::LogInt) {
          const bool log = p.kind == SearchParam::Kind::LogInt;
          const double value = log ? std::exp(std::log(p.lo) + t * (std::log(p.hi) - std::log(p.lo))) : p.lo + t * (p.hi - p.lo);
          const int64_t rounded = std::llround(value);
          if (!seen.insert(rounded).second) continue;
          // The unit coordinate whose floor maps back to this integer.
          const double lo = log ? std::log(p.lo) : p.lo;
          const double width = log ? std::log(p.hi + 1) - lo : p.hi - p.lo + 1;
          const double center = log ? std::log(static_cast<double>(rounded) + 0.5) : static_cast<double>(rounded) + 0.5;
          axis.push_back(std::clamp((center - lo) / width, 0.0, 1.0));
        } else {
          axis.push_back(t);
        }
      }
    }
    axes.push_back(axis);
  }
  std::vector<UnitPoint> out(1);
  for (const auto& axis : axes) {
    std::vector<UnitPoint> next;
    for (const UnitPoint& prefix : out) {
      for (double u : axis) {
        UnitPoint p = prefix;
        p.push_back(u);
        next.push_back(std::move(p));
      }
    }
    out = std::move(next);
  }
  return out;
}

std::vector<UnitPoint> sample_points(const std::string& sampler, const SearchSpace& space, std::size_t count,
                                     uint64_t seed, std::size_t grid_points_per_axis) {
  if (sampler == "random") return random_points(space.dims(), count, seed);
  if (sampler == "sobol") return sobol_points(space.dims(), count, seed);
  if (sampler == "grid") return grid_points(space, grid_points_per_axis);
  throw InputError(fmt::format("--sampler '{}': expected random, sobol or grid", sampler));
}

}  // namespace nnrecipe
