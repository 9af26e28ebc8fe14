// Samplers: Sobol' points stratify every coordinate, the primitive
// polynomials are the known ones, seeds reproduce; grids have the product
// size and hit the ends; ASHA rungs and decisions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "nnrecipe/asha.h"
#include "nnrecipe/samplers.h"

namespace nnrecipe::test {
namespace {

TEST(Sobol, FirstPowerOfTwoPointsStratifyEveryCoordinate) {
  // The defining property of a (t, s)-sequence in base 2 for one coordinate:
  // the first 2^k points put exactly one point in each slice [j/2^k, (j+1)/2^k).
  const std::size_t dims = 12;
  for (uint64_t seed : {0, 7}) {
    const auto points = sobol_points(dims, 256, seed);
    for (std::size_t k : {2, 4, 8}) {
      const std::size_t n = std::size_t{1} << k;
      for (std::size_t d = 0; d < dims; ++d) {
        std::set<std::size_t> slices;
        for (std::size_t i = 0; i < n; ++i) slices.insert(static_cast<std::size_t>(points[i][d] * static_cast<double>(n)));
        EXPECT_EQ(slices.size(), n) << "seed " << seed << " dim " << d << " 2^" << k;
      }
    }
  }
}

TEST(Sobol, TwoDimensionalProjectionsAreStratifiedToo) {
  // Dimensions 0 and 1 (x and the primitive polynomial x + 1) form a
  // (0, 2)-sequence: the first 16 points fill each cell of a 4 x 4 grid once.
  const auto points = sobol_points(2, 16, 0);
  std::set<std::pair<int, int>> cells;
  for (const auto& p : points) cells.insert({static_cast<int>(p[0] * 4), static_cast<int>(p[1] * 4)});
  EXPECT_EQ(cells.size(), 16u);
  EXPECT_EQ(points[1], (UnitPoint{0.5, 0.5}));
}

TEST(Sobol, SeedsReproduceAndDiffer) {
  EXPECT_EQ(sobol_points(5, 20, 3), sobol_points(5, 20, 3));
  EXPECT_NE(sobol_points(5, 20, 3), sobol_points(5, 20, 4));
  EXPECT_EQ(random_points(4, 10, 1), random_points(4, 10, 1));
  EXPECT_NE(random_points(4, 10, 1), random_points(4, 10, 2));
  for (const auto& p : random_points(4, 100, 1)) {
    for (double u : p) EXPECT_TRUE(u >= 0 && u < 1);
  }
}

TEST(Grid, ProductOfAxesWithEnds) {
  const SearchSpace s = parse_search_space(
      "train.lr: {log_uniform: [1.0e-4, 1.0e-2]}\nmodel.hidden: {choice: [[64], [128]]}\n"
      "train.batch_size: {int: [32, 34]}\n");
  const auto points = grid_points(s, 3);
  ASSERT_EQ(points.size(), 3u * 2u * 3u);
  std::set<std::string> lrs, sizes;
  for (const auto& p : points) {
    const Assignment a = assign(s, p, Config{});
    lrs.insert(a[0].second);
    sizes.insert(a[2].second);
  }
  EXPECT_EQ(lrs, (std::set<std::string>{"0.0001", "0.001", "0.01"}));
  EXPECT_EQ(sizes, (std::set<std::string>{"32", "33", "34"}));
}

TEST(Asha, RungsAndDecisions) {
  AshaOptions o;
  o.grace = 1, o.eta = 3, o.max_epochs = 27;
  EXPECT_EQ(asha_rungs(o), (std::vector<int64_t>{1, 3, 9}));
  o.max_epochs = 9;
  EXPECT_EQ(asha_rungs(o), (std::vector<int64_t>{1, 3}));
  // The first trial at a rung continues; later ones need the top third.
  EXPECT_FALSE(asha_decide({}, 0.5, 3, true).stop);
  const std::vector<double> earlier = {0.60, 0.70, 0.80, 0.90};
  const AshaDecision d = asha_decide(earlier, 0.75, 3, true);
  EXPECT_NEAR(d.cutoff, 0.80, 1e-12);  // the 2/3 quantile of 0.6..0.9
  EXPECT_TRUE(d.stop);
  EXPECT_FALSE(asha_decide(earlier, 0.85, 3, true).stop);
  // Lower is better (rmse): the 1/3 quantile.
  EXPECT_FALSE(asha_decide(earlier, 0.65, 3, false).stop);
  EXPECT_TRUE(asha_decide(earlier, 0.75, 3, false).stop);
  EXPECT_TRUE(asha_decide(earlier, NAN, 3, true).stop);
}

}  // namespace
}  // namespace nnrecipe::test
