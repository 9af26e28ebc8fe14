#include <cmath>

#include "column_builders.h"
#include "nnrecipe/error.h"
#include "nnrecipe/table.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

TEST(Table, CountDistinctIgnoresMissingAndSignOfZero) {
  const Column c = numeric("x", {1.0, 2.0, NAN, 1.0, 0.0, -0.0});
  EXPECT_EQ(count_distinct(c), 3u);
}

TEST(Table, TakeSelectsRowsAndKeepsMissing) {
  Table t({numeric("x", {1, 2, NAN, 4})}, 4);
  const Table sub = t.take({3, 2});
  ASSERT_EQ(sub.rows(), 2u);
  EXPECT_EQ(sub.column(0).values[0], 4.0);
  EXPECT_TRUE(sub.column(0).is_missing(1));
  EXPECT_EQ(sub.column(0).missing_count, 1u);
}

TEST(Table, MissingColumnErrorListsTheColumns) {
  Table t({numeric("alpha", {1}), numeric("beta", {2})}, 1);
  try {
    t.column("gamma");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("alpha, beta"), std::string::npos) << e.what();
  }
}

TEST(Table, RejectsColumnsOfDifferentLengths) { EXPECT_THROW(Table({numeric("a", {1, 2})}, 3), std::invalid_argument); }

}  // namespace
}  // namespace nnrecipe::test
