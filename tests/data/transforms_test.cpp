#include <cmath>
#include <nlohmann/json.hpp>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/split.h"
#include "nnrecipe/transforms.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

Table read(const std::string& text) {
  static int counter = 0;
  TempDir dir;
  const std::string path = dir.file("t" + std::to_string(counter++) + ".csv");
  write_text(path, text);
  return read_csv(path);
}

TEST(Transforms, NumericImputeIndicatorAndStandardizeFromTrainOnly) {
  const Table train = read("x,y\n1,a\n2,b\n3,a\nNA,b\n");
  const Table test = read("x,y\n100,a\nNA,b\n");
  TransformOptions o;
  o.target = "y";
  const FittedTransform ft = FittedTransform::fit(train, o);
  const FeatureSpec& x = ft.features().at(0);
  EXPECT_EQ(x.median, 2.0);
  EXPECT_EQ(x.mean, 2.0);
  EXPECT_DOUBLE_EQ(x.scale, std::sqrt(2.0 / 3.0));
  EXPECT_TRUE(x.indicator);
  EXPECT_EQ(ft.dense_names(), (std::vector<std::string>{"x", "x__missing"}));

  const EncodedData e = ft.apply(test);
  ASSERT_EQ(e.dense_cols, 2u);
  // Train statistics; z = 120 is then soft-clipped below 3.
  EXPECT_FLOAT_EQ(e.dense[0], soft_clip(98.0 / std::sqrt(2.0 / 3.0)));
  EXPECT_LT(e.dense[0], 3.0f);
  EXPECT_EQ(e.dense[1], 0.0f);
  EXPECT_EQ(e.dense[2], 0.0f);  // imputed with the median, which is the mean here
  EXPECT_EQ(e.dense[3], 1.0f);  // indicator set
  EXPECT_EQ(e.labels, (std::vector<int64_t>{0, 1}));
}

TEST(Transforms, SoftClipSquashesOutliersMonotonicallyAndIsOffWithoutNormalizing) {
  EXPECT_FLOAT_EQ(soft_clip(0.0), 0.0f);
  EXPECT_NEAR(soft_clip(0.5), 0.5, 0.01);  // ordinary values barely move
  EXPECT_NEAR(soft_clip(-3.0), -3.0 / std::sqrt(2.0), 1e-6);
  float previous = soft_clip(-1e6);
  for (double z = -50; z <= 50; z += 0.25) {
    EXPECT_GT(soft_clip(z), previous) << z;
    previous = soft_clip(z);
  }
  EXPECT_LE(soft_clip(1e6), 3.0f);  // below 3, rounded to float

  // An outlier in new data: 1000 against training values 1..4.
  const Table train = read("x,y\n1,a\n2,b\n3,a\n4,b\n");
  const Table outlier = read("x,y\n1000,a\n");
  TransformOptions o;
  o.target = "y";
  const FittedTransform clipped = FittedTransform::fit(train, o);
  EXPECT_LT(clipped.apply(outlier).dense[0], 3.0f);
  EXPECT_EQ(FittedTransform::from_json(clipped.to_json()).apply(outlier).dense, clipped.apply(outlier).dense);
  o.soft_clip = false;
  EXPECT_GT(FittedTransform::fit(train, o).apply(outlier).dense[0], 800.0f);
  o.soft_clip = true;
  o.normalize = false;  // raw values stay raw
  EXPECT_EQ(FittedTransform::fit(train, o).apply(outlier).dense[0], 1000.0f);
  // Files written before the soft clip existed keep their plain z-scores.
  nlohmann::json old = clipped.to_json();
  ASSERT_TRUE(old.contains("soft_clip"));
  old.erase("soft_clip");
  EXPECT_GT(FittedTransform::from_json(old).apply(outlier).dense[0], 800.0f);
}

TEST(Transforms, OneHotWithUnseenAndMissingCategories) {
  const Table train = read("c,y\nred,0\nblue,1\nNA,0\ngreen,1\n");
  const Table test = read("c,y\npurple,0\nblue,1\nNA,0\n");
  TransformOptions o;
  o.target = "y";
  const FittedTransform ft = FittedTransform::fit(train, o);
  EXPECT_EQ(ft.dense_names(), (std::vector<std::string>{"c=blue", "c=green", "c=red", "c__missing"}));
  const EncodedData e = ft.apply(test);
  EXPECT_EQ(e.unseen_categories, 1u);
  const std::vector<float> expected = {0, 0, 0, 0,   // purple: unseen -> all zero
                                       1, 0, 0, 0,   // blue
                                       0, 0, 0, 1};  // missing -> indicator
  EXPECT_EQ(e.dense, expected);
  EXPECT_EQ(ft.target()->task, Task::Binary);  // numeric with two values
}

