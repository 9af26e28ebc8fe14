#pragma once
/// @file
/// @brief The run configuration: what a YAML config file and `--set key=value` set.
///
/// Every option is declared once, in src/config/options.cpp, with its key,
/// default, range or choices and a one-line description; parsing, validation,
/// `--help`, docs/config.md and the resolved config all come from there.
///
/// @code
/// nnrecipe::Config config = nnrecipe::load_config("examples/configs/credit_mlp.yaml");
/// nnrecipe::apply_override(config, "train.lr=0.001");  // as `--set train.lr=0.001`
/// nnrecipe::apply_override(config, "model.hidden=[256, 256]");
/// config.train.epochs = 50;  // or set the fields directly
/// std::cout << nnrecipe::option_value_text(config, "model.hidden") << "\n" << nnrecipe::to_yaml(config);
/// @endcode
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnrecipe {

struct DataConfig {
  std::string train;              ///< training CSV (or an image directory)
  std::string test;               ///< optional test CSV
  std::string val;                ///< optional validation CSV
  std::string target;             ///< target column
  std::vector<std::string> drop;  ///< columns left out of the features (ids, constants)
  std::string task = "auto";      ///< auto | binary | multiclass | regression
  double val_fraction = 0.1;
  double test_fraction = 0.2;
  bool normalize = true;
  std::optional<bool> normalize_target;  ///< unset = true for regression
  std::optional<bool> log_target;  ///< regression on log(y); unset = no (`run` tries it on a skewed positive target)
  std::string delimiter;           ///< CSV field delimiter: one character or "tab"; empty = detected
  std::vector<std::string> types;  ///< forced column types, each "COLUMN=numeric|categorical|boolean"
  /// Feature groups, each "NAME=COLUMN,COLUMN,...": `run` adds them to the
  /// network one at a time (columns in no group are always in).
  std::vector<std::string> groups;
};

/// One entry of data.groups.
struct FeatureGroup {
  std::string name;
  std::vector<std::string> columns;
};
/// data.groups parsed: InputError naming data.groups on a malformed entry,
/// a repeated group name or a column in two groups.
std::vector<FeatureGroup> parse_feature_groups(const std::vector<std::string>& specs);

struct ModelConfig {
  std::string type = "mlp";                  ///< linear | mlp | tabm | fm | cnn
  std::vector<int64_t> hidden = {128, 128};  ///< widths of the hidden layers (mlp), channels (cnn)
  std::string activation = "relu";           ///< relu | gelu | tanh | sigmoid
  double dropout = 0.0;
  bool batchnorm = false;
  std::string output_activation = "none";  ///< none | sigmoid | softmax
  int64_t outputs = 0;                     ///< output units; 0 = what the task needs (1, or the class count)
  std::optional<double> hidden_bias_init;  ///< constant for hidden biases; nullopt = LibTorch's init
  bool init_output_bias = true;
  bool augment = false;                    ///< images: random crop with padding + horizontal flip
  std::string numeric_embedding = "none";  ///< tables: none | periodic | piecewise_linear
  /// tabm: BatchEnsemble members. 32 is TabM's default k; the authors find
  /// the gain saturates around it.
  int64_t ensemble_size = 32;
  /// fm: width of each feature's factor vector (Rendle's k).
  int64_t factors = 8;
};

struct EarlyStoppingConfig {
  int64_t patience = 10;        ///< epochs without improvement; 0 = off
  std::string metric = "auto";  ///< auto = the task's selection metric, or val_loss, auc, ...
};

struct TrainConfig {
  std::string optimizer = "adam";  ///< adam | adamw | sgd
  double lr = 3e-4;
  double momentum = 0.9;
  double weight_decay = 0.0;
  int64_t batch_size = 64;
  int64_t epochs = 100;                ///< an upper bound: early stopping (patience 10) usually ends sooner
  std::string loss = "auto";           ///< auto | bce | ce | mse | l1 | huber
  std::string class_weights = "none";  ///< none | balanced
  EarlyStoppingConfig early_stopping;
  double grad_clip = 0.0;             ///< max global gradient norm; 0 = off
  std::string schedule = "constant";  ///< constant | cosine | step
  std::vector<std::string> freeze;    ///< parameter-name patterns (substring) left untrained
  std::optional<int64_t> seed = 0;    ///< null = no fixed seed
  int64_t threads = 0;                ///< 0 = all cores
  std::string device = "auto";        ///< auto | cpu | cuda
};

struct ChecksConfig {
  std::vector<std::string> ignore;  ///< finding ids to silence
};

struct Config {
  DataConfig data;
  ModelConfig model;
  TrainConfig train;
  ChecksConfig checks;
};

/// One declared option, for help and docs.
struct OptionInfo {
  std::string key;           ///< e.g. "train.lr"
  std::string type;          ///< e.g. "float", "int", "bool", "string", "list of int"
  std::string default_text;  ///< the default as YAML
  std::string allowed;       ///< range or choices, "" if any value
  std::string description;
};

/// Every option, in declaration order.
std::vector<OptionInfo> config_options();

/// Parses a YAML config file. Unknown keys, wrong types and out-of-range
/// values throw InputError naming the file, line and key. A relative data
/// path is taken relative to the config file's folder.
Config load_config(const std::string& path);
/// Parses YAML text (source names it in errors).
Config parse_config(const std::string& yaml_text, const std::string& source = "config");
/// Applies one `key=value` override (value is YAML: 0.01, [128,64], true).
/// Throws InputError naming "--set KEY" on a bad key or value.
void apply_override(Config& config, const std::string& assignment);
/// One option's value as flow YAML ("0.001", "[128, 128]", "~"). Throws
/// InputError on an unknown key.
std::string option_value_text(const Config& config, const std::string& key);
/// The whole configuration as YAML, every option with its resolved value.
std::string to_yaml(const Config& config);
/// docs/config.md: the reference generated from the declarations.
std::string config_reference_markdown();

}  // namespace nnrecipe
