"""Splits a test dataset (tests/datasets) and scores the scikit-learn peers on it.

  peers.py split DATA.csv TARGET TASK SEED OUT_DIR
      80/20 split (stratified for classification), the way the reference
      figures of tests/datasets/README.md were made; writes
      OUT_DIR/train.csv and OUT_DIR/test.csv for nnrecipe to read.
  peers.py score OUT_DIR TARGET TASK
      scikit-learn MLP and logistic / ridge regression with library defaults
      (median imputation, one-hot categoricals, standardized inputs) trained
      on train.csv, scored on test.csv. Prints `RESULT model=... metric=value ...`.

Positive class for AUC: the second label in sorted order, as nnrecipe does.
"""
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def split(data, target, task, seed, out_dir):
    df = pd.read_csv(data)
    df = df[df[target].notna()]
    strat = df[target] if task != "regression" else None
    train, test = train_test_split(df, test_size=0.2, random_state=int(seed), stratify=strat)
    train.to_csv(f"{out_dir}/train.csv", index=False)
    test.to_csv(f"{out_dir}/test.csv", index=False)


def preprocessor(x):
    categorical = [c for c in x.columns if x[c].dtype == object]
    numeric = [c for c in x.columns if c not in categorical]
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), categorical),
    ])


def score(out_dir, target, task):
    train = pd.read_csv(f"{out_dir}/train.csv")
    test = pd.read_csv(f"{out_dir}/test.csv")
    x_train, y_train = train.drop(columns=[target]), train[target]
    x_test, y_test = test.drop(columns=[target]), test[target]
    if task == "regression":
        models = {"sklearn_mlp": MLPRegressor(random_state=0), "sklearn_linear": Ridge()}
    else:
        models = {"sklearn_mlp": MLPClassifier(random_state=0), "sklearn_linear": LogisticRegression(max_iter=1000)}
    for name, model in models.items():
        pipe = make_pipeline(preprocessor(x_train), model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(x_train, y_train)
        if task == "regression":
            pred = pipe.predict(x_test)
            values = {"rmse": float(np.sqrt(mean_squared_error(y_test, pred))), "r2": float(r2_score(y_test, pred))}
        else:
            values = {"accuracy": float(accuracy_score(y_test, pipe.predict(x_test)))}
            if task == "binary":
                positive = sorted(y_train.unique())[1]
                proba = pipe.predict_proba(x_test)[:, list(pipe.classes_).index(positive)]
                values["auc"] = float(roc_auc_score(y_test == positive, proba))
        print(f"RESULT model={name} " + " ".join(f"{k}={v:.6f}" for k, v in values.items()))


if __name__ == "__main__":
    if sys.argv[1] == "split":
        split(*sys.argv[2:7])
    elif sys.argv[1] == "score":
        score(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
