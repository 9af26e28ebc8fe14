// xgboost through its C API. Every call goes through XGB_CHECK, which turns
// a failure into std::runtime_error carrying XGBGetLastError() (as xgboost's
// own C++ wrappers do); handles are owned by unique_ptrs so that nothing
// leaks when an exception unwinds.
#include <xgboost/c_api.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "nnrecipe/baselines.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/interrupt.h"
#include "nnrecipe/parallel.h"

namespace nnrecipe {
namespace {

void check(int rc, const char* call) {
  if (rc != 0) throw std::runtime_error(std::string("xgboost: ") + call + ": " + XGBGetLastError());
}
#define XGB_CHECK(call) check((call), #call)

struct DMatrixFree {
  void operator()(void* m) const { XGDMatrixFree(m); }
};
using DMatrix = std::unique_ptr<void, DMatrixFree>;

// xgboost's global configuration is thread-local: set it on the calling
// thread before each use, so that nothing reaches the console.
void silence() { XGB_CHECK(XGBSetGlobalConfig("{\"verbosity\": 0}")); }

int resolve_threads(int threads) { return threads > 0 ? threads : static_cast<int>(num_threads()); }

std::size_t width(const EncodedData& d) { return d.dense_cols + d.id_cols; }

// Dense columns, then the embedding ids as numbers (exact in float up to
// 2^24 categories). Rows are NaN-free: the transform imputes.
DMatrix make_dmatrix(const EncodedData& d, int threads) {
  const std::size_t cols = width(d);
  if (d.dense.size() != d.rows * d.dense_cols || d.ids.size() != d.rows * d.id_cols) {
    throw std::invalid_argument("xgboost: EncodedData sizes do not match rows x columns");
  }
  std::vector<float> joined;
  const float* data = d.dense.data();
  if (d.id_cols > 0) {
    joined.resize(d.rows * cols);
    for (std::size_t i = 0; i < d.rows; ++i) {
      float* row = joined.data() + i * cols;
      for (std::size_t j = 0; j < d.dense_cols; ++j) row[j] = d.dense[i * d.dense_cols + j];
      for (std::size_t j = 0; j < d.id_cols; ++j) row[d.dense_cols + j] = static_cast<float>(d.ids[i * d.id_cols + j]);
    }
    data = joined.data();
  }
  DMatrixHandle h = nullptr;
  XGB_CHECK(XGDMatrixCreateFromMat_omp(data, d.rows, cols, std::numeric_limits<float>::quiet_NaN(), &h, threads));
  return DMatrix(h);  // xgboost copied the data
}

void set_labels(void* m, const EncodedData& d, Task task) {
  std::vector<float> y(d.rows);
  if (task == Task::Regression) {
    if (d.target.size() != d.rows) throw std::invalid_argument("xgboost: split without regression target");
    y.assign(d.target.begin(), d.target.end());
  } else {
    if (d.labels.size() != d.rows) throw std::invalid_argument("xgboost: split without class labels");
    for (std::size_t i = 0; i < d.rows; ++i) y[i] = static_cast<float>(d.labels[i]);
  }
  XGB_CHECK(XGDMatrixSetFloatInfo(m, "label", y.data(), y.size()));
}

// "[12]\tval-logloss:0.52418..." -> 0.52418... (xgboost prints 17 digits).
double parse_eval(const char* text) {
  const std::string s(text);
  const std::size_t colon = s.rfind(':');
  double v = std::numeric_limits<double>::quiet_NaN();
  if (colon == std::string::npos || std::from_chars(s.data() + colon + 1, s.data() + s.size(), v).ec != std::errc()) {
    throw std::runtime_error("xgboost: unexpected evaluation output '" + s + "'");
  }
  return v;
}

void set_attr(void* booster, const char* key, const std::string& value) {
  XGB_CHECK(XGBoosterSetAttr(booster, key, value.c_str()));
}

std::string get_attr(void* booster, const char* key, const std::string& path) {
  const char* out = nullptr;
  int found = 0;
  XGB_CHECK(XGBoosterGetAttr(booster, key, &out, &found));
  if (!found) throw InputError(path, std::string("not an nnrecipe xgboost model (no attribute '") + key + "')");
  return out;
}

}  // namespace

void XgboostBaseline::BoosterFree::operator()(void* booster) const { XGBoosterFree(booster); }

XgboostBaseline::XgboostBaseline() = default;
XgboostBaseline::XgboostBaseline(XgboostBaseline&&) noexcept = default;
XgboostBaseline& XgboostBaseline::operator=(XgboostBaseline&&) noexcept = default;
XgboostBaseline::~XgboostBaseline() = default;

XgboostBaseline XgboostBaseline::fit(const EncodedData& train, const EncodedData& val, const FittedTransform& ft,
                                     const XgboostOptions& options) {
  if (!ft.target()) throw std::invalid_argument("xgboost: the transform has no target");
  if (train.rows == 0) throw std::invalid_argument("xgboost: empty training split");
  if (width(train) == 0) throw std::invalid_argument("xgboost: no feature columns");
  if (val.rows > 0 && width(val) != width(train)) {
    throw std::invalid_argument("xgboost: validation width differs from training");
  }
  if (options.max_rounds <= 0) throw std::invalid_argument("xgboost: max_rounds must be positive");
  silence();
  XgboostBaseline b;
  b.task_ = ft.target()->task;
  b.classes_ = b.task_ == Task::Regression ? 0 : ft.target()->classes.size();
  b.features_ = width(train);
  b.transform_ = ft;
  const int threads = resolve_threads(options.threads);

  DMatrix dtrain = make_dmatrix(train, threads);
  set_labels(dtrain.get(), train, b.task_);
  const bool early = val.rows > 0 && options.early_stopping_rounds > 0;
  DMatrix dval;
  if (val.rows > 0) {
    dval = make_dmatrix(val, threads);
    set_labels(dval.get(), val, b.task_);
  }

  // Both matrices go into the booster's prediction cache: each round's
  // evaluation then only adds the new trees' outputs.
  DMatrixHandle cache[2] = {dtrain.get(), dval.get()};
  BoosterHandle h = nullptr;
  XGB_CHECK(XGBoosterCreate(cache, dval ? 2 : 1, &h));
  b.booster_.reset(h);
  const auto set = [&](const char* name, const std::string& value) {
    XGB_CHECK(XGBoosterSetParam(h, name, value.c_str()));
  };
  set("verbosity", "0");
  set("nthread", std::to_string(threads));
  // xgboost's seed is a signed 64-bit parameter: pass the same bits.
  set("seed", std::to_string(static_cast<int64_t>(options.seed)));
  switch (b.task_) {
    case Task::Binary:
      set("objective", "binary:logistic");
      b.eval_metric_ = "logloss";
      break;
    case Task::Multiclass:
      set("objective", "multi:softprob");
      set("num_class", std::to_string(b.classes_));
      b.eval_metric_ = "mlogloss";
      break;
    case Task::Regression:
      set("objective", "reg:squarederror");
      b.eval_metric_ = "rmse";
      break;
  }
  set("eval_metric", b.eval_metric_);
  set("tree_method", options.tree_method);

  // Early stopping as xgboost's own callback does it: keep the first round
  // with the lowest validation metric; stop after `early_stopping_rounds`
  // rounds without a strict improvement. The model keeps the extra rounds;
  // predict() cuts at the best one.
  double best = std::numeric_limits<double>::infinity();
  int best_iter = 0, iter = 0;
  for (; iter < options.max_rounds; ++iter) {
    // An interrupt keeps the rounds so far (at least one: a model).
    if (iter > 0 && interrupt_requested()) break;
    XGB_CHECK(XGBoosterUpdateOneIter(h, iter, dtrain.get()));
    if (!dval) continue;
    DMatrixHandle eval_sets[1] = {dval.get()};
    const char* names[1] = {"val"};
    const char* result = nullptr;
    XGB_CHECK(XGBoosterEvalOneIter(h, iter, eval_sets, names, 1, &result));
    const double score = parse_eval(result);
    b.val_scores_.push_back(score);
    if (score < best) {
      best = score;
      best_iter = iter;
    } else if (early && iter - best_iter >= options.early_stopping_rounds) {
      ++iter;
      break;
    }
  }
  b.rounds_ = iter;
  b.best_iteration_ = early ? best_iter : iter - 1;

  set_attr(h, "best_iteration", std::to_string(b.best_iteration_));
  set_attr(h, "nnrecipe_task", to_string(b.task_));
  set_attr(h, "nnrecipe_classes", std::to_string(b.classes_));
  set_attr(h, "nnrecipe_features", std::to_string(b.features_));
  set_attr(h, "nnrecipe_eval_metric", b.eval_metric_);
  return b;
}

Predictions XgboostBaseline::predict(const EncodedData& data) const {
  if (data.rows > 0 && width(data) != features_) {
    throw std::invalid_argument("xgboost: the data has " + std::to_string(width(data)) +
                                " feature columns, the model was trained on " + std::to_string(features_));
  }
  Predictions p;
  p.task = task_;
  p.rows = data.rows;
  p.classes = classes_;
  if (data.rows == 0) return p;
  silence();
  DMatrix m = make_dmatrix(data, static_cast<int>(num_threads()));
  const std::string config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": " +
                             std::to_string(best_iteration_ + 1) + ", \"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  XGB_CHECK(XGBoosterPredictFromDMatrix(booster_.get(), m.get(), config.c_str(), &shape, &dim, &out));
  bst_ulong total = 1;
  for (bst_ulong d = 0; d < dim; ++d) total *= shape[d];
  const std::size_t per_row = task_ == Task::Multiclass ? classes_ : 1;
  if (total != data.rows * per_row) throw std::runtime_error("xgboost: unexpected prediction shape");
  if (task_ == Task::Regression) {
    p.values.resize(data.rows);
    for (std::size_t i = 0; i < data.rows; ++i) p.values[i] = transform_.inverse_target(out[i]);
  } else if (task_ == Task::Binary) {
    p.probs.resize(data.rows * 2);
    for (std::size_t i = 0; i < data.rows; ++i) {
      p.probs[2 * i] = 1.0 - static_cast<double>(out[i]);
      p.probs[2 * i + 1] = out[i];
    }
  } else {
    p.probs.assign(out, out + total);
  }
  return p;
}

void XgboostBaseline::save(const std::string& path) const {
  silence();
  bst_ulong len = 0;
  const char* buf = nullptr;
  XGB_CHECK(XGBoosterSaveModelToBuffer(booster_.get(), "{\"format\": \"json\"}", &len, &buf));
  write_file_atomic(path, std::string(buf, len));
}

XgboostBaseline XgboostBaseline::load(const std::string& path, const FittedTransform& ft, int threads) {
  if (!ft.target()) throw std::invalid_argument("xgboost: the transform has no target");
  const std::string text = read_text_file(path, "cannot open the xgboost model");
  silence();
  XgboostBaseline b;
  BoosterHandle h = nullptr;
  XGB_CHECK(XGBoosterCreate(nullptr, 0, &h));
  b.booster_.reset(h);
  XGB_CHECK(XGBoosterLoadModelFromBuffer(h, text.data(), text.size()));
  XGB_CHECK(XGBoosterSetParam(h, "verbosity", "0"));
  XGB_CHECK(XGBoosterSetParam(h, "nthread", std::to_string(resolve_threads(threads)).c_str()));

  const auto task = parse_task(get_attr(h, "nnrecipe_task", path));
  if (!task) throw InputError(path, "unknown task in the xgboost model");
  b.task_ = *task;
  b.transform_ = ft;
  b.eval_metric_ = get_attr(h, "nnrecipe_eval_metric", path);
  try {
    b.classes_ = std::stoul(get_attr(h, "nnrecipe_classes", path));
    b.features_ = std::stoul(get_attr(h, "nnrecipe_features", path));
    b.best_iteration_ = std::stoi(get_attr(h, "best_iteration", path));
  } catch (const std::logic_error&) {  // stoi / stoul: not a number
    throw InputError(path, "malformed attribute in the xgboost model");
  }
  int rounds = 0;
  XGB_CHECK(XGBoosterBoostedRounds(h, &rounds));
  b.rounds_ = rounds;
  if (b.best_iteration_ < 0 || b.best_iteration_ >= rounds) {
    throw InputError(path, "best_iteration outside the model's rounds");
  }
  const std::size_t ft_classes = ft.target()->task == Task::Regression ? 0 : ft.target()->classes.size();
  const std::size_t ft_features = ft.dense_width() + ft.embedding_cardinalities().size();
  if (b.task_ != ft.target()->task || b.classes_ != ft_classes || b.features_ != ft_features) {
    throw InputError(path, std::string("the xgboost model (") + to_string(b.task_) + ", " + std::to_string(b.classes_) +
                               " classes, " + std::to_string(b.features_) +
                               " features) does not match the transform (" + to_string(ft.target()->task) + ", " +
                               std::to_string(ft_classes) + " classes, " + std::to_string(ft_features) + " features)");
  }
  return b;
}

}  // namespace nnrecipe
