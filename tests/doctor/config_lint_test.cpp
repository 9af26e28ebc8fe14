// Every config.* check fires on its planted fault and stays quiet on a
// healthy config; on real data, the default config raises no warning.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "doctor/finding_helpers.h"
#include "nnrecipe/check_catalogue.h"
#include "nnrecipe/config_lint.h"
#include "nnrecipe/metrics.h"
#include "nnrecipe/trainer.h"
#include "test_support.h"

namespace nnrecipe {
namespace {

DataFacts binary_facts(int64_t minority = 300, int64_t majority = 700) {
  DataFacts f;
  f.task = Task::Binary;
  f.train_rows = minority + majority;
  f.class_names = {"bad", "good"};
  f.class_counts = {minority, majority};
  return f;
}

DataFacts regression_facts() {
  DataFacts f;
  f.task = Task::Regression;
  f.train_rows = 1000;
  return f;
}

bool fired(const std::vector<Finding>& findings, const std::string& id) { return test::has(findings, id); }
using test::ids;

const Finding& get(const std::vector<Finding>& findings, const std::string& id) {
  for (const Finding& f : findings) {
    if (f.id == id) return f;
  }
  throw std::runtime_error("no finding " + id);
}

TEST(ConfigLint, HealthyDefaultConfigIsQuiet) {
  EXPECT_TRUE(lint_config(Config{}, binary_facts()).empty())
      << ::testing::PrintToString(ids(lint_config(Config{}, binary_facts())));
  EXPECT_TRUE(lint_config(Config{}, regression_facts()).empty());
}

TEST(ConfigLint, EveryFindingIsRegisteredAndCarriesEvidenceAndFix) {
  Config c;
  c.train.loss = "mse";
  c.model.output_activation = "sigmoid";
  c.train.lr = 5.0;
  c.data.normalize = false;
  c.train.batch_size = 4;
  c.model.batchnorm = true;
  c.model.dropout = 0.9;
  c.train.weight_decay = 0.01;
  c.train.schedule = "cosine";
  c.model.augment = true;
  c.train.seed.reset();
  c.train.early_stopping.metric = "accuracy";
  c.model.outputs = 2;
  DataFacts f = binary_facts(20, 980);
  f.train_rows = 3;
  f.off_scale = {{"Income", 140.0, 80.0}};
  const auto found = lint_config(c, f);
  EXPECT_GE(found.size(), 12u);
  for (const Finding& x : found) {
    const CheckInfo* info = find_check(x.id);
    ASSERT_NE(info, nullptr) << x.id << " is not in the catalogue";
    EXPECT_EQ(x.stage, "lint");
    EXPECT_FALSE(x.message.empty()) << x.id;
    EXPECT_FALSE(x.fix.empty()) << x.id;
    EXPECT_FALSE(x.evidence.empty()) << x.id;
    EXPECT_NE(info->severity.find(to_string(x.severity)), std::string::npos) << x.id;
  }
}

TEST(ConfigLint, LossTaskMismatch) {
  Config c;
  for (const char* loss : {"mse", "l1", "huber"}) {
    c.train.loss = loss;
    const auto found = lint_config(c, binary_facts());
    ASSERT_TRUE(fired(found, "config.loss_task_mismatch")) << loss;
    EXPECT_EQ(get(found, "config.loss_task_mismatch").severity, Severity::Error);
    EXPECT_NE(get(found, "config.loss_task_mismatch").fix.find("train.loss=bce"), std::string::npos);
  }
  c.train.loss = "ce";
  EXPECT_TRUE(fired(lint_config(c, regression_facts()), "config.loss_task_mismatch"));
  c.train.loss = "bce";
  DataFacts three = binary_facts();
  three.task = Task::Multiclass;
  three.class_counts = {300, 300, 400};
  EXPECT_TRUE(fired(lint_config(c, three), "config.loss_task_mismatch"));
  // Quiet: the matching losses.
  c.train.loss = "bce";
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.loss_task_mismatch"));
  c.train.loss = "ce";
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.loss_task_mismatch"));
  EXPECT_FALSE(fired(lint_config(c, three), "config.loss_task_mismatch"));
  for (const char* loss : {"mse", "l1", "huber", "auto"}) {
    c.train.loss = loss;
    EXPECT_FALSE(fired(lint_config(c, regression_facts()), "config.loss_task_mismatch")) << loss;
  }
}

TEST(ConfigLint, DoubleActivation) {
  Config c;
  c.model.output_activation = "sigmoid";
  EXPECT_EQ(get(lint_config(c, binary_facts()), "config.double_activation").severity, Severity::Error);
  c.model.output_activation = "softmax";
  DataFacts three = binary_facts();
  three.task = Task::Multiclass;
  three.class_counts = {300, 300, 400};
  EXPECT_TRUE(fired(lint_config(c, three), "config.double_activation"));
  // Quiet: logits into the loss, or an activated output into a regression loss.
  c.model.output_activation = "none";
  EXPECT_FALSE(fired(lint_config(c, three), "config.double_activation"));
  c.model.output_activation = "sigmoid";
  c.train.loss = "mse";
  EXPECT_FALSE(fired(lint_config(c, regression_facts()), "config.double_activation"));
}

TEST(ConfigLint, OutputDim) {
  Config c;
  c.model.outputs = 2;  // two units for a binary target that takes one logit
  const auto found = lint_config(c, binary_facts());
  ASSERT_TRUE(fired(found, "config.output_dim"));
  EXPECT_EQ(get(found, "config.output_dim").severity, Severity::Error);
  EXPECT_EQ(get(found, "config.output_dim").fix_set, (nlohmann::json{{"model.outputs", 0}}));
  c.model.outputs = 1;
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.output_dim"));
  DataFacts letters;
  letters.task = Task::Multiclass;
  letters.train_rows = 100;
  letters.class_names = {"a", "b", "c"};
  letters.class_counts = {30, 30, 40};
  c.model.outputs = 26;
  EXPECT_TRUE(fired(lint_config(c, letters), "config.output_dim"));
  c.model.outputs = 3;
  EXPECT_FALSE(fired(lint_config(c, letters), "config.output_dim"));
  c.model.outputs = 0;  // the default: sized for the task
  EXPECT_FALSE(fired(lint_config(c, letters), "config.output_dim"));
}

TEST(ConfigLint, LearningRateRange) {
  Config c;
  for (double lr : {10.0, 0.02, 1e-6, 1e-7}) {
    c.train.lr = lr;
    EXPECT_TRUE(fired(lint_config(c, binary_facts()), "config.lr_range")) << lr;
  }
  for (double lr : {1e-5, 3e-4, 1e-3, 1e-2}) {
    c.train.lr = lr;
    EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.lr_range")) << lr;
  }
  c.train.optimizer = "sgd";
  c.train.lr = 0.1;  // fine for SGD, too high for Adam
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.lr_range"));
  c.train.lr = 5.0;
  EXPECT_TRUE(fired(lint_config(c, binary_facts()), "config.lr_range"));
  const auto found = lint_config(c, binary_facts());
  const Finding& f = get(found, "config.lr_range");
  EXPECT_EQ(f.evidence.at("lr").get<double>(), 5.0);
  EXPECT_EQ(f.evidence.at("high").get<double>(), 1.0);
  // L-BFGS's line search sets the step; lr 1 (its usual value) is no finding.
  c.train.optimizer = "lbfgs";
  c.train.lr = 1.0;
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.lr_range"));
}

TEST(ConfigLint, NoNormalization) {
  Config c;
  c.data.normalize = false;
  DataFacts f = regression_facts();
  EXPECT_FALSE(fired(lint_config(c, f), "config.no_normalization"));  // every feature on unit scale
  f.off_scale = {{"Gr_Liv_Area", 1500.0, 500.0}};
  const auto found = lint_config(c, f);
  ASSERT_TRUE(fired(found, "config.no_normalization"));
  EXPECT_NE(get(found, "config.no_normalization").message.find("Gr_Liv_Area"), std::string::npos);
  c.data.normalize = true;
  EXPECT_FALSE(fired(lint_config(c, f), "config.no_normalization"));
}

TEST(ConfigLint, BatchSize) {
  Config c;
  DataFacts f = binary_facts(30, 70);  // 100 rows
  c.train.batch_size = 100;
  EXPECT_TRUE(fired(lint_config(c, f), "config.batch_size"));
  c.train.batch_size = 99;
  EXPECT_FALSE(fired(lint_config(c, f), "config.batch_size"));
  c.train.batch_size = 4;
  EXPECT_FALSE(fired(lint_config(c, f), "config.batch_size"));  // small, but no batch norm
  c.model.batchnorm = true;
  EXPECT_TRUE(fired(lint_config(c, f), "config.batch_size"));
  c.train.batch_size = 8;
  EXPECT_FALSE(fired(lint_config(c, f), "config.batch_size"));
}

TEST(ConfigLint, DropoutAdamL2ScheduleAugmentationSeed) {
  Config c;
  c.model.dropout = 0.9;
  EXPECT_TRUE(fired(lint_config(c, binary_facts()), "config.dropout_range"));
  c.model.dropout = 0.5;
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.dropout_range"));

  c.train.weight_decay = 1e-4;
  EXPECT_EQ(get(lint_config(c, binary_facts()), "config.adam_l2").severity, Severity::Info);
  c.train.optimizer = "adamw";
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.adam_l2"));

  c.train.schedule = "step";
  EXPECT_TRUE(fired(lint_config(c, binary_facts()), "config.early_schedule"));
  c.train.schedule = "constant";
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.early_schedule"));

  c.model.augment = true;
  EXPECT_TRUE(fired(lint_config(c, binary_facts()), "config.early_augmentation"));
  c.model.augment = false;
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.early_augmentation"));

  c.train.seed.reset();
  EXPECT_TRUE(fired(lint_config(c, binary_facts()), "config.no_seed"));
  c.train.seed = 7;
  EXPECT_FALSE(fired(lint_config(c, binary_facts()), "config.no_seed"));
}

TEST(ConfigLint, MetricImbalance) {
  Config c;
  c.train.early_stopping.metric = "accuracy";
  const auto found = lint_config(c, binary_facts(50, 950));
  ASSERT_TRUE(fired(found, "config.metric_imbalance"));
  EXPECT_EQ(get(found, "config.metric_imbalance").evidence.at("rarest_class"), "bad");
  EXPECT_FALSE(fired(lint_config(c, binary_facts(300, 700)), "config.metric_imbalance"));  // balanced enough
  c.train.early_stopping.metric = "auc";
  EXPECT_FALSE(fired(lint_config(c, binary_facts(50, 950)), "config.metric_imbalance"));
  // Multiclass: accuracy asked for fires; "auto" resolves to balanced
  // accuracy on imbalanced classes, so the defaults never trip the check.
  DataFacts three = binary_facts();
  three.task = Task::Multiclass;
  three.class_names = {"a", "b", "c"};
  three.class_counts = {10, 500, 490};
  c.train.early_stopping.metric = "accuracy";
  EXPECT_TRUE(fired(lint_config(c, three), "config.metric_imbalance"));
  c.train.early_stopping.metric = "auto";
  EXPECT_FALSE(fired(lint_config(c, three), "config.metric_imbalance"));
  EXPECT_EQ(default_selection_metric(Task::Multiclass, three.class_counts).name, "balanced_accuracy");
  EXPECT_EQ(default_selection_metric(Task::Multiclass, {300, 500, 490}).name, "accuracy");
  EXPECT_EQ(default_selection_metric(Task::Binary, {50, 950}).name, "pr_auc");
  EXPECT_EQ(default_selection_metric(Task::Binary, {300, 700}).name, "auc");
}

TEST(ConfigLint, IgnoreSilencesAndIsReported) {
  Config c;
  c.train.loss = "mse";
  c.train.lr = 10;
  FindingSet set;
  set.add(lint_config(c, binary_facts()), {"config.loss_task_mismatch"});
  EXPECT_FALSE(set.has_errors());
  ASSERT_EQ(set.ignored, std::vector<std::string>{"config.loss_task_mismatch"});
  ASSERT_EQ(set.findings.size(), 1u);
  EXPECT_EQ(set.findings[0].id, "config.lr_range");
  const nlohmann::json j = to_json(set);
  EXPECT_EQ(j.at("ignored")[0], "config.loss_task_mismatch");
  for (const char* key : {"id", "severity", "stage", "message", "evidence", "fix"}) {
    EXPECT_TRUE(j.at("findings")[0].contains(key)) << key;
  }
}

TEST(ConfigLint, ErrorsComeFirst) {
  Config c;
  c.train.seed.reset();                   // info
  c.train.lr = 10;                        // warn
  c.model.output_activation = "sigmoid";  // error
  FindingSet set;
  set.add(lint_config(c, binary_facts()), {});
  ASSERT_EQ(set.findings.size(), 3u);
  EXPECT_EQ(set.findings[0].severity, Severity::Error);
  EXPECT_EQ(set.findings[1].severity, Severity::Warn);
  EXPECT_EQ(set.findings[2].severity, Severity::Info);
}

// Real data: the facts come from the prepared tensors.
Config shared_config(const std::string& name, const std::string& target) {
  Config c;
  c.data.train = test::shared_dataset(name);
  c.data.target = target;
  return c;
}

TEST(ConfigLintOnData, DefaultConfigRaisesNoWarningOnAnySharedDataset) {
  for (const auto& [name, target] :
       std::vector<std::pair<std::string, std::string>>{{"credit_data.csv", "Status"},
                                                        {"wa_churn.csv", "churn"},
                                                        {"letter.csv", "lettr"},
                                                        {"ames.csv", "Sale_Price"},
                                                        {"concrete.csv", "compressive_strength"},
                                                        {"breast_cancer.csv", "Class"}}) {
    const Config c = shared_config(name, target);
    if (!test::exists(c.data.train)) GTEST_SKIP() << "test datasets not available";
    const auto found = lint_config(c, data_facts(prepare_data(c)));
    for (const Finding& f : found) {
      EXPECT_EQ(f.severity, Severity::Info) << name << ": " << f.id << ": " << f.message;
    }
  }
}

TEST(ConfigLintOnData, NormalizationOffOnAmesNamesTheLargeFeatures) {
  Config c = shared_config("ames.csv", "Sale_Price");
  if (!test::exists(c.data.train)) GTEST_SKIP() << "test datasets not available";
  c.data.normalize = false;
  const auto found = lint_config(c, data_facts(prepare_data(c)));
  ASSERT_TRUE(fired(found, "config.no_normalization"));
  const Finding& f = get(found, "config.no_normalization");
  EXPECT_GT(f.evidence.at("off_scale_features").get<int>(), 5);
  EXPECT_NE(f.message.find("Lot_Area"), std::string::npos) << f.message;  // ~10,000 square feet
}

}  // namespace
}  // namespace nnrecipe
