// Every data.* check of docs/checks.md: fires on a table built to trigger it,
// with its evidence, and stays quiet on the clean table (inspect_fixtures.h).
#include <gtest/gtest.h>

#include "inspect/inspect_fixtures.h"
#include "nnrecipe/check_catalogue.h"

namespace nnrecipe::test {
namespace {

TEST(DataChecks, CleanTablesRaiseNothing) {
  const Inspection in = inspect(clean_frame());
  EXPECT_TRUE(in.findings.findings.empty()) << ids(in);
  EXPECT_EQ(in.verdict(), "pass");
  const Inspection reg = inspect(clean_regression_frame());
  EXPECT_TRUE(reg.findings.findings.empty()) << ids(reg);
  EXPECT_EQ(*reg.task, Task::Regression);
}

TEST(DataChecks, EveryFindingIsCatalogued) {
  Frame f = clean_frame();
  f.add_column("id", [&] {
    std::vector<std::string> v;
    for (std::size_t i = 0; i < f.rows.size(); ++i) v.push_back("c" + std::to_string(i));
    return v;
  }());
  f.add_column("k", std::vector<std::string>(f.rows.size(), "7"));
  const Inspection in = inspect(f);
  ASSERT_GE(in.findings.findings.size(), 2u);
  for (const Finding& x : in.findings.findings) {
    const CheckInfo* info = find_check(x.id);
    ASSERT_NE(info, nullptr) << x.id;
    EXPECT_EQ(info->group, "data");
    EXPECT_EQ(x.stage, "inspect");
    EXPECT_NE(info->severity.find(to_string(x.severity)), std::string::npos) << x.id;
    EXPECT_FALSE(x.evidence.empty());
    EXPECT_FALSE(x.fix.empty());
  }
}

TEST(DataChecks, Empty) {
  // A CSV reader refuses a header without rows; a table built in code can be empty.
  Column x;
  x.name = "x";
  InspectOptions options;
  const Inspection in = inspect_table(Table({x}, 0), options);
  ASSERT_TRUE(find(in, "data.empty")) << ids(in);
  EXPECT_EQ(find(in, "data.empty")->severity, Severity::Error);
  EXPECT_EQ(in.verdict(), "fail");
  // Features that are all missing are no features.
  Frame g = clean_frame(50);
  for (auto& r : g.rows) r[0] = r[1] = r[2] = "";
  EXPECT_TRUE(find(inspect(g), "data.empty"));
  // Features that each hold one value are no features either.
  Frame h = clean_frame(50);
  for (auto& r : h.rows) r[0] = r[1] = r[2] = "7";
  ASSERT_TRUE(find(inspect(h), "data.empty"));
  EXPECT_EQ(find(inspect(h), "data.empty")->evidence.at("constant").size(), 3u);
}

TEST(DataChecks, IdLikeFeaturesAloneAreAWarningNotAnEmptyTable) {
  // As many values as rows is a heuristic (in a 3-row table every column
  // looks so): it warns, it does not stop.
  Frame f = clean_frame(50);
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    f.rows[i][0] = "c" + std::to_string(i);
    f.rows[i][1] = f.rows[i][2] = "7";
  }
  const Inspection in = inspect(f);
  EXPECT_FALSE(find(in, "data.empty")) << ids(in);
  ASSERT_TRUE(find(in, "data.id_like")) << ids(in);
  EXPECT_EQ(find(in, "data.id_like")->severity, Severity::Warn);
}

TEST(DataChecks, TargetMissing) {
  const Inspection absent = inspect(clean_frame(), "Y");
  ASSERT_TRUE(find(absent, "data.target_missing"));
  EXPECT_EQ(find(absent, "data.target_missing")->severity, Severity::Error);
  EXPECT_EQ(find(absent, "data.target_missing")->evidence.at("columns").size(), 4u);
  Frame f = clean_frame();
  for (std::size_t i = 0; i < 40; i += 4) f.rows[i][3] = "";
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.target_missing")) << ids(in);
  EXPECT_EQ(find(in, "data.target_missing")->severity, Severity::Warn);
  EXPECT_EQ(find(in, "data.target_missing")->evidence.at("rows"), 10);
  EXPECT_EQ(find(in, "data.target_missing")->evidence.at("example_rows")[0], 1);
}

TEST(DataChecks, SingleClass) {
  Frame f = clean_frame();
  for (auto& r : f.rows) r[3] = "yes";
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.single_class")) << ids(in);
  EXPECT_EQ(in.verdict(), "fail");
}

TEST(DataChecks, DuplicatesWarnAboveOnePercentInfoBelow) {
  Frame f = clean_frame();
  for (std::size_t i = 0; i < 20; ++i) f.rows.push_back(f.rows[i * 3]);
  const Inspection many = inspect(f);
  const Finding* d = find(many, "data.duplicates");
  ASSERT_TRUE(d) << ids(many);
  EXPECT_EQ(d->severity, Severity::Warn);
  EXPECT_EQ(d->evidence.at("duplicate_rows"), 20);
  EXPECT_EQ(d->evidence.at("example_groups")[0], nlohmann::json({1, 401}));
  Frame g = clean_frame();
  g.rows.push_back(g.rows[5]);
  const Inspection few = inspect(g);
  ASSERT_TRUE(find(few, "data.duplicates"));
  EXPECT_EQ(find(few, "data.duplicates")->severity, Severity::Info);
  EXPECT_FALSE(find(few, "data.conflicting_labels"));  // same label: a duplicate, not a conflict
}

TEST(DataChecks, ConflictingLabels) {
  Frame f = clean_frame();
  for (std::size_t i = 0; i < 5; ++i) {
    auto row = f.rows[i];
    row[3] = row[3] == "yes" ? "no" : "yes";
    f.rows.push_back(row);
  }
  const Inspection in = inspect(f);
  const Finding* c = find(in, "data.conflicting_labels");
  ASSERT_TRUE(c) << ids(in);
  EXPECT_EQ(c->evidence.at("groups"), 5);
  EXPECT_EQ(c->evidence.at("example_groups")[0].at("rows"), nlohmann::json({1, 401}));
  EXPECT_FALSE(find(in, "data.duplicates"));  // the rows differ in their label
}

TEST(DataChecks, ClassImbalanceByRatioAndByShare) {
  Frame f = clean_frame();
  std::size_t kept = 0;
  std::vector<std::vector<std::string>> rows;
  for (auto& r : f.rows) {
    if (r[3] == "yes" && ++kept > 15) continue;
    rows.push_back(r);
  }
  f.rows = rows;
  const Inspection in = inspect(f);
  const Finding* c = find(in, "data.class_imbalance");
  ASSERT_TRUE(c) << ids(in);
  EXPECT_EQ(c->evidence.at("least").at("class"), "yes");
  EXPECT_EQ(c->evidence.at("least").at("count"), 15);
  // Ten classes where one has 0.5% of rows: ratio 0.05 < 0.1 and share < 1%.
  Frame g = clean_frame(1000);
  for (std::size_t i = 0; i < g.rows.size(); ++i) g.rows[i][3] = "k" + std::to_string(i < 5 ? 9 : i % 9);
  EXPECT_TRUE(find(inspect(g), "data.class_imbalance"));
}

TEST(DataChecks, MissingInfoAndWarn) {
  Frame f = clean_frame();
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    if (i % 10 == 0) f.rows[i][1] = "";  // x2: 10%
    if (i % 10 < 6) f.rows[i][2] = "";   // color: 60%
  }
  const Inspection in = inspect(f);
  std::vector<const Finding*> found;
  for (const Finding& x : in.findings.findings) {
    if (x.id == "data.missing") found.push_back(&x);
  }
  ASSERT_EQ(found.size(), 2u) << ids(in);
  EXPECT_EQ(found[0]->severity, Severity::Warn);
  EXPECT_EQ(found[0]->evidence.at("columns")[0].at("column"), "color");
  EXPECT_EQ(found[1]->severity, Severity::Info);
  EXPECT_EQ(found[1]->evidence.at("columns")[0].at("column"), "x2");
  EXPECT_DOUBLE_EQ(found[1]->evidence.at("columns")[0].at("share").get<double>(), 0.1);
}

