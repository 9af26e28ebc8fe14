// Row view for `nnrecipe inspect --show/--where/--sort/--limit`: parses the
// query, filters, picks and sorts rows, and renders them as a text table.
// The rule is documented in src/internal/nnrecipe/row_view.h.
#include "nnrecipe/row_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string_view>

#include "nnrecipe/error.h"
#include "nnrecipe/random.h"
#include "nnrecipe/text_parse.h"
#include "nnrecipe/text_table.h"

namespace nnrecipe {
namespace {

constexpr const char* kWhereGrammar =
    "expected 'COL OP VALUE' with OP one of >=, <=, !=, ==, =, >, <, contains, "
    "or 'COL is missing' / 'COL is present'";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_quote(char c) { return c == '\'' || c == '"'; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

/// Trims, then removes one pair of matching outer quotes ('x' or "x").
std::string unquote(std::string_view s) {
  std::string t = trim(s);
  if (t.size() >= 2 && is_quote(t.front()) && t.back() == t.front()) return t.substr(1, t.size() - 2);
  return t;
}

std::string column_names(const Table& table) {
  std::string names;
  for (const Column& c : table.columns()) names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

[[noreturn]] void column_not_found(const Table& table, const std::string& where, const std::string& name) {
  throw InputError(fmt::format("{}: column '{}' not found; the columns are: {}", where, name, column_names(table)));
}

// ---------------------------------------------------------------------------
// --where

enum class Op { Ge, Le, Ne, Eq, Gt, Lt, Contains, IsMissing, IsPresent };

/// One operator found in an expression: where it starts and how long it is
/// (for "is missing" / "is present", up to the end of the expression).
struct OpAt {
  std::size_t pos = 0, len = 0;
  Op op = Op::Eq;
  std::string text;
};

/// The operator starting at position i of `e`, longest first; nullopt if none.
/// Word operators need a space before them so that a column name like
/// "Thiscontains" is not split.
std::optional<OpAt> operator_at(const std::string& e, std::size_t i) {
  static const std::pair<const char*, Op> kSymbols[] = {{">=", Op::Ge}, {"<=", Op::Le}, {"!=", Op::Ne}, {"==", Op::Eq},
                                                        {"=", Op::Eq},  {">", Op::Gt},  {"<", Op::Lt}};
  for (const auto& [text, op] : kSymbols) {
    const std::size_t n = std::char_traits<char>::length(text);
    if (e.compare(i, n, text) == 0) return OpAt{i, n, op, text};
  }
  if (i == 0 || !is_space(e[i - 1])) return std::nullopt;
  const std::string_view rest = std::string_view(e).substr(i);
  if (rest.size() >= 8 && detail::iequals(rest.substr(0, 8), "contains") &&
      (rest.size() == 8 || is_space(rest[8]) || is_quote(rest[8]))) {
    return OpAt{i, 8, Op::Contains, "contains"};
  }
  if (rest.size() > 3 && detail::iequals(rest.substr(0, 2), "is") && is_space(rest[2])) {
    const std::string what = trim(rest.substr(3));
    if (detail::iequals(what, "missing")) return OpAt{i, rest.size(), Op::IsMissing, "is missing"};
    if (detail::iequals(what, "present")) return OpAt{i, rest.size(), Op::IsPresent, "is present"};
  }
  return std::nullopt;
}

/// A compiled filter. Categorical comparisons are precomputed per category.
struct Filter {
  const Column* column = nullptr;
  Op op = Op::Eq;
  double number = 0;                 ///< numeric / boolean comparisons
  std::vector<uint8_t> category_ok;  ///< categorical: does category k match

  bool matches(std::size_t row) const {
    const bool missing = column->is_missing(row);
    if (op == Op::IsMissing) return missing;
    if (op == Op::IsPresent) return !missing;
    if (missing) return false;
    if (column->is_categorical()) return category_ok[static_cast<std::size_t>(column->codes[row])] != 0;
    const double v = column->values[row];
    switch (op) {
      case Op::Ge: return v >= number;
      case Op::Le: return v <= number;
      case Op::Ne: return v != number;
      case Op::Eq: return v == number;
      case Op::Gt: return v > number;
      case Op::Lt: return v < number;
      default: return false;
    }
  }
};

Filter compile_filter(const Column& column, const OpAt& op, const std::string& raw_value, const std::string& where) {
  Filter f;
  f.column = &column;
  f.op = op.op;
  if (op.op == Op::IsMissing || op.op == Op::IsPresent) return f;
  if (trim(raw_value).empty()) {
    throw InputError(fmt::format("{}: no value after '{}'; {}", where, op.text, kWhereGrammar));
  }
  const std::string value = unquote(raw_value);
  if (column.is_categorical()) {
    if (op.op != Op::Eq && op.op != Op::Ne && op.op != Op::Contains) {
      throw InputError(
          fmt::format("{}: column '{}' is categorical; use ==, != or contains on it "
                      "('{}' compares numbers)",
                      where, column.name, op.text));
    }
    f.category_ok.resize(column.categories.size());
    for (std::size_t k = 0; k < column.categories.size(); ++k) {
      const std::string& c = column.categories[k];
      f.category_ok[k] = op.op == Op::Eq   ? c == value
                         : op.op == Op::Ne ? c != value
                                           : c.find(value) != std::string::npos;
    }
    return f;
  }
  if (op.op == Op::Contains) {
    throw InputError(fmt::format("{}: 'contains' applies to categorical columns; column '{}' is {}", where, column.name,
                                 to_string(column.type)));
  }
  if (column.type == ColumnType::Boolean) {
    if (!detail::parse_bool(value, f.number)) {
      if (value != "1" && value != "0") {
        throw InputError(
            fmt::format("{}: '{}' is not a boolean; column '{}' is boolean "
                        "(use true, false, 1 or 0)",
                        where, value, column.name));
      }
      f.number = value == "1" ? 1.0 : 0.0;
    }
    return f;
  }
  if (!detail::parse_double(value.data(), value.data() + value.size(), f.number)) {
    throw InputError(fmt::format("{}: '{}' is not a number; column '{}' is numeric", where, value, column.name));
  }
  return f;
}

/// Splits at the leftmost operator whose left side names a column (so column
/// names may hold spaces or even operator characters), then compiles it.
Filter parse_where(const Table& table, const std::string& expr) {
  const std::string where = fmt::format("--where '{}'", expr);
  std::optional<std::string> first_column;  // left side of the first operator, for the error
  for (std::size_t i = 0; i < expr.size(); ++i) {
    const std::optional<OpAt> op = operator_at(expr, i);
    if (!op) continue;
    const std::string name = unquote(std::string_view(expr).substr(0, op->pos));
    if (!first_column) first_column = name;
    if (const auto index = table.find(name); index && !name.empty()) {
      return compile_filter(table.column(*index), *op, expr.substr(op->pos + op->len), where);
    }
  }
  if (!first_column) throw InputError(fmt::format("{}: no operator; {}", where, kWhereGrammar));
  if (first_column->empty()) {
    throw InputError(fmt::format("{}: no column before the operator; {}", where, kWhereGrammar));
  }
  column_not_found(table, where, *first_column);
}

// ---------------------------------------------------------------------------
// --sort

/// Orders rows by one column: present values first (ascending or descending),
/// then missing cells and NaN. Categorical columns order by text.
class SortKey {
 public:
  SortKey(const Column& column, bool descending) : column_(column), descending_(descending) {
    if (column.is_categorical()) {
      std::vector<std::size_t> order(column.categories.size());
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return column.categories[a] < column.categories[b]; });
      rank_.resize(order.size());
      for (std::size_t r = 0; r < order.size(); ++r) rank_[order[r]] = r;
    }
  }

  /// -1 if row a goes first, 1 if b does, 0 if they tie.
  int compare(std::size_t a, std::size_t b) const {
    const bool absent_a = absent(a), absent_b = absent(b);
    if (absent_a || absent_b) return absent_a == absent_b ? 0 : absent_a ? 1 : -1;
    int c = 0;
    if (column_.is_categorical()) {
      const std::size_t ra = rank_[static_cast<std::size_t>(column_.codes[a])];
      const std::size_t rb = rank_[static_cast<std::size_t>(column_.codes[b])];
      c = ra < rb ? -1 : ra > rb ? 1 : 0;
    } else {
      const double va = column_.values[a], vb = column_.values[b];
      c = va < vb ? -1 : va > vb ? 1 : 0;
    }
    return descending_ ? -c : c;
  }

 private:
  bool absent(std::size_t row) const {
    return column_.is_missing(row) || (!column_.is_categorical() && std::isnan(column_.values[row]));
  }

  const Column& column_;
  bool descending_;
  std::vector<std::size_t> rank_;  ///< categorical: rank of each code in text order
};

std::optional<SortKey> parse_sort(const Table& table, const std::string& sort) {
  const std::string spec = trim(sort);
  if (spec.empty()) return std::nullopt;
  if (spec[0] == '-') {
    if (const auto index = table.find(trim(spec.substr(1)))) return SortKey(table.column(*index), true);
  }
  if (const auto index = table.find(spec)) return SortKey(table.column(*index), false);
  const std::string name = spec[0] == '-' ? trim(spec.substr(1)) : spec;
  throw InputError(
      fmt::format("--sort '{}': column '{}' not found (use COL for ascending, -COL for "
                  "descending); the columns are: {}",
                  sort, name, column_names(table)));
}

/// Stable sort of `rows` by the key; ties keep their current order.
void sort_rows(std::vector<std::size_t>& rows, const SortKey& key) {
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return key.compare(a, b) < 0; });
}

