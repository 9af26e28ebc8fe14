// Tests of the row view (`inspect --show/--where/--sort/--limit`): each show
// mode, each operator, quoting, missing cells, sort order, seeded sampling,
// the error messages, and one query on a real test dataset.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "column_builders.h"
#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/row_view.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

using Rows = std::vector<std::size_t>;

/// A categorical column; "<NA>" marks a missing cell.
Column categorical(const std::string& name, const std::vector<std::string>& cells) {
  Column c;
  c.name = name;
  c.type = ColumnType::Categorical;
  std::set<std::string> distinct;
  for (const std::string& s : cells) {
    if (s != "<NA>") distinct.insert(s);
  }
  c.categories.assign(distinct.begin(), distinct.end());
  for (const std::string& s : cells) {
    const bool missing = s == "<NA>";
    c.missing.push_back(missing);
    c.missing_count += missing;
    const auto code = std::lower_bound(c.categories.begin(), c.categories.end(), s) - c.categories.begin();
    c.codes.push_back(missing ? -1 : static_cast<int32_t>(code));
  }
  return c;
}

// Row (0-based):   0        1       2        3       4           5        6       7
// price            5        3       NA       9       1           7        3       12
// city             Paris    Oslo    Paris    Rome    New York    Paris    NA      Oslo
// unit price       1.5      2       2.5      3       3.5         4        4.5     5
// member           true     false   true     NA      false       true     false   false
Table shop() {
  return Table({numeric("price", {5, 3, NAN, 9, 1, 7, 3, 12}),
                categorical("city", {"Paris", "Oslo", "Paris", "Rome", "New York", "Paris", "<NA>", "Oslo"}),
                numeric("unit price", {1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5}),
                numeric("member", {1, 0, 1, NAN, 0, 1, 0, 0}, ColumnType::Boolean)},
               8);
}

RowQuery query(std::string show, std::vector<std::string> where = {}, std::string sort = "", std::size_t limit = 10) {
  RowQuery q;
  q.show = std::move(show);
  q.where = std::move(where);
  q.sort = std::move(sort);
  q.limit = limit;
  return q;
}

Rows where(const Table& t, const std::string& expr) { return select_rows(t, query("head", {expr})).rows; }

