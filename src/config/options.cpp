// The one place where configuration options are declared (as xgboost's
// DMLC_DECLARE_FIELD and LightGBM's config.h do): key, field, default, range
// or choices, description. Parsing, validation, the resolved config and
// docs/config.md are all generated from this table.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"

namespace nnrecipe {
namespace {

// Where a value came from, for error messages: "cfg.yaml:12:5" or "--set train.lr".
struct Origin {
  std::string source;
  std::size_t line = 0, column = 0;
};

[[noreturn]] void bad_value(const Origin& o, const std::string& key, const std::string& what) {
  throw InputError(o.source, fmt::format("{}: {}", key, what), o.line, o.column);
}

// A declared option: how to read it into a Config, and how to print it.
struct Option {
  std::string key, type, allowed, description;
  std::function<void(Config&, const YAML::Node&, const Origin&)> set;
  std::function<YAML::Node(const Config&)> get;
};

template <typename T>
T convert(const YAML::Node& node, const Origin& o, const std::string& key, const char* type) {
  try {
    if (!node.IsScalar()) throw YAML::Exception(node.Mark(), "not a scalar");
    T value = node.as<T>();
    if constexpr (std::is_same_v<T, std::string>) {
      // Paths, column names and choices hold no control characters; a
      // stray one (a carriage return from a Windows editor) would not
      // survive the config's own round trip through config.yaml either.
      for (const char ch : value) {
        const auto byte = static_cast<unsigned char>(ch);
        if ((byte < 0x20 && ch != '\t') || byte == 0x7f) {
          bad_value(o, key, fmt::format("control character 0x{:02x} in the text {}", byte, YAML::Dump(node)));
        }
      }
    }
    return value;
  } catch (const YAML::Exception&) {
    bad_value(o, key, fmt::format("expected {}, got {}", type, YAML::Dump(node)));
  }
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter out;
  out << YAML::Flow << n;
  return out.c_str();
}

// Builders for each kind of option. `field` maps a Config to the member it
// declares (one accessor serves both directions, hence the const_cast in get).
template <typename Get>
Option number(std::string key, Get field, double lo, double hi, bool lo_open, std::string description) {
  Option opt;
  opt.key = key;
  opt.type = "float";
  opt.allowed = fmt::format("{}{}, {}{}", lo_open ? "(" : "[", lo,
                            hi == std::numeric_limits<double>::infinity() ? "inf" : fmt::format("{}", hi),
                            hi == std::numeric_limits<double>::infinity() ? ")" : "]");
  opt.description = std::move(description);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    const double v = convert<double>(n, o, key, "a number");
    if (!std::isfinite(v) || v < lo || v > hi || (lo_open && v == lo)) {
      bad_value(o, key, fmt::format("{} is out of range {}", v, opt.allowed));
    }
    field(c) = v;
  };
  // Shortest text that reads back to the same double (0.1, not 0.10000000000000001).
  opt.get = [=](const Config& c) { return YAML::Node(fmt::format("{}", field(const_cast<Config&>(c)))); };
  return opt;
}

template <typename Get>
Option integer(std::string key, Get field, int64_t lo, int64_t hi, std::string description) {
  Option opt;
  opt.key = key;
  opt.type = "int";
  opt.allowed = hi == std::numeric_limits<int64_t>::max() ? fmt::format(">= {}", lo) : fmt::format("[{}, {}]", lo, hi);
  opt.description = std::move(description);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    const int64_t v = convert<int64_t>(n, o, key, "an integer");
    if (v < lo || v > hi) bad_value(o, key, fmt::format("{} is out of range {}", v, opt.allowed));
    field(c) = v;
  };
  opt.get = [=](const Config& c) { return YAML::Node(field(const_cast<Config&>(c))); };
  return opt;
}

template <typename Get>
Option boolean(std::string key, Get field, std::string description) {
  Option opt;
  opt.key = key;
  opt.type = "bool";
  opt.allowed = "true | false";
  opt.description = std::move(description);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    field(c) = convert<bool>(n, o, key, "true or false");
  };
  opt.get = [=](const Config& c) { return YAML::Node(static_cast<bool>(field(const_cast<Config&>(c)))); };
  return opt;
}

template <typename Get>
Option text(std::string key, Get field, std::string description) {
  Option opt;
  opt.key = key;
  opt.type = "string";
  opt.description = std::move(description);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    field(c) = n.IsNull() ? std::string() : convert<std::string>(n, o, key, "a string");
  };
  opt.get = [=](const Config& c) { return YAML::Node(field(const_cast<Config&>(c))); };
  return opt;
}

