#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Config, DefaultsFollowTheRecipe) {
  const Config c;
  EXPECT_EQ(c.train.optimizer, "adam");
  EXPECT_EQ(c.train.lr, 3e-4);
  EXPECT_EQ(c.train.schedule, "constant");
  EXPECT_EQ(c.train.seed, 0);
  EXPECT_FALSE(c.model.augment);
  EXPECT_TRUE(c.model.init_output_bias);
  EXPECT_EQ(c.model.output_activation, "none");
  EXPECT_TRUE(c.data.normalize);
}

TEST(Config, NestedAndDottedKeysAreTheSame) {
  const Config a =
      parse_config("train:\n  lr: 0.01\n  early_stopping:\n    patience: 3\nmodel:\n  hidden: [128, 64]\n");
  const Config b = parse_config("train.lr: 0.01\ntrain.early_stopping.patience: 3\nmodel.hidden: [128, 64]\n");
  EXPECT_EQ(a.train.lr, 0.01);
  EXPECT_EQ(b.train.lr, 0.01);
  EXPECT_EQ(a.train.early_stopping.patience, 3);
  EXPECT_EQ(b.train.early_stopping.patience, 3);
  EXPECT_EQ(a.model.hidden, (std::vector<int64_t>{128, 64}));
  EXPECT_EQ(to_yaml(a), to_yaml(b));
}

TEST(Config, UnknownKeyNamesLineAndSuggests) {
  const std::string err = error_of([] { parse_config("data:\n  target: y\ntrain:\n  lrr: 0.1\n", "cfg.yaml"); });
  EXPECT_NE(err.find("cfg.yaml:4:3"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown key 'train.lrr'"), std::string::npos) << err;
  EXPECT_NE(err.find("did you mean 'train.lr'"), std::string::npos) << err;
}

TEST(Config, WrongTypesAndRangesNameTheKey) {
  EXPECT_NE(error_of([] {
              parse_config("train:\n  epochs: many\n", "c.yaml");
            }).find("c.yaml:2:11: train.epochs: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_config("model:\n  dropout: 1.5\n"); }).find("model.dropout: 1.5 is out of range"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_config("train:\n  optimizer: adagrad\n");
            }).find("'adagrad' is not one of adam | adamw | sgd"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_config("model:\n  hidden: 64\n"); }).find("model.hidden: expected a list"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_config("train: 3\n"); }).find("'train' is a section"), std::string::npos);
  EXPECT_NE(error_of([] { parse_config("train: [1\n", "bad.yaml"); }).find("bad.yaml:"), std::string::npos);
  // A control character in a text value (found by fuzz/config_fuzzer: a
  // carriage return did not survive config.yaml's round trip).
  EXPECT_NE(
      error_of([] { parse_config("data:\n  target: \"Status\\r\"\n"); }).find("data.target: control character 0x0d"),
      std::string::npos);
  Config c;
  EXPECT_NE(error_of([&] { apply_override(c, "checks.ignore=[\"a\\x01\"]"); }).find("control character 0x01"),
            std::string::npos);
}

TEST(Config, OverridesParseYamlValues) {
  Config c;
  apply_override(c, "train.lr=0.01");
  apply_override(c, "model.hidden=[128,64]");
  apply_override(c, "train.seed=null");
  apply_override(c, "checks.ignore=[init.loss, config.lr_range]");
  EXPECT_EQ(c.train.lr, 0.01);
  EXPECT_EQ(c.model.hidden, (std::vector<int64_t>{128, 64}));
  EXPECT_FALSE(c.train.seed.has_value());
  EXPECT_EQ(c.checks.ignore, (std::vector<std::string>{"init.loss", "config.lr_range"}));
  EXPECT_NE(error_of([&] { apply_override(c, "train.lrr=1"); }).find("--set train.lrr: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "train.lr=-1"); }).find("--set train.lr: train.lr: -1 is out of range"),
            std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "train.lr"); }).find("expected KEY=VALUE"), std::string::npos);
}

TEST(Config, FeatureGroupsParseAndSayWhatIsWrong) {
  Config c;
  apply_override(c, R"(data.groups=["behaviour = visits, clicks", "profile=age"])");
  const std::vector<FeatureGroup> groups = parse_feature_groups(c.data.groups);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "behaviour");
  EXPECT_EQ(groups[0].columns, (std::vector<std::string>{"visits", "clicks"}));
  EXPECT_EQ(groups[1].columns, (std::vector<std::string>{"age"}));
  EXPECT_NE(error_of([&] { apply_override(c, "data.groups=[visits]"); }).find("expected NAME=COLUMN,COLUMN"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_feature_groups({"a=x,y", "b=y"});
            }).find("column 'y' is in two groups"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_feature_groups({"a=x", "a=z"}); }).find("group 'a' twice"), std::string::npos);
  EXPECT_NE(error_of([] { parse_feature_groups({"a= , "}); }).find("group 'a' names no column"), std::string::npos);
}

TEST(Config, ResolvedYamlRoundTrips) {
  Config c = parse_config(
      "data: {train: d.csv, target: y, normalize_target: false}\nmodel: {type: linear, hidden: []}\ntrain: {freeze: "
      "[embed], seed: 7}\n");
  const Config back = parse_config(to_yaml(c));
  EXPECT_EQ(to_yaml(back), to_yaml(c));
  EXPECT_EQ(back.data.normalize_target, false);
  EXPECT_TRUE(back.model.hidden.empty());
  EXPECT_EQ(back.train.seed, 7);
}

TEST(Config, DataPathsAreRelativeToTheConfigFile) {
  TempDir dir;
  ::mkdir(dir.file("sub").c_str(), 0755);
  write_text(dir.file("sub/run.yaml"), "data:\n  train: data.csv\n  test: /abs/test.csv\n");
  const Config c = load_config(dir.file("sub/run.yaml"));
  EXPECT_EQ(c.data.train, dir.file("sub/data.csv"));
  EXPECT_EQ(c.data.test, "/abs/test.csv");
}

// docs/config.md is generated from the declarations; keep it in step.
TEST(Config, ReferenceDocMatchesTheDeclarations) {
  EXPECT_EQ(read_text(source_dir() + "/docs/config.md"), config_reference_markdown())
      << "regenerate with: build/src/nnrecipe config --reference > docs/config.md";
}

}  // namespace
}  // namespace nnrecipe::test