/// The InputError message select_rows throws for the query ("" if none).
std::string error_of(const Table& t, const RowQuery& q) {
  try {
    select_rows(t, q);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

TEST(RowView, HeadTakesTheFirstRowsInFileOrder) {
  const RowSelection s = select_rows(shop(), query("head", {}, "", 3));
  EXPECT_EQ(s.rows, (Rows{0, 1, 2}));
  EXPECT_EQ(s.matched, 8u);
}

TEST(RowView, HeadWithSortSortsTheFilteredRowsBeforeTheLimit) {
  // Rome (row 3) and the missing city (row 6) fail the filter; the 3 lowest
  // prices among the rest are rows 4, 1, 0 (not the first 3 rows, sorted).
  const RowSelection s = select_rows(shop(), query("head", {"city != Rome"}, "price", 3));
  EXPECT_EQ(s.rows, (Rows{4, 1, 0}));
  EXPECT_EQ(s.matched, 6u);
}

TEST(RowView, SortAscendingAndDescendingPutMissingLastAndKeepTiesInFileOrder) {
  EXPECT_EQ(select_rows(shop(), query("head", {}, "price")).rows, (Rows{4, 1, 6, 0, 5, 3, 7, 2}));
  EXPECT_EQ(select_rows(shop(), query("head", {}, "-price")).rows, (Rows{7, 3, 5, 0, 1, 6, 4, 2}));
}

TEST(RowView, SortsCategoricalByTextAndBooleanFalseFirst) {
  EXPECT_EQ(select_rows(shop(), query("head", {}, "city")).rows, (Rows{4, 1, 7, 0, 2, 5, 3, 6}));
  EXPECT_EQ(select_rows(shop(), query("head", {}, "-city")).rows, (Rows{3, 0, 2, 5, 1, 7, 4, 6}));
  EXPECT_EQ(select_rows(shop(), query("head", {}, "member")).rows, (Rows{1, 4, 6, 7, 0, 2, 5, 3}));
}

TEST(RowView, NumericOperators) {
  const Table t = shop();
  EXPECT_EQ(where(t, "price > 5"), (Rows{3, 5, 7}));
  EXPECT_EQ(where(t, "price >= 5"), (Rows{0, 3, 5, 7}));
  EXPECT_EQ(where(t, "price < 3"), (Rows{4}));
  EXPECT_EQ(where(t, "price <= 3"), (Rows{1, 4, 6}));
  EXPECT_EQ(where(t, "price == 3"), (Rows{1, 6}));
  EXPECT_EQ(where(t, "price = 3"), (Rows{1, 6}));
  // No spaces needed; the missing row 2 never matches.
  EXPECT_EQ(where(t, "price!=3"), (Rows{0, 3, 4, 5, 7}));
  EXPECT_EQ(where(t, "price > -1e1"), (Rows{0, 1, 3, 4, 5, 6, 7}));
}

TEST(RowView, CategoricalOperators) {
  const Table t = shop();
  EXPECT_EQ(where(t, "city == Paris"), (Rows{0, 2, 5}));
  EXPECT_EQ(where(t, "city = Paris"), (Rows{0, 2, 5}));
  EXPECT_EQ(where(t, "city != Paris"), (Rows{1, 3, 4, 7}));
  EXPECT_EQ(where(t, "city contains o"), (Rows{1, 3, 4, 7}));  // Oslo, Rome, New York
  EXPECT_EQ(where(t, "city contains O"), (Rows{1, 7}));
  EXPECT_EQ(where(t, "city == Berlin"), Rows{});
}

TEST(RowView, QuotedValuesAndColumnNamesWithSpaces) {
  const Table t = shop();
  EXPECT_EQ(where(t, "city == 'New York'"), (Rows{4}));
  EXPECT_EQ(where(t, "city == \"New York\""), (Rows{4}));
  EXPECT_EQ(where(t, "city == New York"), (Rows{4}));
  EXPECT_EQ(where(t, "city contains ' Y'"), (Rows{4}));
  EXPECT_EQ(where(t, "unit price >= 4"), (Rows{5, 6, 7}));
  EXPECT_EQ(where(t, "'unit price' < 2"), (Rows{0}));
  EXPECT_EQ(where(t, "price < '2'"), (Rows{4}));
}

TEST(RowView, MissingAndPresent) {
  const Table t = shop();
  EXPECT_EQ(where(t, "price is missing"), (Rows{2}));
  EXPECT_EQ(where(t, "city is missing"), (Rows{6}));
  EXPECT_EQ(where(t, "member IS MISSING"), (Rows{3}));
  EXPECT_EQ(where(t, "price is present"), (Rows{0, 1, 3, 4, 5, 6, 7}));
  EXPECT_EQ(where(t, "city != Nowhere"), (Rows{0, 1, 2, 3, 4, 5, 7}));  // missing never matches, even !=
}

TEST(RowView, BooleanComparisons) {
  const Table t = shop();
  EXPECT_EQ(where(t, "member == true"), (Rows{0, 2, 5}));
  EXPECT_EQ(where(t, "member == TRUE"), (Rows{0, 2, 5}));
  EXPECT_EQ(where(t, "member = 0"), (Rows{1, 4, 6, 7}));
  EXPECT_EQ(where(t, "member != 1"), (Rows{1, 4, 6, 7}));
  EXPECT_EQ(where(t, "member > false"), (Rows{0, 2, 5}));
}

TEST(RowView, AllFiltersMustHold) {
  const RowSelection s = select_rows(shop(), query("head", {"price > 2", "city == Paris"}));
  EXPECT_EQ(s.rows, (Rows{0, 5}));
  EXPECT_EQ(s.matched, 2u);
}

TEST(RowView, LimitCutsTheRowsButNotTheMatchedCount) {
  const RowSelection s = select_rows(shop(), query("head", {"price is present"}, "", 2));
  EXPECT_EQ(s.rows, (Rows{0, 1}));
  EXPECT_EQ(s.matched, 7u);
}

Table counter(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i);
  return Table({numeric("i", v)}, n);
}

TEST(RowView, RandomIsSeededDistinctAndInFileOrder) {
  const Table t = counter(100);
  RowQuery q = query("random");
  q.seed = 7;
  const Rows a = select_rows(t, q).rows;
  EXPECT_EQ(select_rows(t, q).rows, a);
  ASSERT_EQ(a.size(), 10u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::set<std::size_t>(a.begin(), a.end()).size(), 10u);
  q.seed = 8;
  EXPECT_NE(select_rows(t, q).rows, a);
}

TEST(RowView, RandomSampleIsUniform) {
  // 2000 samples of 5 rows out of 20: each row is drawn 500 times on average
  // (standard deviation about 19); a biased sampler lands far outside 400-600.
  const Table t = counter(20);
  std::vector<int> drawn(20, 0);
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    RowQuery q = query("random", {}, "", 5);
    q.seed = seed;
    for (std::size_t r : select_rows(t, q).rows) ++drawn[r];
  }
  for (std::size_t r = 0; r < 20; ++r) {
    EXPECT_GT(drawn[r], 400) << "row " << r;
    EXPECT_LT(drawn[r], 600) << "row " << r;
  }
}

