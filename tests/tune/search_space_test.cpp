// Search spaces: parsing, errors that name file/line/key, and the map from
// unit-cube points to config overrides (ends, log scale, ints, choices,
// conditions).
#include <gtest/gtest.h>

#include <cmath>

#include "nnrecipe/error.h"
#include "nnrecipe/search_space.h"

namespace nnrecipe::test {
namespace {

const char* kSpace = R"(
train.lr: {log_uniform: [1.0e-4, 1.0e-2]}
model.dropout: {uniform: [0.0, 0.5]}
train.batch_size: {int: [16, 31]}
model.hidden: {choice: [[64], [128, 128]]}
train.optimizer: {choice: [adam, sgd]}
train.momentum: {uniform: [0.8, 0.99], when: {train.optimizer: [sgd]}}
)";

std::string value(const Assignment& a, const std::string& key) {
  for (const auto& [k, v] : a) {
    if (k == key) return v;
  }
  return "";
}

TEST(SearchSpace, ParsesEveryKind) {
  const SearchSpace s = parse_search_space(kSpace);
  ASSERT_EQ(s.dims(), 6u);
  EXPECT_EQ(s.params[0].kind, SearchParam::Kind::LogUniform);
  EXPECT_EQ(s.params[2].kind, SearchParam::Kind::Int);
  EXPECT_EQ(s.params[3].choices, (std::vector<std::string>{"[64]", "[128, 128]"}));
  EXPECT_EQ(s.params[5].when_key, "train.optimizer");
  EXPECT_EQ(s.params[5].when_values, std::vector<std::string>{"sgd"});
}

TEST(SearchSpace, UnitPointsMapToValues) {
  const SearchSpace s = parse_search_space(kSpace);
  const Config base;
  const Assignment low = assign(s, {0, 0, 0, 0, 0, 0}, base);
  EXPECT_EQ(value(low, "train.lr"), "0.0001");
  EXPECT_EQ(value(low, "model.dropout"), "0");
  EXPECT_EQ(value(low, "train.batch_size"), "16");
  EXPECT_EQ(value(low, "model.hidden"), "[64]");
  EXPECT_EQ(value(low, "train.optimizer"), "adam");
  EXPECT_EQ(value(low, "train.momentum"), "");  // inactive: the optimizer is adam
  const Assignment mid = assign(s, {0.5, 0.5, 0.5, 0.5, 0.99, 0.5}, base);
  EXPECT_EQ(value(mid, "train.lr"), "0.001");  // the middle of a log range is its geometric mean
  EXPECT_EQ(value(mid, "model.dropout"), "0.25");
  EXPECT_EQ(value(mid, "train.batch_size"), "24");
  EXPECT_EQ(value(mid, "model.hidden"), "[128, 128]");
  EXPECT_EQ(value(mid, "train.optimizer"), "sgd");
  EXPECT_EQ(value(mid, "train.momentum"), "0.895");
  const Assignment high = assign(s, {0.999999, 0.999999, 0.999999, 0, 0, 0}, base);
  EXPECT_EQ(value(high, "train.batch_size"), "31");  // the top integer is reachable
  EXPECT_NEAR(std::stod(value(high, "train.lr")), 1e-2, 1e-4);
  const Config c = apply_assignment(base, mid);
  EXPECT_EQ(c.train.optimizer, "sgd");
  EXPECT_DOUBLE_EQ(c.train.momentum, 0.895);
  EXPECT_EQ(c.model.hidden, (std::vector<int64_t>{128, 128}));
}

void expect_error(const std::string& yaml, const std::string& needle, std::size_t line) {
  try {
    parse_search_space(yaml, "space.yaml");
    ADD_FAILURE() << "no error for:\n" << yaml;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_EQ(e.file(), "space.yaml");
    EXPECT_EQ(e.line(), line) << e.what();
  }
}

TEST(SearchSpace, ErrorsNameTheFileLineAndKey) {
  expect_error("train.lr: {log_uniform: [1.0e-4, 1.0e-2]}\ntrain.rl: {uniform: [0, 1]}\n", "'train.rl'", 2);
  expect_error("train.lr: {log_uniform: [0, 1.0e-2]}\n", "LOW must be > 0", 1);
  expect_error("train.lr: {uniform: [0.1, 0.01]}\n", "above HIGH", 1);
  expect_error("train.lr: {normal: [0.1, 0.01]}\n", "unknown distribution 'normal'", 1);
  expect_error("model.dropout: {uniform: [0.0, 1.5]}\n", "not accepted", 1);  // dropout must be < 1
  expect_error("model.hidden: {choice: [[64], fast]}\n", "'model.hidden'", 1);
  expect_error("train.batch_size: {int: [16.5, 32]}\n", "whole numbers", 1);
  expect_error("train.lr: 0.01\n", "expected a distribution", 1);
  expect_error("[1, 2]\n", "mapping", 1);
  // Keys that are lists or mappings (found by fuzz/search_space_fuzzer:
  // they escaped as yaml-cpp's exception, an internal error).
  expect_error("train.lr: {[null, x]: [1, 2]}\n", "keys must be plain names", 1);
  expect_error("{a: b}: {uniform: [0, 1]}\n", "keys must be plain names", 1);
  expect_error("train.momentum: {uniform: [0.8, 0.99], when: {[x]: [sgd]}}\n", "keys must be plain names", 1);
}

}  // namespace
}  // namespace nnrecipe::test
