// Random, Sobol' and grid points for hyperparameter search.
#include "nnrecipe/samplers.h"

#include <fmt/format.h>
#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "nnrecipe/error.h"

namespace nnrecipe {
namespace {

// splitmix64: the seeded digital shift of every coordinate.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double unit_from_bits(uint64_t bits53) { return static_cast<double>(bits53) * 0x1.0p-53; }

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
  // Boost's engine carries Joe & Kuo's direction numbers (new-joe-kuo-6.21201,
  // chosen for good two-dimensional projections; Joe & Kuo 2008), the table
  // scipy.stats.qmc.Sobol uses too.
  using Engine = boost::random::sobol_engine<uint32_t, 32>;
  if (dims == 0) return std::vector<UnitPoint>(count);
  constexpr unsigned kMaxDims = boost::random::default_sobol_table::max_dimension;
  if (dims > kMaxDims) throw InputError(fmt::format("sobol: at most {} dimensions", kMaxDims));
  if (count > std::size_t{0xffffffff}) throw InputError("sobol: at most 2^32 points");
  std::vector<uint32_t> shift(dims);
  // Always shifted, seed 0 too: the unshifted sequence starts at the corner
  // (every parameter at its lower end), and a randomized sequence is what
  // Owen (2020, "On dropping the first Sobol' point") and scipy's default
  // (scramble=True) recommend. A digital shift (XOR) keeps every
  // stratification of the sequence.
  for (std::size_t d = 0; d < dims; ++d) shift[d] = static_cast<uint32_t>(mix(seed * 7919 + d) >> 32);
  std::vector<UnitPoint> out;
  out.reserve(count);
  // Boost skips point 0 (the origin); without it the first 2^k points would
  // not be a net, so it is put back.
  Engine engine(static_cast<unsigned>(dims));
  for (std::size_t i = 0; i < count; ++i) {
    UnitPoint p(dims);
    for (std::size_t d = 0; d < dims; ++d) {
      const uint32_t x = i == 0 ? 0u : engine();
      p[d] = static_cast<double>(x ^ shift[d]) * 0x1.0p-32;
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<UnitPoint> grid_points(const SearchSpace& space, std::size_t points) {
  // Per parameter, the unit coordinates of its grid values.
  std::vector<std::vector<double>> axes;
  for (const SearchParam& p : space.params) {
    std::vector<double> axis;
    if (p.kind == SearchParam::Kind::Choice) {
      for (std::size_t i = 0; i < p.choices.size(); ++i)
        axis.push_back((static_cast<double>(i) + 0.5) / static_cast<double>(p.choices.size()));
    } else if (points <= 1) {
      axis.push_back(0.5);
    } else {
      std::set<int64_t> seen;  // int kinds: each rounded value once
      for (std::size_t i = 0; i < points; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(points - 1);
        if (p.kind == SearchParam::Kind::Int || p.kind == SearchParam::Kind::LogInt) {
          const bool log = p.kind == SearchParam::Kind::LogInt;
          const double value =
              log ? std::exp(std::log(p.lo) + t * (std::log(p.hi) - std::log(p.lo))) : p.lo + t * (p.hi - p.lo);
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
