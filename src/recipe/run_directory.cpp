// The run directory of `nnrecipe run` as a resumable unit: run.json records
// what the run was started on (the config and the size of each data file),
// so that a new run never mixes its artefacts with an old one's and
// `run --resume DIR` continues only the run it was started as.
#include <sys/stat.h>

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "recipe/recipe_support.h"

namespace nnrecipe {
namespace {

constexpr const char* kRunFormat = "nnrecipe.run/1";

/// What makes two runs "the same run": the config as YAML and the size of
/// every data file (a file replaced in between is another run's data).
nlohmann::json run_identity(const Config& config) {
  nlohmann::json data = nlohmann::json::object();
  for (const std::string* path : {&config.data.train, &config.data.val, &config.data.test}) {
    struct stat st {};
    if (!path->empty()) data[*path] = ::stat(path->c_str(), &st) == 0 ? nlohmann::json(st.st_size) : nullptr;
  }
  return {{"format", kRunFormat}, {"config", to_yaml(config)}, {"data_bytes", data}};
}

bool empty_or_absent(const std::string& dir) {
  std::error_code ec;
  return !std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec);
}

/// A run that has run.json but did not finish: no summary.json (killed), or
/// one that records an interrupt.
bool unfinished(const std::string& dir) {
  if (!path_exists(dir + "/summary.json")) return true;
  const nlohmann::json summary = read_json_file(dir + "/summary.json");
  return summary.is_object() && summary.contains("interrupted") && !summary["interrupted"].is_null();
}

}  // namespace

namespace {

/// run.json of `dir`, checked to be a run record with its config as YAML.
nlohmann::json run_record(const std::string& dir) {
  const std::string path = dir + "/run.json";
  if (!path_exists(path)) {
    throw InputError(dir, "not a run directory of nnrecipe run (no run.json): nothing to resume");
  }
  nlohmann::json j = read_json_file(path);
  if (!j.is_object() || j.value("format", "") != kRunFormat || !j.contains("config") || !j["config"].is_string()) {
    throw InputError(path, "not a run record of nnrecipe run (format " + std::string(kRunFormat) + ")");
  }
  return j;
}

}  // namespace

Config resumable_run_config(const std::string& dir) {
  return parse_config(run_record(dir)["config"].get<std::string>(), dir + "/run.json");
}

namespace recipe_detail {

void claim_run_directory(const RecipeOptions& options) {
  const std::string& dir = options.out_dir;
  const std::string record = dir + "/run.json";
  if (!options.resume) {
    if (empty_or_absent(dir)) return;
    if (path_exists(record) && unfinished(dir) && read_json_file(record) == run_identity(options.config)) {
      throw InputError(dir, "holds an interrupted run of this data: continue it with `nnrecipe run --resume " + dir +
                                "`, or choose another --out to start afresh");
    }
    throw InputError(dir,
                     "is not empty: choose another --out (a run writes into a new or empty directory, so that "
                     "its artefacts never mix with another run's)");
  }
  const nlohmann::json then = run_record(dir);
  if (!unfinished(dir)) {
    throw InputError(dir, "this run finished (its summary.json records no interrupt): nothing to resume");
  }
  const nlohmann::json now = run_identity(options.config);
  if (now != then) {
    const bool same_config = now["config"] == then["config"];
    throw InputError(record, same_config ? "the data files changed size since the run started: resuming would mix "
                                           "two datasets; start a new run"
                                         : "the run was started with another config or data than the one given now");
  }
}

void record_run(const RecipeOptions& options) {
  write_json_atomic(options.out_dir + "/run.json", run_identity(options.config));
}

}  // namespace recipe_detail
}  // namespace nnrecipe