TEST(DataChecks, ConstantAndIdLike) {
  Frame f = clean_frame();
  std::vector<std::string> ids_num, ids_text, constant;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    ids_num.push_back(std::to_string(1000 + i));
    ids_text.push_back("cust" + std::to_string(i));
    constant.push_back("7");
  }
  f.add_column("customer", ids_text);
  f.add_column("number", ids_num);
  f.add_column("version", constant);
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.constant")) << ids(in);
  EXPECT_EQ(find(in, "data.constant")->evidence.at("columns")[0].at("column"), "version");
  const Finding* id = find(in, "data.id_like");
  ASSERT_TRUE(id) << ids(in);
  EXPECT_EQ(id->evidence.at("column_count"), 2);
  // Floats all distinct (x1, x2) are measurements, not ids.
  for (const auto& c : id->evidence.at("columns")) EXPECT_NE(c.at("column"), "x1");
}

TEST(DataChecks, HighCardinality) {
  Frame f = clean_frame();
  std::vector<std::string> city;
  for (std::size_t i = 0; i < f.rows.size(); ++i) city.push_back("city" + std::to_string(i % 80));
  f.add_column("city", city);
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.high_cardinality")) << ids(in);
  EXPECT_EQ(find(in, "data.high_cardinality")->evidence.at("columns")[0].at("distinct"), 80);
}