template <typename Get>
Option choice(std::string key, Get field, std::vector<std::string> choices, std::string description) {
  Option opt;
  opt.key = key;
  opt.type = "string";
  for (const std::string& ch : choices) opt.allowed += (opt.allowed.empty() ? "" : " | ") + ch;
  opt.description = std::move(description);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    const auto v = convert<std::string>(n, o, key, "a string");
    if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
      bad_value(o, key, fmt::format("'{}' is not one of {}", v, opt.allowed));
    }
    field(c) = v;
  };
  opt.get = [=](const Config& c) { return YAML::Node(field(const_cast<Config&>(c))); };
  return opt;
}

// An option that may be null (a std::optional field): `what` names the
// accepted values in errors, `invalid` returns why a value is refused ("" = ok).
template <typename T, typename Get, typename Invalid>
Option nullable(std::string key, Get field, std::string type, std::string allowed, std::string what, Invalid invalid,
                std::string description) {
  Option opt;
  opt.key = key;
  opt.type = std::move(type);
  opt.allowed = std::move(allowed);
  opt.description = std::move(description);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    if (n.IsNull()) {
      field(c).reset();
      return;
    }
    const T v = convert<T>(n, o, key, what.c_str());
    if (const std::string why = invalid(v); !why.empty()) bad_value(o, key, why);
    field(c) = v;
  };
  opt.get = [=](const Config& c) {
    const std::optional<T>& v = field(const_cast<Config&>(c));
    if (!v) return YAML::Node(YAML::NodeType::Null);
    if constexpr (std::is_floating_point_v<T>) return YAML::Node(fmt::format("{}", *v));  // as number() writes it
    return YAML::Node(*v);
  };
  return opt;
}

template <typename T, typename Get>
Option list(std::string key, Get field, const char* type, T lo, std::string description) {
  Option opt;
  opt.key = key;
  opt.type = std::string("list of ") + type;
  opt.description = std::move(description);
  if constexpr (std::is_arithmetic_v<T>) opt.allowed = fmt::format("each >= {}", lo);
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    std::vector<T> out;
    if (n.IsNull()) {
      field(c) = out;
      return;
    }
    if (!n.IsSequence()) bad_value(o, key, fmt::format("expected a list like [a, b], got {}", yaml_text(n)));
    for (const YAML::Node& item : n) {
      const T v = convert<T>(item, o, key, type);
      if constexpr (std::is_arithmetic_v<T>) {
        if (v < lo) bad_value(o, key, fmt::format("{} is below {}", v, lo));
      }
      out.push_back(v);
    }
    field(c) = out;
  };
  opt.get = [=](const Config& c) {
    YAML::Node n(YAML::NodeType::Sequence);
    for (const T& v : field(const_cast<Config&>(c))) n.push_back(v);
    return n;
  };
  return opt;
}

// A string whose value `check` accepts (returns "") or rejects (returns why).
template <typename Get, typename Check>
Option checked_text(std::string key, Get field, Check check, std::string description) {
  Option opt = text(key, field, std::move(description));
  const auto set = opt.set;
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    set(c, n, o);
    const std::string why = check(field(c));
    if (!why.empty()) bad_value(o, key, fmt::format("'{}': {}", field(c), why));
  };
  return opt;
}