TEST(Transforms, HighCardinalityBecomesEmbeddingIds) {
  const Table train = read("city,y\nA,1.5\nB,2.5\nC,3.5\nA,4.5\n");
  const Table test = read("city,y\nC,1\nZ,2\nNA,3\n");
  TransformOptions o;
  o.target = "y";
  o.onehot_max_categories = 2;
  const FittedTransform ft = FittedTransform::fit(train, o);
  EXPECT_EQ(ft.dense_width(), 0u);
  EXPECT_EQ(ft.embedding_cardinalities(), (std::vector<std::size_t>{4}));  // A, B, C + id 0
  const EncodedData e = ft.apply(test);
  EXPECT_EQ(e.ids, (std::vector<int64_t>{3, 0, 0}));  // C; unseen -> 0; missing -> 0
  EXPECT_EQ(ft.target()->task, Task::Regression);
}

TEST(Transforms, RegressionTargetStandardizedWithExactInverse) {
  const Table train = read("x,price\n1,100000\n2,250000\n3,175000\n4,90000\n");
  TransformOptions o;
  o.target = "price";
  const FittedTransform ft = FittedTransform::fit(train, o);
  const EncodedData e = ft.apply(train);
  double mean = 0, sq = 0;
  for (float z : e.target) mean += z;
  mean /= 4;
  for (float z : e.target) sq += (z - mean) * (z - mean);
  EXPECT_NEAR(mean, 0.0, 1e-6);
  EXPECT_NEAR(sq / 4, 1.0, 1e-5);
  for (double y : {100000.0, 250000.0, 12345.678, -3.0}) {
    EXPECT_NEAR(ft.inverse_target(ft.forward_target(y)), y, 1e-9 * std::max(1.0, std::abs(y)));
  }
  for (std::size_t i = 0; i < 4; ++i) {  // through float32, in original units
    EXPECT_NEAR(ft.inverse_target(e.target[i]), train.column("price").values[i], 0.05);
  }
}

TEST(Transforms, LogTargetIsStandardizedLogWithExpInverseAndSurvivesJson) {
  const Table train = read("x,price\n1,100000\n2,250000\n3,175000\n4,90000\n");
  TransformOptions o;
  o.target = "price";
  o.log_target = true;
  const FittedTransform ft = FittedTransform::fit(train, o);
  ASSERT_TRUE(ft.target()->log);
  const EncodedData e = ft.apply(train);
  double mean = 0;
  for (std::size_t i = 0; i < 4; ++i) mean += std::log(train.column("price").values[i]) / 4;
  EXPECT_NEAR(ft.target()->mean, mean, 1e-12);  // standardized in log units
  for (double y : {100000.0, 250000.0, 123456.789, 90000.0}) {
    EXPECT_NEAR(ft.inverse_target(ft.forward_target(y)), y, 1e-9 * y);
  }
  for (std::size_t i = 0; i < 4; ++i) {  // through float32, in original units
    EXPECT_NEAR(ft.inverse_target(e.target[i]), train.column("price").values[i], 0.5);
  }
  // Outside the training range of log(y), a prediction stops at its edge
  // (an extrapolation in log(y) is exponential in y), diverged or not.
  EXPECT_NEAR(ft.inverse_target(ft.forward_target(1e7)), 250000.0, 1e-6);
  EXPECT_NEAR(ft.inverse_target(ft.forward_target(0.5)), 90000.0, 1e-6);
  EXPECT_NEAR(ft.inverse_target(1e6), 250000.0, 1e-6);

  const FittedTransform back = FittedTransform::from_json(ft.to_json());
  EXPECT_TRUE(back.target()->log);
  EXPECT_EQ(back.inverse_target(0.25), ft.inverse_target(0.25));
  EXPECT_NEAR(back.inverse_target(1e6), 250000.0, 1e-6);
  // Files written before the range existed: no bound, but finite.
  nlohmann::json old = ft.to_json();
  old["target"].erase("log_range");
  const FittedTransform unbounded = FittedTransform::from_json(old);
  EXPECT_GT(unbounded.inverse_target(ft.forward_target(1e7)), 9e6);
  EXPECT_TRUE(std::isfinite(unbounded.inverse_target(1e6)));
  // Files written before the log target existed load as plain targets.
  old["target"].erase("log");
  EXPECT_FALSE(FittedTransform::from_json(old).target()->log);
}

