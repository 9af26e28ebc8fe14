#include "nnrecipe/dataset.h"
#include "nnrecipe/error.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

TEST(Dataset, OneFileSplitStratifiedWithMissingTargetsDropped) {
  TempDir dir;
  std::string text = "x,y\n";
  for (int i = 0; i < 300; ++i) text += std::to_string(i) + "," + (i % 4 == 0 ? "pos" : "neg") + "\n";
  text += "301,NA\n302,\n";
  write_text(dir.file("d.csv"), text);
  DatasetSources s;
  s.train = dir.file("d.csv");
  s.target = "y";
  s.split = {0.1, 0.2, 0};
  const DatasetSplits d = load_splits(s);
  EXPECT_EQ(d.dropped_missing_target, 2u);
  EXPECT_EQ(d.task, Task::Binary);
  EXPECT_EQ(d.train.rows() + d.val.rows() + d.test.rows(), 300u);
  EXPECT_EQ(d.test.rows(), 60u);
  const Column& y = d.test.column("y");
  EXPECT_EQ(std::count(y.codes.begin(), y.codes.end(), 1), 15);  // 25% "pos" kept in test
}

TEST(Dataset, GivenTestFileKeepsTheTrainingTypes) {
  TempDir dir;
  write_text(dir.file("train.csv"), "code,v,y\nA7,1,1.5\nB2,2,2.5\n9,3,3.5\nC1,4,1.0\nD3,5,2.0\n");
  write_text(dir.file("test.csv"), "code,v,y\n9,1,2.0\n");
  DatasetSources s;
  s.train = dir.file("train.csv");
  s.test = dir.file("test.csv");
  s.target = "y";
  s.split = {0.2, 0.5, 0};  // the test fraction is ignored: a test file is given
  const DatasetSplits d = load_splits(s);
  EXPECT_EQ(d.task, Task::Regression);
  EXPECT_EQ(d.train.rows() + d.val.rows(), 5u);
  EXPECT_EQ(d.val.rows(), 1u);
  ASSERT_EQ(d.test.rows(), 1u);
  EXPECT_EQ(d.test.column("code").type, ColumnType::Categorical);  // "9" stays text
}

TEST(Dataset, TestFileWithoutATrainingColumnIsAnError) {
  TempDir dir;
  write_text(dir.file("train.csv"), "a,b,y\n1,2,0\n3,4,1\n");
  write_text(dir.file("test.csv"), "a,y\n1,0\n");
  DatasetSources s;
  s.train = dir.file("train.csv");
  s.test = dir.file("test.csv");
  s.target = "y";
  try {
    load_splits(s);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("test.csv"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nnrecipe::test