// A list of strings, each of which `check` accepts.
template <typename Get, typename Check>
Option checked_list(std::string key, Get field, Check check, std::string description) {
  Option opt = list<std::string>(key, field, "string", std::string(), std::move(description));
  const auto set = opt.set;
  opt.set = [=](Config& c, const YAML::Node& n, const Origin& o) {
    set(c, n, o);
    for (const std::string& v : field(c)) {
      const std::string why = check(v);
      if (!why.empty()) bad_value(o, key, fmt::format("'{}': {}", v, why));
    }
  };
  return opt;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

const std::vector<Option>& options() {
  static const std::vector<Option> all = [] {
    std::vector<Option> o;
    // data
    o.push_back(text(
        "data.train", [](Config& c) -> std::string& { return c.data.train; },
        "Training data: a CSV file (split into train/val/test unless data.test is given) or an image dataset "
        "directory"));
    o.push_back(text(
        "data.test", [](Config& c) -> std::string& { return c.data.test; },
        "Test CSV; when given, no test split is taken from data.train"));
    o.push_back(text(
        "data.val", [](Config& c) -> std::string& { return c.data.val; },
        "Validation CSV; when given, no validation split is taken from data.train"));
    o.push_back(text(
        "data.target", [](Config& c) -> std::string& { return c.data.target; }, "Target column"));
    o.push_back(list<std::string>(
        "data.drop", [](Config& c) -> std::vector<std::string>& { return c.data.drop; }, "string", std::string(),
        "Columns left out of the features (id-like or constant columns; `nnrecipe run` drops those inspect finds)"));
    o.push_back(choice(
        "data.task", [](Config& c) -> std::string& { return c.data.task; },
        {"auto", "binary", "multiclass", "regression"}, "Learning task; auto infers it from the target column"));
    o.push_back(number(
        "data.val_fraction", [](Config& c) -> double& { return c.data.val_fraction; }, 0.0, 0.9, false,
        "Share of rows held out for validation (model selection)"));
    o.push_back(number(
        "data.test_fraction", [](Config& c) -> double& { return c.data.test_fraction; }, 0.0, 0.9, false,
        "Share of rows held out for the final test, used once"));
    o.push_back(boolean(
        "data.normalize", [](Config& c) -> bool& { return c.data.normalize; },
        "Standardize numeric features (statistics from the training split only), then soft-clip them into (-3, 3) so "
        "an outlier cannot push a network far outside what it trained on"));
    o.push_back(nullable<bool>(
        "data.normalize_target", [](Config& c) -> std::optional<bool>& { return c.data.normalize_target; }, "bool",
        "true | false | null", "true, false or null", [](bool) { return std::string(); },
        "Standardize a regression target (null = true for regression); predictions are mapped back exactly"));
    o.push_back(nullable<bool>(
        "data.log_target", [](Config& c) -> std::optional<bool>& { return c.data.log_target; }, "bool",
        "true | false | null", "true, false or null", [](bool) { return std::string(); },
        "Regression on log(target) (every value > 0), predictions mapped back with exp; null = false for `train`, "
        "while `run` tries it on a positive target with |skewness| > 1 and keeps it if validation improves"));
    o.push_back(checked_text(
        "data.delimiter", [](Config& c) -> std::string& { return c.data.delimiter; },
        [](const std::string& v) {
          return v.empty() || v.size() == 1 || v == "tab" ? std::string() : "expected one character or 'tab'";
        },
        "CSV field delimiter: one character or 'tab'; empty = detected among , ; and tab"));
    o.push_back(checked_list(
        "data.types", [](Config& c) -> std::vector<std::string>& { return c.data.types; },
        [](const std::string& v) {
          const auto eq = v.rfind('=');
          const std::string type = eq == std::string::npos ? std::string() : v.substr(eq + 1);
          return eq != 0 && (type == "numeric" || type == "categorical" || type == "boolean")
                     ? std::string()
                     : "expected COLUMN=numeric|categorical|boolean";
        },
        "Forced column types, each COLUMN=numeric|categorical|boolean (a zip code read as categorical, ...)"));
    o.push_back(checked_list(
        "data.groups", [](Config& c) -> std::vector<std::string>& { return c.data.groups; },
        [](const std::string& v) {
          try {
            parse_feature_groups({v});
            return std::string();
          } catch (const InputError&) {
            return std::string("expected NAME=COLUMN,COLUMN,...");
          }
        },
        "Feature groups, each NAME=COLUMN,COLUMN,... (behaviour, profile, ...): `run` adds them to the network one "
        "at a time and reports what each adds; columns in no group are always in"));
    // model
    o.push_back(choice(
        "model.type", [](Config& c) -> std::string& { return c.model.type; }, {"linear", "mlp", "tabm", "fm", "cnn"},
        "Network: linear (logistic/softmax/linear regression), mlp, tabm (an MLP of model.ensemble_size "
        "BatchEnsemble members sharing weights, predicting their mean), fm (a factorization machine: linear plus "
        "pairwise interactions of ids and columns through model.factors-wide factors), or cnn (images)"));
    o.push_back(list<int64_t>(
        "model.hidden", [](Config& c) -> std::vector<int64_t>& { return c.model.hidden; }, "int", 1,
        "Hidden layer widths (mlp) or channels per conv block (cnn)"));
    o.push_back(choice(
        "model.activation", [](Config& c) -> std::string& { return c.model.activation; },
        {"relu", "gelu", "tanh", "sigmoid"}, "Hidden activation"));
    o.push_back(number(
        "model.dropout", [](Config& c) -> double& { return c.model.dropout; }, 0.0, 0.99, false,
        "Dropout probability after each hidden layer"));
    o.push_back(boolean(
        "model.batchnorm", [](Config& c) -> bool& { return c.model.batchnorm; },
        "Batch normalization after each hidden layer (always on in cnn blocks)"));
    o.push_back(choice(
        "model.output_activation", [](Config& c) -> std::string& { return c.model.output_activation; },
        {"none", "sigmoid", "softmax"}, "Activation on the output; none = logits go to the loss (recommended)"));
    o.push_back(integer(
        "model.outputs", [](Config& c) -> int64_t& { return c.model.outputs; }, 0, 100000,
        "Output units; 0 = what the task needs (1 for binary and regression, the class count for multiclass)"));
    o.push_back(nullable<double>(
        "model.hidden_bias_init", [](Config& c) -> std::optional<double>& { return c.model.hidden_bias_init; }, "float",
        "a number | null", "a number or null",
        [](double v) { return std::isfinite(v) ? std::string() : std::string("must be finite"); },
        "Fill the hidden layers' biases with this constant (null = LibTorch's default uniform init)"));
    o.push_back(boolean(
        "model.init_output_bias", [](Config& c) -> bool& { return c.model.init_output_bias; },
        "Initialize the output bias to the prior: log(pos/neg), log class frequencies, or 0 for a standardized "
        "target"));
    o.push_back(choice(
        "model.numeric_embedding", [](Config& c) -> std::string& { return c.model.numeric_embedding; },
        {"none", "periodic", "piecewise_linear"},
        "Tables (mlp, tabm): embed each numeric column before the first layer: periodic (sin/cos of learned "
        "frequencies) or piecewise_linear (quantile bins); none = the standardized value as it is"));
    o.push_back(integer(
        "model.ensemble_size", [](Config& c) -> int64_t& { return c.model.ensemble_size; }, 1, 128,
        "tabm: members sharing the MLP's weights (TabM's k), each trained on its own loss"));
    o.push_back(integer(
        "model.factors", [](Config& c) -> int64_t& { return c.model.factors; }, 1, 1024,
        "fm: width of each feature's factor vector (the interactions' rank)"));
    o.push_back(boolean(
        "model.augment", [](Config& c) -> bool& { return c.model.augment; },
        "Images: random crop with 2-pixel padding and horizontal flip while training"));
    // train
    o.push_back(choice(
        "train.optimizer", [](Config& c) -> std::string& { return c.train.optimizer; },
        {"adam", "adamw", "sgd", "lbfgs"},
        "Optimizer; lbfgs = full-batch L-BFGS with a line search (small models on tables: the whole training split is "
        "one batch, one step of up to 20 iterations per epoch, lr 1)"));
    o.push_back(number(
        "train.lr", [](Config& c) -> double& { return c.train.lr; }, 0.0, 10.0, true,
        "Learning rate (3e-4 is a safe start for Adam)"));
    o.push_back(number(
        "train.momentum", [](Config& c) -> double& { return c.train.momentum; }, 0.0, 0.999, false, "SGD momentum"));
    o.push_back(number(
        "train.weight_decay", [](Config& c) -> double& { return c.train.weight_decay; }, 0.0, 1.0, false,
        "Weight decay (decoupled with adamw, L2 with adam/sgd/lbfgs)"));
    o.push_back(integer(
        "train.batch_size", [](Config& c) -> int64_t& { return c.train.batch_size; }, 1, kMaxInt,
        "Rows per batch (lbfgs: ignored, the whole training split)"));
    o.push_back(integer(
        "train.epochs", [](Config& c) -> int64_t& { return c.train.epochs; }, 1, 100000, "Maximum epochs"));
    o.push_back(choice(
        "train.loss", [](Config& c) -> std::string& { return c.train.loss; },
        {"auto", "bce", "ce", "mse", "l1", "huber"}, "Loss; auto = bce (binary), ce (multiclass), mse (regression)"));
    o.push_back(choice(
        "train.class_weights", [](Config& c) -> std::string& { return c.train.class_weights; }, {"none", "balanced"},
        "Class weights in the loss; balanced = n / (K * n_class)"));
    o.push_back(integer(
        "train.early_stopping.patience", [](Config& c) -> int64_t& { return c.train.early_stopping.patience; }, 0,
        kMaxInt, "Epochs without validation improvement before stopping (0 = off); the best weights are restored"));
    o.push_back(choice(
        "train.early_stopping.metric", [](Config& c) -> std::string& { return c.train.early_stopping.metric; },
        {"auto", "val_loss", "accuracy", "balanced_accuracy", "log_loss", "auc", "pr_auc", "macro_f1", "rmse", "mae",
         "r2"},
        "Validation metric watched; auto = auc (binary; pr_auc under 10% positives), accuracy (multiclass; "
        "balanced_accuracy when the rarest class has under 20% of the commonest's rows), rmse (regression)"));
    o.push_back(number(
        "train.grad_clip", [](Config& c) -> double& { return c.train.grad_clip; }, 0.0, kInf, false,
        "Clip the global gradient norm to this value (0 = off; not with lbfgs, whose line search bounds the step)"));
    o.push_back(choice(
        "train.schedule", [](Config& c) -> std::string& { return c.train.schedule; }, {"constant", "cosine", "step"},
        "Learning-rate schedule (the recipe: constant until the model fits)"));
    o.push_back(list<std::string>(
        "train.freeze", [](Config& c) -> std::vector<std::string>& { return c.train.freeze; }, "string", std::string(),
        "Parameter-name patterns (substrings) to keep frozen"));
    o.push_back(nullable<int64_t>(
        "train.seed", [](Config& c) -> std::optional<int64_t>& { return c.train.seed; }, "int", ">= 0 | null",
        "an integer or null", [](int64_t v) { return v < 0 ? std::string("must be >= 0") : std::string(); },
        "Seed for the split, initialization and batch order (null = a random seed, not reproducible)"));
    o.push_back(integer(
        "train.threads", [](Config& c) -> int64_t& { return c.train.threads; }, 0, 1024,
        "Threads (0 = all cores); --threads overrides"));
    o.push_back(choice(
        "train.device", [](Config& c) -> std::string& { return c.train.device; }, {"auto", "cpu", "cuda"},
        "Device; auto = cuda when LibTorch has it, else cpu"));
    // checks
    o.push_back(list<std::string>(
        "checks.ignore", [](Config& c) -> std::vector<std::string>& { return c.checks.ignore; }, "string",
        std::string(), "Finding ids to silence (the summary lists them)"));
    return o;
  }();
  return all;
}

const Option* find_option(const std::string& key) {
  for (const Option& o : options()) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

// Edit distance, for "did you mean" on unknown keys.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

[[noreturn]] void unknown_key(const Origin& o, const std::string& key) {
  std::string best;
  std::size_t best_d = 4;
  for (const Option& opt : options()) {
    const std::size_t d = distance(key, opt.key);
    if (d < best_d) {
      best_d = d;
      best = opt.key;
    }
  }
  throw InputError(
      o.source, fmt::format("unknown key '{}'{}", key, best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best)),
      o.line, o.column);
}

bool is_section(const std::string& prefix) {
  for (const Option& o : options()) {
    if (o.key.rfind(prefix + ".", 0) == 0) return true;
  }
  return false;
}

Origin origin_of(const std::string& source, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return {source};
  return {source, static_cast<std::size_t>(m.line + 1), static_cast<std::size_t>(m.column + 1)};
}

// Walks a mapping; "a: {b: 1}" and "a.b: 1" both reach key "a.b".
void apply_map(Config& c, const YAML::Node& map, const std::string& prefix, const std::string& source) {
  for (const auto& kv : map) {
    const Origin o = origin_of(source, kv.first);
    std::string name;
    try {
      name = kv.first.as<std::string>();
    } catch (const YAML::Exception&) {
      throw InputError(o.source, "keys must be plain names", o.line, o.column);
    }
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (const Option* opt = find_option(key)) {
      opt->set(c, kv.second, origin_of(source, kv.second));
    } else if (is_section(key)) {
      if (!kv.second.IsMap()) {
        throw InputError(o.source, fmt::format("'{}' is a section: expected keys under it", key), o.line, o.column);
      }
      apply_map(c, kv.second, key, source);
    } else {
      unknown_key(o, key);
    }
  }
}

std::string folder_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

}  // namespace