TEST(Transforms, LogTargetRefusesValuesAtOrBelowZeroNamingTheColumn) {
  TransformOptions o;
  o.target = "price";
  o.log_target = true;
  try {
    FittedTransform::fit(read("x,price\n1,10\n2,0\n3,5\n"), o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'price'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("data.log_target"), std::string::npos) << e.what();
  }
  const FittedTransform ft = FittedTransform::fit(read("x,price\n1,10\n2,20\n3,5\n"), o);
  EXPECT_THROW(ft.apply(read("x,price\n1,-4\n")), InputError);  // new data, same rule
}

TEST(Transforms, UnseenLabelIsAnErrorNamingIt) {
  const Table train = read("x,y\n1,cat\n2,dog\n");
  const Table test = read("x,y\n1,bird\n");
  TransformOptions o;
  o.target = "y";
  const FittedTransform ft = FittedTransform::fit(train, o);
  try {
    ft.apply(test);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'bird'"), std::string::npos) << e.what();
  }
}

TEST(Transforms, SingleClassTargetIsRejected) {
  TransformOptions o;
  o.target = "y";
  EXPECT_THROW(FittedTransform::fit(read("x,y\n1,a\n2,a\n"), o), InputError);
}

// Saved and reloaded, the transform gives bit-identical output on real data.
TEST(Transforms, JsonRoundTripIsBitIdentical) {
  const std::string path = shared_dataset("credit_data.csv");
  if (!exists(path)) GTEST_SKIP() << "test datasets not found";
  const Table all = read_csv(path);
  std::vector<int64_t> strata(all.column("Status").codes.begin(), all.column("Status").codes.end());
  const SplitIndices split = split_rows(all.rows(), {0.1, 0.2, 0}, &strata);
  const Table train = all.take(split.train), test = all.take(split.test);
  TransformOptions o;
  o.target = "Status";
  const FittedTransform ft = FittedTransform::fit(train, o);
  TempDir dir;
  ft.save(dir.file("transform.json"));
  const FittedTransform back = FittedTransform::load(dir.file("transform.json"));
  EXPECT_EQ(back.to_json(), ft.to_json());
  const EncodedData a = ft.apply(test), b = back.apply(test);
  ASSERT_EQ(a.dense.size(), b.dense.size());
  EXPECT_EQ(std::memcmp(a.dense.data(), b.dense.data(), a.dense.size() * sizeof(float)), 0);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.dense_cols, ft.dense_names().size());
  for (float v : a.dense) ASSERT_TRUE(std::isfinite(v));
  // Standardized numeric features have mean ~0 on the training split (the
  // soft clip moves only the tails of a skewed column).
  const EncodedData t = ft.apply(train);
  double sum_age = 0;
  const auto names = ft.dense_names();
  const std::size_t age = static_cast<std::size_t>(std::find(names.begin(), names.end(), "Age") - names.begin());
  for (std::size_t i = 0; i < t.rows; ++i) sum_age += t.dense[i * t.dense_cols + age];
  EXPECT_NEAR(sum_age / static_cast<double>(t.rows), 0.0, 0.02);
}

TEST(Transforms, ColumnTypesLetNewDataReadCategoriesAsText) {
  const Table train = read("code,y\nA1,0\n7,1\n");
  TransformOptions o;
  o.target = "y";
  const FittedTransform ft = FittedTransform::fit(train, o);
  EXPECT_EQ(ft.column_types().at("code"), ColumnType::Categorical);
  TempDir dir;
  write_text(dir.file("new.csv"), "code\n7\n");
  CsvOptions csv;
  csv.type_overrides = ft.column_types();
  const EncodedData e = ft.apply(read_csv(dir.file("new.csv"), csv), /*require_target=*/false);
  EXPECT_EQ(e.dense, (std::vector<float>{1, 0}));  // "7" matches the training category
  EXPECT_TRUE(e.labels.empty());
}

}  // namespace
}  // namespace nnrecipe::test
