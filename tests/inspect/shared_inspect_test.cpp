// inspect on the shared real datasets: the findings their known problems
// call for, planted leakage and overlap, and quiet checks where the data is
// clean (false alarms are bugs too).
#include <gtest/gtest.h>

#include <numeric>

#include "inspect/inspect_fixtures.h"
#include "nnrecipe/split.h"

namespace nnrecipe::test {
namespace {

struct Shared {
  const char* name;
  const char* target;
};
const Shared kShared[] = {{"credit_data", "Status"}, {"letter", "lettr"},   {"concrete", "compressive_strength"},
                          {"ames", "Sale_Price"},    {"wa_churn", "churn"}, {"breast_cancer", "Class"}};

Table shared_table(const char* name) {
  const std::string path = shared_dataset(std::string(name) + ".csv");
  if (!exists(path)) return {};
  return read_csv(path);
}

Inspection run(const Table& t, const std::string& target, const Table* test = nullptr) {
  InspectOptions options;
  options.target = target;
  return inspect_table(t, options, test);
}

TEST(SharedInspect, CreditDataMissingValuesAndRanking) {
  const Table t = shared_table("credit_data");
  if (t.rows() == 0) GTEST_SKIP() << "test datasets not found";
  const Inspection in = run(t, "Status");
  const Finding* m = find(in, "data.missing");
  ASSERT_TRUE(m) << ids(in);
  EXPECT_EQ(m->evidence.at("columns")[0].at("column"), "Income");
  EXPECT_EQ(*in.task, Task::Binary);
  EXPECT_EQ(in.classes.at(0).value, "good");
  EXPECT_EQ(in.power_metric, "auc");
  EXPECT_EQ(in.power.size(), 13u);
  // Seniority and Income are known to carry most of the signal here.
  std::vector<std::string> top;
  for (std::size_t i = 0; i < 4; ++i) top.push_back(in.power[i].column);
  EXPECT_NE(std::find(top.begin(), top.end(), "Seniority"), top.end()) << ::testing::PrintToString(top);
  EXPECT_NE(in.verdict(), "fail");
}

TEST(SharedInspect, AmesTargetIsLargeScaleAndFeaturesSkewed) {
  const Table t = shared_table("ames");
  if (t.rows() == 0) GTEST_SKIP() << "test datasets not found";
  const Inspection in = run(t, "Sale_Price");
  ASSERT_TRUE(find(in, "data.target_scale")) << ids(in);
  ASSERT_TRUE(find(in, "data.skewed")) << ids(in);
  EXPECT_EQ(in.power_metric, "r2");
  // The living area alone explains about half of the price.
  for (const FeaturePower& p : in.power) {
    if (p.column == "Gr_Liv_Area") {
      EXPECT_GT(p.score, 0.4);
    }
  }
}

TEST(SharedInspect, PlantedCopyOfTheTargetIsLeakage) {
  for (const Shared& s : kShared) {
    SCOPED_TRACE(s.name);
    Table t = shared_table(s.name);
    if (t.rows() == 0) GTEST_SKIP() << "test datasets not found";
    EXPECT_FALSE(find(run(t, s.target), "data.leakage"));
    Column copy = t.column(s.target);
    copy.name = "leaked_copy";
    t.add_column(copy);
    const Inspection in = run(t, s.target);
    const Finding* l = find(in, "data.leakage");
    ASSERT_TRUE(l) << ids(in);
    EXPECT_EQ(l->evidence.at("columns")[0].at("column"), "leaked_copy");
    EXPECT_EQ(in.power.at(0).column, "leaked_copy");
  }
}

TEST(SharedInspect, NoFalseAlarmsOnTheSharedDatasets) {
  // Checks that must stay quiet on all six real tables, and drift that must
  // stay quiet between two random halves of each.
  for (const Shared& s : kShared) {
    SCOPED_TRACE(s.name);
    const Table t = shared_table(s.name);
    if (t.rows() == 0) GTEST_SKIP() << "test datasets not found";
    SplitOptions split;
    split.val_fraction = 0;
    split.test_fraction = 0.25;
    const SplitIndices idx = split_rows(t.rows(), split, nullptr);
    const Table train = t.take(idx.train), test = t.take(idx.test);
    const Inspection in = run(train, s.target, &test);
    for (const char* id :
         {"data.leakage", "data.label_order", "data.drift", "data.empty", "data.single_class", "data.mixed_types",
          "data.id_like", "data.constant", "data.new_categories", "data.class_imbalance"}) {
      EXPECT_FALSE(find(in, id)) << id << ": " << ids(in);
    }
  }
}

TEST(SharedInspect, TestRowsCopiedFromTrainAreOverlap) {
  const Table t = shared_table("ames");  // no duplicate rows of its own
  if (t.rows() == 0) GTEST_SKIP() << "test datasets not found";
  std::vector<std::size_t> train_rows(2000), test_rows;
  std::iota(train_rows.begin(), train_rows.end(), 0);
  for (std::size_t i = 2000; i < t.rows(); ++i) test_rows.push_back(i);
  const Table train = t.take(train_rows);
  const Table unseen = t.take(test_rows);
  const Inspection clean = run(train, "Sale_Price", &unseen);
  EXPECT_FALSE(find(clean, "data.train_test_overlap")) << ids(clean);
  for (std::size_t i = 0; i < 40; ++i) test_rows.push_back(i * 13);
  const Table test = t.take(test_rows);
  const Inspection in = run(train, "Sale_Price", &test);
  const Finding* o = find(in, "data.train_test_overlap");
  ASSERT_TRUE(o) << ids(in);
  EXPECT_EQ(o->evidence.at("test_rows"), 40);
  EXPECT_EQ(o->evidence.at("example_test_rows")[0], 931);  // the first copied row, 1-based
}

}  // namespace
}  // namespace nnrecipe::test
