// Every test dataset (tests/datasets) loads with the right shape, types and missing counts.
// The expected figures were cross-checked against pandas.read_csv on the
// same files (same rows, columns, text columns and missing counts).
#include <algorithm>

#include "nnrecipe/csv.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

struct Expected {
  std::string file;
  std::size_t rows, cols, categorical;
  std::vector<std::pair<std::string, std::size_t>> missing;  // every column with missing cells
};

class SharedDataset : public ::testing::TestWithParam<Expected> {};

TEST_P(SharedDataset, LoadsWithTheRightShapeTypesAndMissingCounts) {
  const Expected& e = GetParam();
  const std::string path = shared_dataset(e.file);
  if (!exists(path)) GTEST_SKIP() << "test datasets not found at " << path;
  const Table t = read_csv(path);
  EXPECT_EQ(t.rows(), e.rows);
  EXPECT_EQ(t.cols(), e.cols);
  const auto categorical =
      std::count_if(t.columns().begin(), t.columns().end(), [](const Column& c) { return c.is_categorical(); });
  EXPECT_EQ(static_cast<std::size_t>(categorical), e.categorical);
  std::vector<std::pair<std::string, std::size_t>> missing;
  for (const Column& c : t.columns()) {
    if (c.missing_count) missing.emplace_back(c.name, c.missing_count);
  }
  EXPECT_EQ(missing, e.missing);
}

INSTANTIATE_TEST_SUITE_P(
    All, SharedDataset,
    ::testing::Values(
        Expected{"credit_data.csv",
                 4454,
                 14,
                 5,
                 {{"Home", 6}, {"Marital", 1}, {"Job", 2}, {"Income", 381}, {"Assets", 47}, {"Debt", 18}}},
        Expected{"wa_churn.csv", 7043, 20, 11, {{"total_charges", 11}}}, Expected{"letter.csv", 20000, 17, 1, {}},
        Expected{"ames.csv", 2930, 74, 40, {}}, Expected{"breast_cancer.csv", 699, 10, 1, {{"Bare.nuclei", 16}}},
        Expected{"concrete.csv", 1030, 9, 0, {}}),
    [](const auto& info) { return info.param.file.substr(0, info.param.file.find('.')); });

TEST(SharedDatasetTargets, ClassCountsMatchTheDatasetReadme) {
  const std::string path = shared_dataset("credit_data.csv");
  if (!exists(path)) GTEST_SKIP() << "test datasets not found";
  const Table credit = read_csv(path);
  const Column& status = credit.column("Status");
  ASSERT_EQ(status.categories, (std::vector<std::string>{"bad", "good"}));
  EXPECT_EQ(std::count(status.codes.begin(), status.codes.end(), 0), 1254);  // 28% bad
  const Table letter = read_csv(shared_dataset("letter.csv"));
  EXPECT_EQ(letter.column("lettr").categories.size(), 26u);
  // Quoted numbers ("5") are numbers: breast_cancer quotes every field.
  const Table cancer = read_csv(shared_dataset("breast_cancer.csv"));
  EXPECT_EQ(cancer.column("Cl.thickness").type, ColumnType::Numeric);
  EXPECT_EQ(cancer.column("Class").type, ColumnType::Categorical);
  const Table ames = read_csv(shared_dataset("ames.csv"));
  EXPECT_EQ(ames.column("Sale_Price").type, ColumnType::Numeric);
}

}  // namespace
}  // namespace nnrecipe::test