// ---------------------------------------------------------------------------
// --show

enum class Mode { Head, Random, Extremes, Rows };

struct Show {
  Mode mode = Mode::Head;
  const Column* column = nullptr;  ///< extremes
  std::vector<std::size_t> rows;   ///< rows: 0-based, repeats dropped
};

/// Parses "N,M,N-M" against the table's row count.
std::vector<std::size_t> parse_row_list(const Table& table, const std::string& list, const std::string& where) {
  auto number = [&](const std::string& token) {
    unsigned long long n = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
    if (token.empty() || ec != std::errc() || ptr != token.data() + token.size()) {
      throw InputError(
          fmt::format("{}: '{}' is not a row number (rows are numbered 1 to {})", where, token, table.rows()));
    }
    if (n < 1 || n > table.rows()) {
      throw InputError(
          fmt::format("{}: row {} is out of range; the table has {} data rows, numbered 1 to {} "
                      "(the header is not a row)",
                      where, token, table.rows(), table.rows()));
    }
    return static_cast<std::size_t>(n - 1);
  };
  std::vector<std::size_t> rows;
  std::vector<uint8_t> seen(table.rows(), 0);
  auto add = [&](std::size_t r) {
    if (!seen[r]) rows.push_back(r);
    seen[r] = 1;
  };
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string item = trim(std::string_view(list).substr(start, end - start));
    const std::size_t dash = item.find('-', 1);
    if (dash == std::string::npos) {
      add(number(item));
    } else {
      const std::size_t lo = number(trim(item.substr(0, dash))), hi = number(trim(item.substr(dash + 1)));
      if (lo > hi) throw InputError(fmt::format("{}: range '{}' runs backwards", where, item));
      for (std::size_t r = lo; r <= hi; ++r) add(r);
    }
    start = end + 1;
  }
  return rows;
}

