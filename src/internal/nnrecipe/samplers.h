#pragma once
// Points of the unit cube for hyperparameter search (src/tune/samplers.cpp):
//  - random: independent uniform coordinates (Bergstra & Bengio 2012);
//  - sobol: a Sobol' low-discrepancy sequence, which the Deep Learning
//    Tuning Playbook recommends for exploration: the first 2^k points put
//    exactly one point in each of 2^k equal slices of every coordinate;
//  - grid: the full grid of a search space, for comparison only.
// All seeded, and the same on every platform (own generators, no std::
// distributions).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nnrecipe/search_space.h"

namespace nnrecipe {

using UnitPoint = std::vector<double>;

/// `count` uniform points in [0, 1)^dims.
std::vector<UnitPoint> random_points(std::size_t dims, std::size_t count, uint64_t seed);

/// The first `count` points of a `dims`-dimensional Sobol' sequence with Joe
/// & Kuo's direction numbers (Boost.Random's table, up to 3667 dimensions),
/// digitally shifted by a seeded random XOR per coordinate (a shift keeps
/// the stratification; every seed is shifted, so the first point is never
/// the corner of the cube).
std::vector<UnitPoint> sobol_points(std::size_t dims, std::size_t count, uint64_t seed);

/// The full grid: for each parameter its choices, or `points` values from
/// LOW to HIGH inclusive (evenly spaced, in log space for log kinds; for int
/// kinds the distinct rounded values). In unit coordinates, row-major with
/// the last parameter varying fastest.
std::vector<UnitPoint> grid_points(const SearchSpace& space, std::size_t points);

/// "random", "sobol" or "grid"; otherwise InputError naming the option.
std::vector<UnitPoint> sample_points(const std::string& sampler, const SearchSpace& space, std::size_t count,
                                     uint64_t seed, std::size_t grid_points_per_axis);

}  // namespace nnrecipe
