// Samplers: Sobol' points stratify every coordinate, the primitive
// polynomials are the known ones, seeds reproduce; grids have the product
// size and hit the ends; ASHA rungs and promotions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
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
}

TEST(Sobol, SeedZeroIsShiftedTooSoTheFirstPointIsNotTheCorner) {
  // Unshifted, point 0 is (0, ..., 0): every parameter at the low end of its
  // range, the edge of the space, tried first.
  for (uint64_t seed : {0, 1}) {
    const auto points = sobol_points(3, 4, seed);
    EXPECT_NE(points[0], (UnitPoint{0, 0, 0})) << "seed " << seed;
    // A digital shift XORs every point with the same bits: point 1 of the
    // unshifted sequence is (0.5, 0.5, 0.5), so points 0 and 1 differ in the
    // first binary digit of every coordinate.
    for (std::size_t d = 0; d < 3; ++d) EXPECT_NE(points[0][d] < 0.5, points[1][d] < 0.5) << "seed " << seed;
  }
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

TEST(Asha, Rungs) {
  AshaOptions o;
  o.grace = 1, o.eta = 3, o.max_epochs = 27;
  EXPECT_EQ(asha_rungs(o), (std::vector<int64_t>{1, 3, 9}));
  o.max_epochs = 9;
  EXPECT_EQ(asha_rungs(o), (std::vector<int64_t>{1, 3}));
  o.grace = 3, o.max_epochs = 27;
  EXPECT_EQ(asha_rungs(o), (std::vector<int64_t>{3, 9}));
}

TEST(Asha, PromotesOnlyFromTheTopOneOverEtaOnceEtaTrialsReachedTheRung) {
  // Fewer than eta records: nobody is promoted yet (the stopping variant let
  // the first trial at every rung through).
  EXPECT_FALSE(asha_promotion({{0, 0.9, false}, {1, 0.8, false}}, 3, true));
  // Three records: the best one.
  std::vector<AshaRecord> rung = {{0, 0.7, false}, {1, 0.9, false}, {2, 0.8, false}};
  EXPECT_EQ(asha_promotion(rung, 3, true), std::optional<std::size_t>{1});
  // Once it is promoted, the second best must wait for six records.
  rung[1].promoted = true;
  EXPECT_FALSE(asha_promotion(rung, 3, true));
  rung.push_back({3, 0.6, false});
  rung.push_back({4, 0.5, false});
  EXPECT_FALSE(asha_promotion(rung, 3, true));
  rung.push_back({5, 0.95, false});
  EXPECT_EQ(asha_promotion(rung, 3, true), std::optional<std::size_t>{5});
  // Lower is better (rmse); a NaN score ranks last and is never promoted.
  const std::vector<AshaRecord> rmse = {{0, 2.0, false}, {1, NAN, false}, {2, 1.0, false}};
  EXPECT_EQ(asha_promotion(rmse, 3, false), std::optional<std::size_t>{2});
  EXPECT_FALSE(asha_promotion({{0, NAN, false}, {1, NAN, false}, {2, NAN, false}}, 3, true));
  // Scores all in at once: synchronous successive halving's count, 27 of 81.
  std::vector<AshaRecord> many;
  for (std::size_t i = 0; i < 81; ++i) many.push_back({i, static_cast<double>(i), false});
  std::size_t promoted = 0;
  while (const auto pick = asha_promotion(many, 3, true)) {
    EXPECT_GE(many[*pick].score, 54) << "only the top 27 of 81";
    many[*pick].promoted = true;
    ++promoted;
  }
  EXPECT_EQ(promoted, 27u);
}

}  // namespace
}  // namespace nnrecipe::test