std::vector<FeatureGroup> parse_feature_groups(const std::vector<std::string>& specs) {
  std::vector<FeatureGroup> groups;
  std::set<std::string> names, columns;
  const auto trimmed = [](const std::string& t) {
    const auto first = t.find_first_not_of(" \t"), last = t.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : t.substr(first, last - first + 1);
  };
  for (const std::string& spec : specs) {
    const auto eq = spec.find('=');
    FeatureGroup g;
    g.name = trimmed(spec.substr(0, eq == std::string::npos ? 0 : eq));
    if (eq == std::string::npos || g.name.empty()) {
      throw InputError(fmt::format("data.groups: '{}' is not NAME=COLUMN,COLUMN,...", spec));
    }
    std::stringstream list(spec.substr(eq + 1));
    for (std::string column; std::getline(list, column, ',');) {
      column = trimmed(column);
      if (column.empty()) continue;
      if (!columns.insert(column).second) {
        throw InputError(fmt::format("data.groups: column '{}' is in two groups (a column belongs to one)", column));
      }
      g.columns.push_back(column);
    }
    if (g.columns.empty()) throw InputError(fmt::format("data.groups: group '{}' names no column", g.name));
    if (!names.insert(g.name).second) throw InputError(fmt::format("data.groups: group '{}' twice", g.name));
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<OptionInfo> config_options() {
  std::vector<OptionInfo> out;
  const Config defaults;
  for (const Option& o : options()) {
    std::string value = yaml_text(o.get(defaults));
    if (value == "~") value = "null";
    out.push_back({o.key, o.type, value, o.allowed, o.description});
  }
  return out;
}

Config parse_config(const std::string& yaml_text_in, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text_in);
  } catch (const YAML::ParserException& e) {
    throw InputError(source, "invalid YAML: " + e.msg, static_cast<std::size_t>(e.mark.line + 1),
                     static_cast<std::size_t>(e.mark.column + 1));
  }
  Config c;
  if (root.IsNull()) return c;
  if (!root.IsMap()) throw InputError(source, "a config is a mapping of keys (data:, model:, train:, checks:)", 1);
  apply_map(c, root, "", source);
  return c;
}

