#pragma once
// Looking at rows: `nnrecipe inspect DATA --show MODE --where EXPR --sort COL
// --limit N`. Filtering, picking and sorting rows is how a person checks an
// intuition about the data, or looks at the rows a finding names.
//
// The rule, in order:
//  1. Filter. A row passes when every `where` expression holds (AND).
//     `matched` counts the rows that pass.
//  2. Pick, by `show`, among the rows that pass:
//     - "head": the first `limit` rows in file order. With a `sort`, the
//       passing rows are sorted first and the first `limit` of that order are
//       taken (`--sort Price --limit 5` = the 5 lowest prices).
//     - "random": a seeded uniform sample of `limit` rows without replacement,
//       shown in file order (or in `sort` order when one is given: the sample
//       is drawn first, then sorted; sorting first would make it "head").
//     - "extremes:COL": for a numeric COL, the rows with the lowest values
//       (ceil(limit/2) of them) and the highest (floor(limit/2)), shown by
//       ascending value; missing and NaN cells are skipped. For a categorical
//       or boolean COL, the rows of the rarest values (fewest passing rows;
//       ties by the value's text), rarest first, file order within a value,
//       up to `limit` rows.
//     - "rows:N,M,...": exactly those rows (1-based data rows, the header is
//       not a row; ranges "N-M" allowed), in the order given, repeats dropped,
//       minus those the filters reject. `limit` does not cut this list.
//  3. Sort (random, extremes and rows modes): `sort` reorders the picked rows.
//  A sort is stable: "COL" ascending, "-COL" descending; missing cells (and
//  NaN) come last either way; ties keep the order of step 2 (file order for
//  head). Categorical columns sort by text (byte order), booleans false < true.
//
// WHERE grammar: `COL OP VALUE`, OP one of >= <= != == = > < contains, or
// `COL is missing` / `COL is present`. COL may contain spaces; the expression
// is split at the leftmost operator whose left side names a column. COL and
// VALUE may be quoted with ' or ". Comparisons are numeric on numeric and
// boolean columns (a boolean VALUE is true/false/1/0); on categorical columns
// only ==, =, != (exact text) and contains (case-sensitive substring) apply.
// A missing cell never satisfies a comparison (not even !=); ask with
// `is missing`. A non-missing NaN compares as IEEE does (only != holds).
//
// Bad input (unknown column, mode or operator, a VALUE that does not fit the
// column, a row out of range, limit 0) throws InputError naming the piece.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nnrecipe/table.h"

namespace nnrecipe {

struct RowQuery {
  std::string show = "head";       ///< "head" | "random" | "extremes:COL" | "rows:N,M,..."
  std::vector<std::string> where;  ///< "COL OP VALUE" filters, all must hold
  std::string sort;                ///< "COL" ascending, "-COL" descending, "" = show order
  std::size_t limit = 10;          ///< rows shown at most (not for "rows:")
  uint64_t seed = 0;               ///< seed of the "random" sample
};

struct RowSelection {
  std::vector<std::size_t> rows;  ///< 0-based row indices, in display order
  std::size_t matched = 0;        ///< rows of the table that pass the filters
};

/// Applies the filters, the show mode and the sort (see the rule above).
RowSelection select_rows(const Table& table, const RowQuery& query);

/// The selected rows as a TextTable: a leading "row" column (1-based), then
/// `columns` (all when empty) in the given order; missing cells show "NA".
/// Throws InputError for an unknown column name.
std::string render_rows(const Table& table, const RowSelection& selection,
                        const std::vector<std::string>& columns = {});

}  // namespace nnrecipe
