"""The peers of `nnrecipe run` on a table of the calibration corpus
(bench/recipe/corpus.sh).

  corpus_peers.py split DATA.csv TARGET TASK OUT_DIR
      80/20 split, stratified for classification, seed 0 (bench/quality's).
  corpus_peers.py defaults OUT_DIR TARGET TASK METRIC
      library defaults, as a practitioner's first try: xgboost, logistic /
      ridge regression and scikit-learn's MLP (median imputation, one-hot
      categoricals, standardized inputs), trained on train.csv, scored on
      test.csv.
  corpus_peers.py tuned OUT_DIR TARGET TASK METRIC SECONDS
      the peer a practitioner would pick instead: xgboost tuned by Optuna's
      TPE (seed 0) within SECONDS of wall clock on a stratified 80/20 split
      of train.csv (early stopping on its validation part), then refit on
      all training rows with the best parameters (rounds scaled by 1/0.8
      for the 25% more rows), scored on test.csv.

Prints `RESULT model=NAME METRIC=VALUE trials=N`. METRIC is auc (binary;
positive class: the second label in sorted order, as nnrecipe),
accuracy or balanced_accuracy (multiclass), rmse (regression).
"""
import os
import sys
import time
import warnings

import numpy as np
import optuna
import pandas as pd
import xgboost as xgb
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, balanced_accuracy_score, mean_squared_error, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "quality"))
import peers  # noqa: E402  (split and the preprocessing of bench/quality)

THREADS = int(os.environ.get("BENCH_THREADS", "2"))


def load(out_dir, target, task):
    train = pd.read_csv(f"{out_dir}/train.csv", low_memory=False)
    test = pd.read_csv(f"{out_dir}/test.csv", low_memory=False)
    x_train, x_test = train.drop(columns=[target]), test.drop(columns=[target])
    for x in (x_train, x_test):  # booleans and mixed columns as text, as nnrecipe reads them
        for c in x.columns:
            if x[c].dtype == bool:
                x[c] = x[c].astype(str)
    y_train, y_test = train[target], test[target]
    classes = None
    if task != "regression":
        classes = sorted(y_train.unique(), key=lambda v: (isinstance(v, str), v))
        index = {c: i for i, c in enumerate(classes)}
        y_train = y_train.map(index).to_numpy()
        y_test = y_test.map(lambda v: index.get(v, -1)).to_numpy()
    return x_train, y_train, x_test, y_test, classes


def score(metric, y, predicted):
    """predicted: probabilities [n, K] (classification) or values."""
    if metric == "rmse":
        return float(np.sqrt(mean_squared_error(y, predicted)))
    if metric == "auc":
        return float(roc_auc_score(y == 1, predicted[:, 1]))
    labels = predicted.argmax(1)
    return float(accuracy_score(y, labels) if metric == "accuracy" else balanced_accuracy_score(y, labels))


def probabilities(model, x, k):
    """predict_proba with a column for every class (a class missing from a
    fit gets probability 0)."""
    p = model.predict_proba(x)
    present = list(getattr(model, "classes_", range(p.shape[1])))
    out = np.zeros((x.shape[0], k))
    for j, c in enumerate(present):
        out[:, int(c)] = p[:, j]
    return out


def xgb_model(task, k, **params):
    common = dict(n_jobs=THREADS, random_state=0, tree_method="hist", **params)
    if task == "regression":
        return xgb.XGBRegressor(**common)
    if task == "binary":
        return xgb.XGBClassifier(objective="binary:logistic", **common)
    return xgb.XGBClassifier(objective="multi:softprob", num_class=k, **common)


def predict(model, task, x, k):
    return model.predict(x) if task == "regression" else probabilities(model, x, k)


def defaults(out_dir, target, task, metric):
    x_train, y_train, x_test, y_test, classes = load(out_dir, target, task)
    k = len(classes) if classes else 0
    if task == "regression":
        models = {"xgboost": xgb_model(task, k), "sklearn_linear": Ridge(), "sklearn_mlp": MLPRegressor(random_state=0)}
    else:
        models = {"xgboost": xgb_model(task, k), "sklearn_linear": LogisticRegression(max_iter=1000),
                  "sklearn_mlp": MLPClassifier(random_state=0)}
    for name, model in models.items():
        pipe = make_pipeline(peers.preprocessor(x_train), model)
        start = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(x_train, y_train)
        value = score(metric, y_test, predict(pipe, task, x_test, k))
        print(f"RESULT model={name} {metric}={value:.6f} seconds={time.monotonic() - start:.1f}", flush=True)


def tuned(out_dir, target, task, metric, seconds):
    start = time.monotonic()
    x_train, y_train, x_test, y_test, classes = load(out_dir, target, task)
    k = len(classes) if classes else 0
    pre = peers.preprocessor(x_train)
    strat = y_train if task != "regression" and np.bincount(y_train).min() >= 2 else None
    x_fit, x_val, y_fit, y_val = train_test_split(x_train, y_train, test_size=0.2, random_state=0, stratify=strat)
    fit_pre = peers.preprocessor(x_fit).fit(x_fit)
    x_fit_t, x_val_t = fit_pre.transform(x_fit), fit_pre.transform(x_val)
    higher = metric != "rmse"

    def objective(trial):
        params = dict(
            learning_rate=trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
            max_depth=trial.suggest_int("max_depth", 2, 10),
            min_child_weight=trial.suggest_float("min_child_weight", 1, 20, log=True),
            subsample=trial.suggest_float("subsample", 0.5, 1.0),
            colsample_bytree=trial.suggest_float("colsample_bytree", 0.5, 1.0),
            reg_lambda=trial.suggest_float("reg_lambda", 1e-3, 10, log=True),
            reg_alpha=trial.suggest_float("reg_alpha", 1e-3, 10, log=True),
        )
        model = xgb_model(task, k, n_estimators=1000, early_stopping_rounds=50, **params)
        model.fit(x_fit_t, y_fit, eval_set=[(x_val_t, y_val)], verbose=False)
        trial.set_user_attr("rounds", int(model.best_iteration) + 1)
        return score(metric, y_val, predict(model, task, x_val_t, k))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize" if higher else "minimize",
                                sampler=optuna.samplers.TPESampler(seed=0))
    # The refit on all rows comes out of the same budget: stop the search
    # with a tenth of it left.
    remaining = seconds - (time.monotonic() - start)
    study.optimize(objective, timeout=max(1.0, 0.9 * remaining), n_trials=1000)
    best = study.best_trial
    rounds = max(1, round(best.user_attrs["rounds"] / 0.8))
    model = make_pipeline(pre, xgb_model(task, k, n_estimators=rounds, **best.params))
    model.fit(x_train, y_train)
    value = score(metric, y_test, predict(model, task, x_test, k))
    print(f"RESULT model=xgboost_optuna {metric}={value:.6f} trials={len(study.trials)} "
          f"seconds={time.monotonic() - start:.1f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "split":
        peers.split(sys.argv[2], sys.argv[3], sys.argv[4], 0, sys.argv[5])
    elif sys.argv[1] == "defaults":
        defaults(*sys.argv[2:6])
    elif sys.argv[1] == "tuned":
        tuned(*sys.argv[2:6], float(sys.argv[6]))
    else:
        sys.exit(__doc__)
