#!/usr/bin/env python3
"""Writes the fixtures `vigil report --target --prediction` is tested against.

Run by hand, never by CI, from a virtualenv with the peers installed:

    python3 -m venv /tmp/evi-venv
    /tmp/evi-venv/bin/pip install "evidently==0.7.*" "pandas<3" scikit-learn
    /tmp/evi-venv/bin/python scripts/generate_model_quality_fixtures.py

Four models (a binary classifier's labels, a binary classifier's probability, a three-class classifier, a
regressor), each as a reference and a current CSV of 1000 rows; a fifth current file whose classifier got
worse. Every expected figure is scikit-learn's on the same rows, and every expected verdict is Evidently's
(`ClassificationPreset` / `RegressionPreset` with their default tests), never Vigil's.
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "vigilTests" / "Fixtures" / "model-quality"
ROWS = 1000
rng = np.random.default_rng(20261202)


def binary(shift, noise):
    x = rng.normal(shift, 1, ROWS)
    p = 1 / (1 + np.exp(-2 * x))
    y = (rng.uniform(size=ROWS) < p).astype(int)
    proba = np.clip(p + rng.normal(0, noise, ROWS), 0, 1).round(4)
    return pd.DataFrame({"x": x.round(4), "label": y, "proba": proba, "pred": (proba >= 0.5).astype(int)})


def multiclass(accuracy):
    classes = np.array(["setosa", "versicolor", "virginica"])
    actual = rng.choice(classes, ROWS, p=[0.5, 0.3, 0.2])
    wrong = rng.uniform(size=ROWS) > accuracy
    predicted = np.where(wrong, rng.choice(classes, ROWS), actual)
    return pd.DataFrame({"width": rng.normal(3, 1, ROWS).round(3), "species": actual, "predicted": predicted})


def regression(noise):
    size = rng.uniform(30, 200, ROWS)
    price = (size * 3000 + rng.normal(0, 20000, ROWS)).round(0)
    return pd.DataFrame({"size": size.round(1), "price": price, "price_hat": (price + rng.normal(1000, noise, ROWS)).round(0)})


def classification_expected(frame, target, prediction, probability=None):
    y, p = frame[target], frame[prediction]
    labels = sorted(y.unique())
    binary_task = len(labels) == 2
    average = "binary" if binary_task else "macro"
    expected = {
        "accuracy": metrics.accuracy_score(y, p),
        "precision": metrics.precision_score(y, p, average=average, zero_division=0),
        "recall": metrics.recall_score(y, p, average=average, zero_division=0),
        "f1": metrics.f1_score(y, p, average=average, zero_division=0),
        "confusion": metrics.confusion_matrix(y, p, labels=labels).tolist(),
        "classes": [str(label) for label in labels],
    }
    if probability is not None:
        expected["roc_auc"] = metrics.roc_auc_score(y, frame[probability])
        expected["log_loss"] = metrics.log_loss(y, frame[probability])
        expected["brier"] = metrics.brier_score_loss(y, frame[probability])
    return expected


def regression_expected(frame):
    y, p = frame["price"], frame["price_hat"]
    return {
        "mean_error": float(np.mean(p - y)),
        "mae": metrics.mean_absolute_error(y, p),
        "rmse": float(np.sqrt(metrics.mean_squared_error(y, p))),
        "mape": metrics.mean_absolute_percentage_error(y, p),
        "r2": metrics.r2_score(y, p),
        "max_error": metrics.max_error(y, p),
    }


def evidently_verdict(reference, current, task, target, prediction, probability=None):
    """Whether Evidently's preset tests all pass on this pair, and which of its tests fail."""
    try:
        from evidently import BinaryClassification, DataDefinition, Dataset, MulticlassClassification, Regression, Report
        from evidently.presets import ClassificationPreset, RegressionPreset
    except ImportError:
        return None
    if task == "regression":
        definition = DataDefinition(regression=[Regression(target=target, prediction=prediction)], numerical_columns=[target, prediction])
        preset = RegressionPreset()
    elif task == "binary":
        kwargs = {"prediction_probas": probability} if probability else {"prediction_labels": prediction}
        definition = DataDefinition(classification=[BinaryClassification(target=target, pos_label=1, **kwargs)], categorical_columns=[target])
        preset = ClassificationPreset()
    else:
        definition = DataDefinition(classification=[MulticlassClassification(target=target, prediction_labels=prediction)], categorical_columns=[target, prediction])
        preset = ClassificationPreset()
    result = Report([preset], include_tests=True).run(
        Dataset.from_pandas(current, data_definition=definition), Dataset.from_pandas(reference, data_definition=definition)
    ).dict()
    tests = result.get("tests", [])
    names = {
        "Accuracy metric": "accuracy", "Precision metric": "precision", "Recall metric": "recall", "F1 score metric": "f1",
        "RocAuc metric": "roc_auc", "LogLoss metric": "log_loss", "Log Loss metric": "log_loss", "TPR metric": "tpr", "TNR metric": "tnr", "FPR metric": "fpr",
        "FNR metric": "fnr", "Mean Error": "mean_error", "Mean Absolute Error": "mae", "RMSE": "rmse",
        "Mean Absolute Percentage Error": "mape", "R2 Score": "r2", "Absolute Max Error": "max_error",
    }
    tested = sorted(names[test["name"].split(":")[0]] for test in tests)
    failed = sorted(names[test["name"].split(":")[0]] for test in tests if test["status"] != "SUCCESS")
    return {"passed": not failed, "tested": tested, "failed": failed}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = {}
    pairs = {
        "binary": (binary(0, 0.05), binary(0.1, 0.05), "binary", "label", "pred", None),
        "probability": (binary(0, 0.05), binary(0.1, 0.05), "binary", "label", "proba", "proba"),
        "multiclass": (multiclass(0.85), multiclass(0.83), "multiclass", "species", "predicted", None),
        "regression": (regression(15000), regression(15500), "regression", "price", "price_hat", None),
        "degraded": (binary(0, 0.05), binary(0, 0.45), "binary", "label", "pred", None),
    }
    for name, (reference, current, task, target, prediction, probability) in pairs.items():
        reference.to_csv(OUT / f"{name}-reference.csv", index=False)
        current.to_csv(OUT / f"{name}-current.csv", index=False)
        if task == "regression":
            expected = {"reference": regression_expected(reference), "current": regression_expected(current)}
        else:
            column = probability or prediction
            if probability:
                # The class predicted from a probability: positive from 0.5 up.
                reference = reference.assign(pred=(reference[probability] >= 0.5).astype(int))
                current = current.assign(pred=(current[probability] >= 0.5).astype(int))
            expected = {
                "reference": classification_expected(reference, target, "pred" if probability else column, probability),
                "current": classification_expected(current, target, "pred" if probability else column, probability),
            }
        cases[name] = {
            "task": task, "target": target, "prediction": prediction, **expected,
            "evidently": evidently_verdict(reference, current, task, target, "pred" if probability else prediction, probability),
        }
    import evidently

    document = {"generator": f"scripts/generate_model_quality_fixtures.py with scikit-learn {sklearn.__version__}, evidently {evidently.__version__}", "cases": cases}
    (OUT / "expected.json").write_text(json.dumps(document, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
