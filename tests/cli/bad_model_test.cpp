// Damaged model directories through `nnrecipe predict`: a model directory is
// input like any other file, so a truncated, mistyped or inconsistent
// meta.json, transform.json or ensemble.json ends with exit 2 and one
// message naming the file, never a crash or a LibTorch stack trace.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "cli/run_support.h"

namespace nnrecipe::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const std::string& path) { return json::parse(read_text(path)); }
void write_json(const std::string& path, const json& j) { write_text(path, j.dump(2)); }

// One tiny network trained once for every case (an epoch on credit_data).
class BadModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const CommandResult r =
        run_nnrecipe("train --set data.train=" + quote(credit_csv()) +
                     " --set data.target=Status --set train.epochs=1 --quiet --out " + quote(dir_->file("run")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  /// A fresh copy of the trained model directory, named `name`.
  static std::string copy_model(const std::string& name) {
    const std::string to = dir_->file(name);
    fs::remove_all(to);
    fs::copy(dir_->file("run/model"), to, fs::copy_options::recursive);
    return to;
  }
  /// predict with MODEL must fail cleanly: exit 2, one line naming `file`.
  static void expect_refused(const std::string& model, const std::string& file) {
    const CommandResult r =
        run_nnrecipe("predict " + quote(model) + " " + quote(credit_csv()) + " --out " + quote(dir_->file("p")));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("nnrecipe: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << "no '" << file << "' in: " << r.err;
  }
  static TempDir* dir_;
};
TempDir* BadModel::dir_ = nullptr;

TEST_F(BadModel, TheUndamagedModelPredicts) {
  const CommandResult r = run_nnrecipe("predict " + quote(copy_model("good")) + " " + quote(credit_csv()) + " --out " +
                                       quote(dir_->file("p")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(BadModel, DamagedMetaJsonNamesTheFile) {
  const std::vector<std::pair<std::string, std::function<void(json&)>>> damages = {
      {"unknown task", [](json& m) { m["task"] = "banana"; }},
      {"missing key", [](json& m) { m.erase("input_dim"); }},
      {"wrong type", [](json& m) { m["input_dim"] = "many"; }},
      {"class count",
       [](json& m) {
         m["class_names"] = {"bad", "good", "ugly"};
       }},
      {"negative size", [](json& m) { m["input_dim"] = -4; }},
      {"input width", [](json& m) { m["input_dim"] = m["input_dim"].get<int>() + 3; }},
  };
  for (const auto& [what, damage] : damages) {
    SCOPED_TRACE(what);
    const std::string model = copy_model("meta");
    json meta = read_json(model + "/meta.json");
    damage(meta);
    write_json(model + "/meta.json", meta);
    // A width that disagrees with the transform is named there; the rest in meta.json.
    expect_refused(model, what == "input width" ? "transform.json" : "meta.json");
  }
  const std::string truncated = copy_model("truncated");
  const std::string text = read_text(truncated + "/meta.json");
  write_text(truncated + "/meta.json", text.substr(0, text.size() / 2));
  expect_refused(truncated, "meta.json");
}

TEST_F(BadModel, DamagedWeightsOrTransformNamesTheFile) {
  const std::string weights = copy_model("weights");
  write_text(weights + "/weights.pt", "not a torch archive");
  expect_refused(weights, "weights.pt");
  const std::string transform = copy_model("transform");
  const std::string text = read_text(transform + "/transform.json");
  write_text(transform + "/transform.json", text.substr(0, text.size() / 3));
  expect_refused(transform, "transform.json");
}

// An ensemble directory built by hand around the trained network, then
// damaged one way at a time.
TEST_F(BadModel, DamagedEnsembleJsonNamesTheFile) {
  const auto make_ensemble = [](const std::string& name) {
    const std::string dir = dir_->file(name);
    fs::remove_all(dir);
    fs::create_directories(dir + "/members");
    fs::copy(dir_->file("run/model"), dir + "/members/0", fs::copy_options::recursive);
    fs::copy_file(dir_->file("run/model/transform.json"), dir + "/transform.json");
    const json meta = read_json(dir_->file("run/model/meta.json"));
    write_json(dir + "/ensemble.json", {{"format", "nnrecipe.ensemble/2"},
                                        {"task", meta["task"]},
                                        {"class_names", meta["class_names"]},
                                        {"members", {{{"path", "members/0"}, {"kind", "network"}, {"weight", 1.0}}}}});
    return dir;
  };
  const std::string good = make_ensemble("ensemble");
  const CommandResult ok =
      run_nnrecipe("predict " + quote(good) + " " + quote(credit_csv()) + " --out " + quote(dir_->file("p")));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const std::vector<std::tuple<std::string, std::function<void(json&)>, std::string>> damages = {
      {"unknown task", [](json& e) { e["task"] = "banana"; }, "ensemble.json"},
      {"one class name", [](json& e) { e["class_names"] = {"bad"}; }, "ensemble.json"},
      {"class count of a member",
       [](json& e) {
         e["class_names"] = {"bad", "good", "ugly"};
         e["task"] = "multiclass";
       },
       "members/0"},
      {"path outside", [](json& e) { e["members"][0]["path"] = "../run/model"; }, "ensemble.json"},
      {"absolute path", [](json& e) { e["members"][0]["path"] = "/etc"; }, "ensemble.json"},
      {"missing weight", [](json& e) { e["members"][0].erase("weight"); }, "ensemble.json"},
      {"unknown kind", [](json& e) { e["members"][0]["kind"] = "forest"; }, "ensemble.json"},
      {"no member", [](json& e) { e["members"] = json::array(); }, "ensemble.json"},
  };
  for (const auto& [what, damage, file] : damages) {
    SCOPED_TRACE(what);
    const std::string dir = make_ensemble("damaged");
    json e = read_json(dir + "/ensemble.json");
    damage(e);
    write_json(dir + "/ensemble.json", e);
    expect_refused(dir, file);
  }
}

}  // namespace
}  // namespace nnrecipe::test