TEST(DataChecks, MixedTypes) {
  Frame f = clean_frame();
  std::vector<std::string> v;
  for (std::size_t i = 0; i < f.rows.size(); ++i) v.push_back(i % 25 == 0 ? "unknown" : std::to_string(i % 17));
  f.add_column("score", v);
  const Inspection in = inspect(f);
  const Finding* m = find(in, "data.mixed_types");
  ASSERT_TRUE(m) << ids(in);
  EXPECT_EQ(m->evidence.at("columns")[0].at("text_cells"), 16);
  EXPECT_EQ(m->evidence.at("columns")[0].at("text_examples")[0], "unknown");
}

TEST(DataChecks, ScaleAndTargetScale) {
  Frame f = clean_regression_frame();
  for (auto& r : f.rows) {
    r[0] = num(1000 * std::stod(r[0]));
    r[3] = num(5000 + 1000 * std::stod(r[3]));
  }
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.scale")) << ids(in);
  EXPECT_EQ(find(in, "data.scale")->evidence.at("columns")[0].at("column"), "x1");
  ASSERT_TRUE(find(in, "data.target_scale")) << ids(in);
  EXPECT_GT(find(in, "data.target_scale")->evidence.at("mean").get<double>(), 4000);
}

TEST(DataChecks, SkewedAndOutliers) {
  Frame f = clean_frame();
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<std::string> income, sensor;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    income.push_back(num(std::exp(1.5 * normal(rng))));       // log-normal: long right tail
    sensor.push_back(num(i % 50 == 0 ? 9999 : normal(rng)));  // 2% sentinel values
  }
  f.add_column("income", income);
  f.add_column("sensor", sensor);
  const Inspection in = inspect(f);
  const Finding* s = find(in, "data.skewed");
  ASSERT_TRUE(s) << ids(in);
  EXPECT_EQ(s->evidence.at("columns")[0].at("column"), "income");
  const Finding* o = find(in, "data.outliers");
  ASSERT_TRUE(o) << ids(in);
  bool sensor_listed = false;
  for (const auto& c : o->evidence.at("columns")) {
    if (c.at("column") == "sensor") {
      sensor_listed = true;
      EXPECT_EQ(c.at("rows"), 8);
      EXPECT_EQ(c.at("example_rows")[0], 1);
    }
  }
  EXPECT_TRUE(sensor_listed) << o->evidence.dump();
}