TEST(RowView, RandomSamplesOnlyFilteredRowsAndSortsTheSample) {
  const Table t = counter(100);
  RowQuery q = query("random", {"i >= 50"});
  q.seed = 3;
  const Rows plain = select_rows(t, q).rows;
  for (std::size_t r : plain) EXPECT_GE(r, 50u);
  q.sort = "-i";
  const Rows sorted = select_rows(t, q).rows;
  EXPECT_EQ(sorted, Rows(plain.rbegin(), plain.rend()));  // the same sample, descending

  const RowSelection all = select_rows(t, query("random", {"i < 4"}));
  EXPECT_EQ(all.rows, (Rows{0, 1, 2, 3}));  // fewer rows than the limit: all of them
}

TEST(RowView, NumericExtremesAreHalfLowestHalfHighest) {
  const Table t = shop();
  // Lowest: 1 (row 4), 3 (row 1; row 6 ties and comes later); highest 9, 12.
  EXPECT_EQ(select_rows(t, query("extremes:price", {}, "", 4)).rows, (Rows{4, 1, 3, 7}));
  EXPECT_EQ(select_rows(t, query("extremes:price", {}, "", 3)).rows, (Rows{4, 1, 7}));
  // More room than values: every present value, ascending; the missing row 2 is skipped.
  EXPECT_EQ(select_rows(t, query("extremes:price")).rows, (Rows{4, 1, 6, 0, 5, 3, 7}));
  EXPECT_EQ(select_rows(t, query("extremes:price", {}, "-price", 4)).rows, (Rows{7, 3, 1, 4}));
  EXPECT_EQ(select_rows(t, query("extremes:unit price", {"city == Paris"}, "", 2)).rows, (Rows{0, 5}));
}

TEST(RowView, NumericExtremesOnALargerTable) {
  const Table t = counter(1000);
  EXPECT_EQ(select_rows(t, query("extremes:i", {}, "", 5)).rows, (Rows{0, 1, 2, 998, 999}));
}

TEST(RowView, CategoricalExtremesAreTheRarestValuesRows) {
  const Table t = shop();
  // Counts: New York 1, Rome 1 (tie: by text), Oslo 2, Paris 3.
  EXPECT_EQ(select_rows(t, query("extremes:city", {}, "", 3)).rows, (Rows{4, 3, 1}));
  EXPECT_EQ(select_rows(t, query("extremes:city")).rows, (Rows{4, 3, 1, 7, 0, 2, 5}));
  // Rarity is counted among the filtered rows: among price >= 5, Paris (0, 5) outnumbers Rome and Oslo.
  EXPECT_EQ(select_rows(t, query("extremes:city", {"price >= 5"})).rows, (Rows{7, 3, 0, 5}));
  // Boolean: true (3 rows) is rarer than false (4 rows).
  EXPECT_EQ(select_rows(t, query("extremes:member", {}, "", 4)).rows, (Rows{0, 2, 5, 1}));
}

TEST(RowView, ExplicitRowsAreOneBasedInTheGivenOrder) {
  const Table t = shop();
  EXPECT_EQ(select_rows(t, query("rows:8,2, 2 ,3-4")).rows, (Rows{7, 1, 2, 3}));
  EXPECT_EQ(select_rows(t, query("rows:1,2,3", {}, "", 1)).rows, (Rows{0, 1, 2}));  // the limit does not cut
  EXPECT_EQ(select_rows(t, query("rows:8,2,3,4", {"price > 4"})).rows, (Rows{7, 3}));
  EXPECT_EQ(select_rows(t, query("rows:8,2,1", {}, "price")).rows, (Rows{1, 0, 7}));
}

TEST(RowView, RowOutOfRangeNamesTheRowAndTheCount) {
  const std::string e = error_of(shop(), query("rows:1,9"));
  EXPECT_TRUE(has(e, "row 9")) << e;
  EXPECT_TRUE(has(e, "8 data rows")) << e;
  EXPECT_TRUE(has(error_of(shop(), query("rows:0")), "row 0"));
  EXPECT_TRUE(has(error_of(shop(), query("rows:2,x")), "'x' is not a row number"));
  EXPECT_TRUE(has(error_of(shop(), query("rows:5-3")), "'5-3'"));
  EXPECT_TRUE(has(error_of(shop(), query("rows:")), "rows:3,17,42"));
}

