#pragma once
// Plain terminal tables: a header, aligned columns, numbers right-aligned.
#include <string>
#include <vector>

namespace nnrecipe {

class TextTable {
 public:
  enum class Align { Left, Right };
  explicit TextTable(std::vector<std::string> header, std::vector<Align> align = {});
  void add_row(std::vector<std::string> row);
  /// Renders with one space of padding and a rule under the header. Cells
  /// longer than `max_width` characters are cut with "...".
  std::string render(std::size_t max_width = 40) const;

 private:
  std::vector<std::string> header_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace nnrecipe