Show parse_show(const Table& table, const std::string& text) {
  const std::string spec = trim(text);
  const std::string where = fmt::format("--show '{}'", text);
  Show show;
  if (spec == "head") return show;
  if (spec == "random") {
    show.mode = Mode::Random;
    return show;
  }
  const std::size_t colon = spec.find(':');
  const std::string kind = trim(spec.substr(0, colon == std::string::npos ? spec.size() : colon));
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "extremes") {
    const std::string name = unquote(arg);
    if (name.empty()) throw InputError(fmt::format("{}: name a column, as in extremes:COL", where));
    const auto index = table.find(name);
    if (!index) column_not_found(table, where, name);
    show.mode = Mode::Extremes;
    show.column = &table.column(*index);
    return show;
  }
  if (kind == "rows") {
    if (trim(arg).empty()) throw InputError(fmt::format("{}: list row numbers, as in rows:3,17,42", where));
    show.mode = Mode::Rows;
    show.rows = parse_row_list(table, arg, where);
    return show;
  }
  throw InputError(
      fmt::format("{}: unknown mode; use head, random, extremes:COL or rows:N,M,... "
                  "(1-based row numbers)",
                  where));
}

/// Numeric extremes: ceil(limit/2) lowest and floor(limit/2) highest present
/// values, ascending by (value, row).
std::vector<std::size_t> numeric_extremes(const Column& column, const std::vector<std::size_t>& rows,
                                          std::size_t limit) {
  std::vector<std::size_t> cand;
  for (std::size_t r : rows) {
    if (!column.is_missing(r) && !std::isnan(column.values[r])) cand.push_back(r);
  }
  auto less = [&](std::size_t a, std::size_t b) {
    const double va = column.values[a], vb = column.values[b];
    return va < vb || (va == vb && a < b);
  };
  if (cand.size() <= limit) {
    std::sort(cand.begin(), cand.end(), less);
    return cand;
  }
  const std::size_t low = (limit + 1) / 2, high = limit / 2;
  const auto mid = cand.begin() + static_cast<std::ptrdiff_t>(low);
  std::partial_sort(cand.begin(), mid, cand.end(), less);
  std::partial_sort(mid, mid + static_cast<std::ptrdiff_t>(high), cand.end(),
                    [&](std::size_t a, std::size_t b) { return less(b, a); });
  std::reverse(mid, mid + static_cast<std::ptrdiff_t>(high));
  cand.resize(low + high);
  return cand;
}