TEST(RowView, BadShowSortAndLimitSayWhatIsAccepted) {
  const Table t = shop();
  std::string e = error_of(t, query("tail"));
  EXPECT_TRUE(has(e, "'tail'") && has(e, "head, random, extremes:COL or rows:N,M")) << e;
  e = error_of(t, query("extremes:cost"));
  EXPECT_TRUE(has(e, "'cost' not found") && has(e, "price, city, unit price, member")) << e;
  e = error_of(t, query("extremes:"));
  EXPECT_TRUE(has(e, "extremes:COL")) << e;
  e = error_of(t, query("head", {}, "-cost"));
  EXPECT_TRUE(has(e, "'cost' not found") && has(e, "-COL for descending") && has(e, "price, city")) << e;
  e = error_of(t, query("head", {}, "", 0));
  EXPECT_TRUE(has(e, "--limit")) << e;
}

TEST(RowView, BadWhereNamesTheExpressionAndThePiece) {
  const Table t = shop();
  auto where_error = [&](const std::string& expr) { return error_of(t, query("head", {expr})); };
  std::string e = where_error("cost > 3");
  EXPECT_TRUE(has(e, "--where 'cost > 3'") && has(e, "'cost' not found") &&
              has(e, "the columns are: price, city, unit price, member"))
      << e;
  e = where_error("price");
  EXPECT_TRUE(has(e, "no operator") && has(e, "COL is missing")) << e;
  e = where_error("price > cheap");
  EXPECT_TRUE(has(e, "'cheap' is not a number") && has(e, "'price' is numeric")) << e;
  e = where_error("price >");
  EXPECT_TRUE(has(e, "no value after '>'")) << e;
  e = where_error("city > Oslo");
  EXPECT_TRUE(has(e, "'city' is categorical") && has(e, "==, != or contains")) << e;
  e = where_error("price contains 3");
  EXPECT_TRUE(has(e, "'contains' applies to categorical") && has(e, "'price' is numeric")) << e;
  e = where_error("member == maybe");
  EXPECT_TRUE(has(e, "'maybe' is not a boolean") && has(e, "true, false, 1 or 0")) << e;
  e = where_error("> 3");
  EXPECT_TRUE(has(e, "no column before the operator")) << e;
  e = where_error("price is absent");
  EXPECT_TRUE(has(e, "no operator")) << e;
}

TEST(RowView, RenderShowsOneBasedRowNumbersAndMissingCells) {
  const Table t = shop();
  RowSelection s;
  s.rows = {4, 2};
  const std::string text = render_rows(t, s);
  EXPECT_EQ(text,
            "row  price  city      unit price  member\n"
            "----------------------------------------\n"
            "  5      1  New York         3.5  false\n"
            "  3     NA  Paris            2.5  true\n");
  EXPECT_EQ(render_rows(t, s, {"city", "price"}),
            "row  city      price\n"
            "--------------------\n"
            "  5  New York      1\n"
            "  3  Paris        NA\n");
  EXPECT_THROW(render_rows(t, s, {"cost"}), InputError);
}

TEST(RowView, IncomeQueryOnTheCreditDataset) {
  const std::string path = shared_dataset("credit_data.csv");
  if (!exists(path)) GTEST_SKIP() << "missing " << path;
  const Table t = read_csv(path);
  const Column& income = t.column("Income");
  std::size_t expected = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) expected += !income.is_missing(r) && income.values[r] > 300;
  ASSERT_GT(expected, 20u);

  const RowSelection s = select_rows(t, query("head", {"Income > 300"}, "-Income", 20));
  EXPECT_EQ(s.matched, expected);
  ASSERT_EQ(s.rows.size(), 20u);
  double previous = INFINITY;
  for (std::size_t r : s.rows) {
    EXPECT_GT(income.values[r], 300.0);
    EXPECT_LE(income.values[r], previous);
    previous = income.values[r];
  }
  // The first row is the table's highest income.
  double highest = -INFINITY;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (!income.is_missing(r)) highest = std::max(highest, income.values[r]);
  }
  EXPECT_EQ(income.values[s.rows.front()], highest);

  // A categorical filter combined with the numeric one.
  const Column& home = t.column("Home");
  std::size_t expected_owners = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    expected_owners += !income.is_missing(r) && income.values[r] > 300 && home.cell_text(r) == "owner";
  }
  const RowSelection owners = select_rows(t, query("head", {"Home == owner", "Income > 300"}, "", 1000));
  EXPECT_EQ(owners.matched, expected_owners);
  EXPECT_EQ(owners.rows.size(), expected_owners);
  for (std::size_t r : owners.rows) EXPECT_EQ(home.cell_text(r), "owner");
  EXPECT_GT(expected_owners, 0u);
  EXPECT_LT(expected_owners, expected);
  EXPECT_TRUE(has(render_rows(t, s, {"Income", "Home"}), "Income"));
}

}  // namespace
}  // namespace nnrecipe::test