TEST(DataChecks, LeakageFromACopyOfTheTarget) {
  Frame f = clean_frame();
  std::vector<std::string> copy, coded;
  for (const auto& r : f.rows) {
    copy.push_back(r[3] == "yes" ? "1" : "0");
    coded.push_back(r[3] == "yes" ? "Y-approved" : "N-rejected");
  }
  f.add_column("outcome_flag", copy);
  f.add_column("decision", coded);
  const Inspection in = inspect(f);
  const Finding* l = find(in, "data.leakage");
  ASSERT_TRUE(l) << ids(in);
  EXPECT_EQ(l->evidence.at("column_count"), 2);
  EXPECT_EQ(in.power.size(), 5u);
  EXPECT_GE(in.power[0].score, 0.99);
  EXPECT_EQ(in.power[2].column, "x1");  // the honest feature ranks next
  EXPECT_GT(in.power[2].score, 0.7);
  EXPECT_LT(in.power.back().score, 0.65);  // x2 or color: noise

  Frame r = clean_regression_frame();
  std::vector<std::string> twice;
  for (const auto& row : r.rows) twice.push_back(num(2 * std::stod(row[3]) + 1));
  r.add_column("y_times_2", twice);
  const Inspection reg = inspect(r);
  ASSERT_TRUE(find(reg, "data.leakage")) << ids(reg);
  EXPECT_EQ(reg.power_metric, "r2");
  EXPECT_EQ(reg.power[0].column, "y_times_2");
}

TEST(DataChecks, IdColumnsDoNotLookPredictive) {
  // A per-row id memorizes the target in-sample; scored on held-out rows it
  // must not look like leakage.
  Frame f = clean_frame();
  std::vector<std::string> id;
  for (std::size_t i = 0; i < f.rows.size(); ++i) id.push_back("row" + std::to_string(i));
  f.add_column("id", id);
  const Inspection in = inspect(f);
  EXPECT_FALSE(find(in, "data.leakage")) << ids(in);
}

TEST(DataChecks, HighCorrelation) {
  Frame f = clean_frame();
  std::vector<std::string> twin;
  for (std::size_t i = 0; i < f.rows.size(); ++i) twin.push_back(num(3 * std::stod(f.rows[i][0]) + 0.001 * (i % 7)));
  f.add_column("x1_scaled", twin);
  const Inspection in = inspect(f);
  const Finding* c = find(in, "data.high_correlation");
  ASSERT_TRUE(c) << ids(in);
  EXPECT_EQ(c->evidence.at("pairs")[0].at("a"), "x1");
  EXPECT_EQ(c->evidence.at("pairs")[0].at("b"), "x1_scaled");
  EXPECT_EQ(c->evidence.at("rows_used"), 400);
}

TEST(DataChecks, CorrelationIsSampledOnLargeTables) {
  Frame f = clean_frame(3000);
  InspectOptions options;
  options.target = "y";
  options.correlation_rows = 1000;
  const Inspection in = inspect_table(f.table(), options);
  EXPECT_EQ(in.correlation_rows, 1000u);
  EXPECT_EQ(to_json(in).at("correlation").at("sampled"), true);
}

TEST(DataChecks, LabelOrder) {
  Frame f = clean_frame();
  std::stable_sort(f.rows.begin(), f.rows.end(), [](const auto& a, const auto& b) { return a[3] < b[3]; });
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.label_order")) << ids(in);
  EXPECT_EQ(find(in, "data.label_order")->evidence.at("label_changes"), 1);
  Frame r = clean_regression_frame();
  std::stable_sort(r.rows.begin(), r.rows.end(),
                   [](const auto& a, const auto& b) { return std::stod(a[3]) > std::stod(b[3]); });
  EXPECT_TRUE(find(inspect(r), "data.label_order"));
}

