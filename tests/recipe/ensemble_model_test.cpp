// Ensemble model directories: `predict` on one gives the (weighted) mean
// of its members' predictions, networks and xgboost alike.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/prediction.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

std::vector<std::vector<double>> read_probs(const std::string& csv) {
  std::istringstream in(read_text(csv));
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');  // the predicted class
    while (std::getline(cells, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

TEST(EnsembleModel, PredictsTheMeanOfItsMembers) {
  TempDir dir;
  const std::string data_csv = source_dir() + "/examples/data/credit_data.csv";
  Config c;
  c.data.train = data_csv;
  c.data.target = "Status";
  c.train.epochs = 2;
  const EncodedSplits splits = encode_splits(c);
  const PreparedData data = prepare_data(splits);
  std::vector<std::string> members;
  for (int seed : {1, 2}) {
    c.train.seed = seed;
    TrainerOptions o;
    o.run_dir = dir.file("run" + std::to_string(seed));
    train_network(c, data, o);
    members.push_back(o.run_dir + "/model");
  }
  const XgboostBaseline xgb = XgboostBaseline::fit(splits.train, splits.val, splits.transform);
  xgb.save(dir.file("xgb.json"));
  save_ensemble(dir.file("ensemble"), {{members[0]}, {members[1]}, {dir.file("xgb.json"), true}}, splits.transform,
                splits.task, data.class_names);
  ASSERT_TRUE(is_ensemble_dir(dir.file("ensemble")));
  EXPECT_FALSE(is_ensemble_dir(members[0]));

  const std::size_t rows = predict_model_csv(dir.file("ensemble"), data_csv, dir.file("e.csv"));
  predict_model_csv(members[0], data_csv, dir.file("m0.csv"));
  predict_model_csv(members[1], data_csv, dir.file("m1.csv"));
  const auto e = read_probs(dir.file("e.csv")), m0 = read_probs(dir.file("m0.csv")),
             m1 = read_probs(dir.file("m1.csv"));
  const Predictions x = [&] {
    CsvOptions csv;
    csv.type_overrides = splits.transform.column_types();
    return xgb.predict(splits.transform.apply(read_csv(data_csv, csv), false));
  }();
  ASSERT_EQ(e.size(), rows);
  ASSERT_EQ(x.rows, rows);
  for (std::size_t i = 0; i < rows; i += 97) {
    for (std::size_t k = 0; k < 2; ++k) {
      // The CSV keeps 6 significant digits of each member.
      EXPECT_NEAR(e[i][k], (m0[i][k] + m1[i][k] + x.probs[i * 2 + k]) / 3, 2e-5) << "row " << i;
    }
  }
  // Weighted (ensemble selection's pick counts), normalized.
  save_ensemble(dir.file("ensemble"), {{members[0], false, 2}, {members[1], false, 1}, {dir.file("xgb.json"), true, 1}},
                splits.transform, splits.task, data.class_names);
  predict_model_csv(dir.file("ensemble"), data_csv, dir.file("w.csv"));
  const auto w = read_probs(dir.file("w.csv"));
  for (std::size_t i = 0; i < rows; i += 97) {
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_NEAR(w[i][k], (2 * m0[i][k] + m1[i][k] + x.probs[i * 2 + k]) / 4, 2e-5) << "row " << i;
    }
  }
  EXPECT_THROW(save_ensemble(dir.file("bad"), {{members[0], false, 1}, {members[1], false, -1}}, splits.transform,
                             splits.task, data.class_names),
               InputError);
  EXPECT_THROW(save_ensemble(dir.file("bad"), {}, splits.transform, splits.task, data.class_names), InputError);
  EXPECT_FALSE(exists(dir.file("bad")));
  // The first format (networks, then one xgboost, optional weights) loads.
  write_text(dir.file("ensemble/ensemble.json"), nlohmann::json({{"format", "nnrecipe.ensemble/1"},
                                                                 {"task", "binary"},
                                                                 {"class_names", data.class_names},
                                                                 {"members", {"members/0", "members/1"}},
                                                                 {"xgboost", "members/2"},
                                                                 {"weights", {2, 1, 1}}})
                                                     .dump());
  predict_model_csv(dir.file("ensemble"), data_csv, dir.file("w1.csv"));
  EXPECT_EQ(read_text(dir.file("w1.csv")), read_text(dir.file("w.csv")));
  // A second save replaces the first whole.
  save_ensemble(dir.file("ensemble"), {{members[0]}}, splits.transform, splits.task, data.class_names);
  predict_model_csv(dir.file("ensemble"), data_csv, dir.file("e1.csv"));
  EXPECT_EQ(read_text(dir.file("e1.csv")), read_text(dir.file("m0.csv")));
  EXPECT_FALSE(exists(dir.file("ensemble/members/1")));
}

TEST(EnsembleModel, MalformedIndexIsBadInput) {
  TempDir dir;
  const std::string credit = source_dir() + "/examples/data/credit_data.csv";
  write_text(dir.file("ensemble.json"), "{\"format\": \"something else\"}");
  EXPECT_THROW(predict_model_csv(dir.path(), credit, dir.file("p.csv")), InputError);
  write_text(dir.file("ensemble.json"),
             R"({"format": "nnrecipe.ensemble/2", "task": "binary", "class_names": ["bad", "good"],
                 "members": [{"path": "members/0", "kind": "forest", "weight": 1}]})");
  EXPECT_THROW(predict_model_csv(dir.path(), credit, dir.file("p.csv")), InputError);
  write_text(dir.file("ensemble.json"),
             R"({"format": "nnrecipe.ensemble/2", "task": "binary", "class_names": ["bad", "good"],
                 "members": [{"path": "members/0", "kind": "network", "weight": 0}]})");
  EXPECT_THROW(predict_model_csv(dir.path(), credit, dir.file("p.csv")), InputError);
}

}  // namespace
}  // namespace nnrecipe::test
