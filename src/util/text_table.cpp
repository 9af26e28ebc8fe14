#include "nnrecipe/text_table.h"

#include <algorithm>

namespace nnrecipe {
namespace {

// Display width of UTF-8 text: counts code points, not bytes (good enough
// for the Latin and symbol text found in column names).
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string clip(const std::string& s, std::size_t max_width) {
  std::string out;
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++width > max_width - 3) return out + "...";
    out.push_back(c < 0x20 ? ' ' : s[i]);  // no control characters on a terminal
  }
  return out;
}

}  // namespace

TextTable::TextTable(std::vector<std::string> header, std::vector<Align> align)
    : header_(std::move(header)), align_(std::move(align)) {
  align_.resize(header_.size(), Align::Left);
}

void TextTable::add_row(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

std::string TextTable::render(std::size_t max_width) const {
  auto cell = [&](const std::string& s) {
    return display_width(s) > max_width ? clip(s, max_width) : clip(s, SIZE_MAX / 2);
  };
  std::vector<std::vector<std::string>> cells;
  cells.push_back({});
  for (const std::string& h : header_) cells.back().push_back(cell(h));
  for (const auto& row : rows_) {
    cells.push_back({});
    for (const std::string& s : row) cells.back().push_back(cell(s));
  }
  std::vector<std::size_t> widths(header_.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < cells[r].size(); ++i) {
      const std::string& s = cells[r][i];
      const std::string pad(widths[i] - display_width(s), ' ');
      if (i > 0) line += "  ";
      line += align_[i] == Align::Right ? pad + s : s + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : widths) total += w;
      out += std::string(total + 2 * (widths.size() - 1), '-') + "\n";
    }
  }
  return out;
}

}  // namespace nnrecipe