/// Categorical / boolean extremes: rows of the rarest values among `rows`.
std::vector<std::size_t> rare_value_rows(const Column& column, const std::vector<std::size_t>& rows,
                                         std::size_t limit) {
  const bool categorical = column.is_categorical();
  const std::size_t values = categorical ? column.categories.size() : 2;
  auto value_of = [&](std::size_t r) {
    return categorical ? static_cast<std::size_t>(column.codes[r]) : column.values[r] != 0.0 ? 1u : 0u;
  };
  auto name_of = [&](std::size_t v) -> std::string {
    return categorical ? column.categories[v] : v ? "true" : "false";
  };
  std::vector<std::size_t> count(values, 0);
  for (std::size_t r : rows) {
    if (!column.is_missing(r)) ++count[value_of(r)];
  }
  std::vector<std::size_t> order;
  for (std::size_t v = 0; v < values; ++v) {
    if (count[v] > 0) order.push_back(v);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return count[a] != count[b] ? count[a] < count[b] : name_of(a) < name_of(b);
  });
  // Only the rarest values that together reach `limit` rows are needed.
  const std::size_t none = SIZE_MAX;
  std::vector<std::size_t> rank(values, none);
  std::size_t covered = 0;
  for (std::size_t i = 0; i < order.size() && covered < limit; ++i) {
    rank[order[i]] = i;
    covered += count[order[i]];
  }
  std::vector<std::size_t> picked;
  for (std::size_t r : rows) {
    if (!column.is_missing(r) && rank[value_of(r)] != none) picked.push_back(r);
  }
  std::stable_sort(picked.begin(), picked.end(),
                   [&](std::size_t a, std::size_t b) { return rank[value_of(a)] < rank[value_of(b)]; });
  if (picked.size() > limit) picked.resize(limit);
  return picked;
}

}  // namespace

RowSelection select_rows(const Table& table, const RowQuery& query) {
  // Validate the whole query before touching the rows.
  if (query.limit == 0) throw InputError("--limit 0: show at least one row (--limit N with N >= 1)");
  const Show show = parse_show(table, query.show);
  std::vector<Filter> filters;
  for (const std::string& expr : query.where) filters.push_back(parse_where(table, expr));
  const std::optional<SortKey> key = parse_sort(table, query.sort);

  auto passes = [&](std::size_t r) {
    return std::all_of(filters.begin(), filters.end(), [&](const Filter& f) { return f.matches(r); });
  };
  std::vector<std::size_t> passing;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    if (passes(r)) passing.push_back(r);
  }

  RowSelection out;
  out.matched = passing.size();
  const std::size_t take = std::min(query.limit, passing.size());
  switch (show.mode) {
    case Mode::Head:
      if (key) {
        // Row index breaks ties, so the partial sort equals a stable sort.
        const auto mid = passing.begin() + static_cast<std::ptrdiff_t>(take);
        std::partial_sort(passing.begin(), mid, passing.end(), [&](std::size_t a, std::size_t b) {
          const int c = key->compare(a, b);
          return c != 0 ? c < 0 : a < b;
        });
      }
      passing.resize(take);
      out.rows = std::move(passing);
      return out;
    case Mode::Random: {
      // Partial Fisher-Yates: the first `take` slots become a uniform sample.
      std::mt19937_64 rng(query.seed);
      for (std::size_t i = 0; i < take; ++i) {
        std::swap(passing[i], passing[i + uniform_below(rng, passing.size() - i)]);
      }
      passing.resize(take);
      std::sort(passing.begin(), passing.end());
      out.rows = std::move(passing);
      break;
    }
    case Mode::Extremes:
      out.rows = show.column->is_categorical() || show.column->type == ColumnType::Boolean
                     ? rare_value_rows(*show.column, passing, query.limit)
                     : numeric_extremes(*show.column, passing, query.limit);
      break;
    case Mode::Rows:
      for (std::size_t r : show.rows) {
        if (passes(r)) out.rows.push_back(r);
      }
      break;
  }
  if (key) sort_rows(out.rows, *key);
  return out;
}

std::string render_rows(const Table& table, const RowSelection& selection, const std::vector<std::string>& columns) {
  std::vector<const Column*> shown;
  if (columns.empty()) {
    for (const Column& c : table.columns()) shown.push_back(&c);
  } else {
    for (const std::string& name : columns) shown.push_back(&table.column(name));  // throws InputError
  }
  std::vector<std::string> header{"row"};
  std::vector<TextTable::Align> align{TextTable::Align::Right};
  for (const Column* c : shown) {
    header.push_back(c->name);
    align.push_back(c->type == ColumnType::Numeric ? TextTable::Align::Right : TextTable::Align::Left);
  }
  TextTable text(std::move(header), std::move(align));
  for (std::size_t r : selection.rows) {
    if (r >= table.rows()) throw std::out_of_range("render_rows: row index out of range");
    std::vector<std::string> cells{std::to_string(r + 1)};
    for (const Column* c : shown) cells.push_back(c->is_missing(r) ? "NA" : c->cell_text(r));
    text.add_row(std::move(cells));
  }
  return text.render();
}

}  // namespace nnrecipe