Config load_config(const std::string& path) {
  Config c = parse_config(read_text_file(path, "cannot open the config file"), path);
  // Data paths in a config are relative to the config's folder.
  const std::string base = folder_of(path);
  for (std::string* p : {&c.data.train, &c.data.test, &c.data.val}) {
    if (!p->empty() && (*p)[0] != '/' && !base.empty()) *p = base + *p;
  }
  return c;
}

void apply_override(Config& config, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const Origin o{"--set " + assignment.substr(0, eq)};
  if (eq == std::string::npos || eq == 0) {
    throw InputError(fmt::format("--set '{}': expected KEY=VALUE, e.g. --set train.lr=0.01", assignment));
  }
  const std::string key = assignment.substr(0, eq);
  const Option* opt = find_option(key);
  if (!opt) unknown_key(o, key);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw InputError(o.source, "invalid value: " + e.msg);
  }
  opt->set(config, value, o);
}

std::string option_value_text(const Config& config, const std::string& key) {
  const Option* opt = find_option(key);
  if (!opt) unknown_key(Origin{key}, key);
  return yaml_text(opt->get(config));
}

std::string to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string section;
  for (const Option& o : options()) {
    const auto dot = o.key.find('.');
    const std::string top = o.key.substr(0, dot);
    if (top != section) {
      if (!section.empty()) out << YAML::EndMap;
      out << YAML::Key << top << YAML::Value << YAML::BeginMap;
      section = top;
    }
    // Nested sections (train.early_stopping.*) are written as dotted keys,
    // which parse_config reads back the same.
    out << YAML::Key << o.key.substr(dot + 1) << YAML::Value << YAML::Flow << o.get(config);
  }
  if (!section.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string config_reference_markdown() {
  std::string md =
      "# Configuration reference\n\n"
      "Generated from the option declarations in `src/config/options.cpp` by\n"
      "`nnrecipe config --reference`; a test keeps this file in step with them.\n\n"
      "A config is YAML; nested (`train: {lr: 0.01}`) and dotted (`train.lr: 0.01`)\n"
      "keys are the same. Every command that takes a config also takes\n"
      "`--set key=value` (the value is YAML: `--set model.hidden=[128,64]`).\n"
      "Unknown keys, wrong types and out-of-range values are errors naming the\n"
      "key (exit code 2).\n\n"
      "| key | type | default | allowed | description |\n|---|---|---|---|---|\n";
  for (const OptionInfo& o : config_options()) {
    std::string allowed = o.allowed;  // "a | b" would split the table's cells
    for (std::size_t at; (at = allowed.find(" | ")) != std::string::npos;) allowed.replace(at, 3, ", ");
    md += fmt::format("| `{}` | {} | `{}` | {} | {} |\n", o.key, o.type, o.default_text, allowed, o.description);
  }
  return md;
}

}  // namespace nnrecipe
