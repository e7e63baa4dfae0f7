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

Without a labelled reference Evidently tests each model against a dummy model. For every case (and two more: a
classifier whose labels are inverted and a regressor that ignores its input, both worse than the dummy) the
fixture keeps the reference's feature columns alone (`<case>-unlabelled.csv`), Evidently's dummy figures
(`ClassificationDummyMetric`, which draws its guesses with numpy seed 0, and `RegressionDummyMetric`'s
`*_default` values), and the verdicts of Evidently's no-reference tests. Evidently 0.7.23 compares the
regressor's MAE, RMSE and MAPE with themselves and its dummy log loss is 0, so for those the expected verdict
is the model's figure against the dummy figure Evidently computed (`intended`), and Evidently's own outcome is
kept beside it (`evidentlyFailed`).
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


def evidently_dummy(current, task, target, prediction, probability=None):
    """Evidently's tests without a reference, and its dummy model's figures on the current rows."""
    import warnings

    warnings.filterwarnings("ignore")
    from evidently import BinaryClassification, DataDefinition, Dataset, MulticlassClassification, Regression, Report
    from evidently.legacy.metrics import ClassificationDummyMetric, RegressionDummyMetric
    from evidently.legacy.pipeline.column_mapping import ColumnMapping
    from evidently.legacy.report import Report as LegacyReport
    from evidently.presets import ClassificationPreset, RegressionPreset

    if task == "regression":
        definition = DataDefinition(regression=[Regression(target=target, prediction=prediction)], numerical_columns=[target, prediction])
        preset, legacy = RegressionPreset(), RegressionDummyMetric()
    elif task == "binary":
        kwargs = {"prediction_probas": probability} if probability else {"prediction_labels": prediction}
        definition = DataDefinition(classification=[BinaryClassification(target=target, pos_label=1, **kwargs)], categorical_columns=[target])
        preset, legacy = ClassificationPreset(), ClassificationDummyMetric()
    else:
        definition = DataDefinition(classification=[MulticlassClassification(target=target, prediction_labels=prediction)], categorical_columns=[target, prediction])
        preset, legacy = ClassificationPreset(), ClassificationDummyMetric()
    result = Report([preset], include_tests=True).run(Dataset.from_pandas(current, data_definition=definition), None).dict()
    names = {
        "Accuracy metric": "accuracy", "Precision metric": "precision", "Recall metric": "recall", "F1 score metric": "f1",
        "RocAuc metric": "roc_auc", "LogLoss metric": "log_loss", "TPR metric": "tpr", "TNR metric": "tnr", "FPR metric": "fpr",
        "FNR metric": "fnr", "Mean Absolute Error": "mae", "RMSE": "rmse", "Mean Absolute Percentage Error": "mape", "R2 Score": "r2",
    }
    tests = {names[test["name"].split(":")[0]]: test for test in result.get("tests", [])}
    report = LegacyReport(metrics=[legacy])
    report.run(reference_data=None, current_data=current, column_mapping=ColumnMapping(target=target, prediction=probability or prediction))
    figures = report.as_dict()["metrics"][0]["result"]
    if task == "regression":
        y, p = current[target], current[prediction]
        model = {"mae": metrics.mean_absolute_error(y, p), "rmse": float(np.sqrt(metrics.mean_squared_error(y, p))), "mape": metrics.mean_absolute_percentage_error(y, p)}
        dummy = {"mae": figures["mean_abs_error_default"], "rmse": figures["rmse_default"], "mape": figures["mean_abs_perc_error_default"] / 100}
        intended = {name: bool(model[name] < dummy[name]) for name in dummy}
        intended["r2"] = tests["r2"]["status"] == "SUCCESS"
    else:
        dummy = {name: float(value) for name, value in figures["dummy"].items() if value is not None and name not in ("roc_auc", "log_loss")}
        intended = {name: test["status"] == "SUCCESS" for name, test in tests.items() if name != "log_loss"}
        if probability:
            # Evidently's dummy log loss is 0 (its target and labels do not compare); the uniform scores' is log 2.
            intended["log_loss"] = bool(metrics.log_loss(current[target], current[probability]) < np.log(2))
    return {
        "tested": sorted(tests), "evidentlyFailed": sorted(name for name, test in tests.items() if test["status"] != "SUCCESS"),
        "dummy": dummy, "failed": sorted(name for name, ok in intended.items() if not ok),
        "classCounts": {str(k): int(v) for k, v in current[target].value_counts().items()} if task != "regression" else None,
    }


def inverted():
    frame = binary(0, 0.05)
    return frame.assign(pred=1 - frame["pred"])


def ignorant_regression():
    frame = regression(15000)
    return frame.assign(price_hat=(frame["price"].mean() + rng.normal(0, 150000, ROWS)).round(0))


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
    # Drawn after the cases above, so that their rows stay as they were.
    worse = {
        "inverted": (binary(0, 0.05), inverted(), "binary", "label", "pred", None),
        "ignorant": (regression(15000), ignorant_regression(), "regression", "price", "price_hat", None),
    }
    for name, (reference, current, task, target, prediction, probability) in {**pairs, **worse}.items():
        reference.to_csv(OUT / f"{name}-reference.csv", index=False)
        current.to_csv(OUT / f"{name}-current.csv", index=False)
        reference.drop(columns=[c for c in (target, prediction, probability, "pred", "proba") if c and c in reference]).to_csv(OUT / f"{name}-unlabelled.csv", index=False)
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
            "noReference": evidently_dummy(current, task, target, "pred" if probability else prediction, probability),
        }
    import evidently

    document = {"generator": f"scripts/generate_model_quality_fixtures.py with scikit-learn {sklearn.__version__}, evidently {evidently.__version__}", "cases": cases}
    (OUT / "expected.json").write_text(json.dumps(document, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