TEST(DataChecks, SmallByClassAndByWidth) {
  Frame f = clean_frame(30);
  const Inspection in = inspect(f);
  ASSERT_TRUE(find(in, "data.small")) << ids(in);  // 30 rows < 10 x (1 + 1 + 3)
  Frame g = clean_frame();
  std::size_t yes = 0;
  std::vector<std::vector<std::string>> rows;
  for (auto& r : g.rows) {
    if (r[3] == "yes" && ++yes > 6) continue;
    rows.push_back(r);
  }
  g.rows = rows;
  const Inspection few = inspect(g);
  bool per_class = false;
  for (const Finding& x : few.findings.findings) per_class |= x.id == "data.small" && x.evidence.contains("class");
  EXPECT_TRUE(per_class) << ids(few);
}

TEST(DataChecks, TrainTestQuietOnARandomSplit) {
  const Frame all = clean_frame(600, 9);
  Frame train, test;
  train.names = test.names = all.names;
  for (std::size_t i = 0; i < all.rows.size(); ++i) (i % 4 == 0 ? test : train).rows.push_back(all.rows[i]);
  const Inspection in = inspect(train, "y", &test);
  EXPECT_TRUE(in.findings.findings.empty()) << ids(in);
  ASSERT_EQ(*in.test_rows, 150u);
  EXPECT_EQ(in.drift.size(), 4u);  // every column, the target too
  EXPECT_LT(in.drift[0].score, 0.2);
}

TEST(DataChecks, TrainTestOverlapDriftAndNewCategories) {
  const Frame train = clean_frame(400, 3);
  Frame test = clean_frame(200, 4);
  for (std::size_t i = 0; i < 10; ++i) test.rows[i] = train.rows[i * 7];
  for (auto& r : test.rows) r[1] = num(std::stod(r[1]) + 0.5);  // x2 shifted by 0.5 (its std is 0.29)
  test.rows[3][2] = "purple";
  test.rows[4][2] = "purple";
  const Inspection in = inspect(train, "y", &test);
  const Finding* o = find(in, "data.train_test_overlap");
  // The shifted x2 makes copied rows differ: the overlap test is separate.
  EXPECT_FALSE(o) << ids(in);
  const Finding* d = find(in, "data.drift");
  ASSERT_TRUE(d) << ids(in);
  EXPECT_EQ(d->evidence.at("columns")[0].at("column"), "x2");
  EXPECT_GT(d->evidence.at("columns")[0].at("ks").get<double>(), 0.5);
  const Finding* n = find(in, "data.new_categories");
  ASSERT_TRUE(n) << ids(in);
  EXPECT_EQ(n->evidence.at("columns")[0].at("examples")[0], "purple");
  EXPECT_EQ(n->evidence.at("columns")[0].at("test_rows"), 2);

  Frame copied = clean_frame(200, 4);
  for (std::size_t i = 0; i < 10; ++i) copied.rows[i] = train.rows[i * 7];
  const Inspection overlap = inspect(train, "y", &copied);
  o = find(overlap, "data.train_test_overlap");
  ASSERT_TRUE(o) << ids(overlap);
  EXPECT_EQ(o->evidence.at("test_rows"), 10);
  EXPECT_EQ(o->evidence.at("example_test_rows")[0], 1);
  EXPECT_FALSE(find(overlap, "data.drift")) << ids(overlap);
}

TEST(DataChecks, DriftNeedsMoreThanSamplingNoise) {
  // 20 test rows from the same distribution: KS statistics near 0.2 happen
  // by chance at this size and must not be called drift.
  const Frame train = clean_frame(400, 3);
  for (uint64_t seed = 10; seed < 20; ++seed) {
    const Frame test = clean_frame(20, seed);
    const Inspection in = inspect(train, "y", &test);
    EXPECT_FALSE(find(in, "data.drift")) << seed << ": " << ids(in);
  }
}

TEST(DataChecks, IgnoredChecksAreRecorded) {
  Frame f = clean_frame();
  f.add_column("k", std::vector<std::string>(f.rows.size(), "7"));
  InspectOptions options;
  options.target = "y";
  options.ignore = {"data.constant"};
  const Inspection in = inspect_table(f.table(), options);
  EXPECT_TRUE(in.findings.findings.empty());
  EXPECT_EQ(in.findings.ignored, std::vector<std::string>{"data.constant"});
}

}  // namespace
}  // namespace nnrecipe::test
