#!/usr/bin/env python3
"""Writes the model-quality fixture that Vigil's label path is tested against.

Run by hand, never by CI, from a virtualenv with the peers installed:

    python3 -m venv /tmp/vigil-venv
    /tmp/vigil-venv/bin/pip install numpy scipy scikit-learn statsmodels
    /tmp/vigil-venv/bin/python scripts/generate_quality_fixtures.py

Three models' predictions and labels (a binary classifier with class scores, a three-class classifier, a
regressor), written as the events a client sends: predictions, then labels, some sent before their
prediction, some sent wrong and corrected later, some never sent. Every expected value is computed by
scikit-learn, statsmodels, scipy or plain numpy on the final labels, never by Vigil.
"""
import json
import math
import pathlib

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn import metrics
from statsmodels.stats.proportion import proportion_confint

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilCoreTests" / "Fixtures" / "quality-expected.json"
rng = np.random.default_rng(20261201)
BASE_MS = 1_764_583_200_000  # 2025-12-01T10:00:00Z: whole hours, in the past
Z = stats.norm.ppf(0.975)


def events(model, predictions, actual, wrong=None):
    """Predictions over one hour; labels 2 to 60 minutes later. 4 % are first sent wrong and corrected a
    minute later, 3 % are sent before their prediction, 6 % are never sent."""
    n = len(predictions)
    stamps = BASE_MS + np.sort(rng.integers(0, 3_600_000, n))
    delays = rng.integers(120_000, 3_600_000, n)
    fate = rng.random(n)
    prediction_events, label_events = [], []
    for i in range(n):
        prediction_events.append({"id": f"{model}-{i}", "timestamp": int(stamps[i]) / 1000, "version": "v1", "prediction": predictions[i]})
        if fate[i] < 0.06:
            continue
        final = {"prediction_id": f"{model}-{i}", "label": actual[i], "timestamp": int(stamps[i] + delays[i]) / 1000}
        if fate[i] < 0.10 and wrong is not None:
            label_events.append({"prediction_id": f"{model}-{i}", "label": wrong(actual[i]), "timestamp": int(stamps[i] + delays[i] - 60_000) / 1000})
            final["order"] = "correction"
        elif fate[i] < 0.13:
            final["order"] = "early"
        label_events.append(final)
    labelled = [i for i in range(n) if fate[i] >= 0.06]
    return prediction_events, label_events, labelled


def wilson(successes, trials):
    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return [float(low), float(high)]


def hanley_mcneil(auc, positives, negatives):
    q1 = auc / (2 - auc)
    q2 = 2 * auc * auc / (1 + auc)
    se = math.sqrt((auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)) / (positives * negatives))
    return [max(0.0, auc - Z * se), min(1.0, auc + Z * se)]


def classification_expected(actual, predicted, labels, positive=None, score_matrix=None, score_classes=None):
    expected = {"accuracy": metrics.accuracy_score(actual, predicted)}
    correct = sum(a == p for a, p in zip(actual, predicted))
    expected["accuracy_interval"] = wilson(correct, len(actual))
    for average in ["macro", "micro", "weighted"]:
        p, r, f, _ = metrics.precision_recall_fscore_support(actual, predicted, labels=labels, average=average, zero_division=0)
        expected[f"precision_{average}"], expected[f"recall_{average}"], expected[f"f1_{average}"] = p, r, f
    p, r, f, s = metrics.precision_recall_fscore_support(actual, predicted, labels=labels, zero_division=0)
    expected["per_class"] = {lab: {"precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])} for i, lab in enumerate(labels)}
    if positive is not None:
        negative = [lab for lab in labels if lab != positive][0]
        cm = metrics.confusion_matrix(actual, predicted, labels=[negative, positive])
        tn, fp, fn, tp = cm.ravel()
        expected.update({"tpr": tp / (tp + fn), "tnr": tn / (tn + fp), "fpr": fp / (fp + tn), "fnr": fn / (fn + tp)})
        expected["tpr_interval"] = wilson(tp, tp + fn)
    if score_matrix is not None:
        expected["log_loss"] = metrics.log_loss(actual, score_matrix, labels=score_classes)
        if positive is not None:
            column = score_classes.index(positive)
            truth = np.array([a == positive for a in actual])
            scores = score_matrix[:, column]
            auc = metrics.roc_auc_score(truth, scores)
            expected["roc_auc"] = auc
            expected["roc_auc_interval"] = hanley_mcneil(auc, int(truth.sum()), int((~truth).sum()))
            expected["pr_auc"] = metrics.average_precision_score(truth, scores)
            expected["brier"] = metrics.brier_score_loss(truth, scores)
            bins = np.minimum((scores * 10).astype(int), 9)
            expected["ece"] = sum((bins == b).sum() / len(scores) * abs(truth[bins == b].mean() - scores[bins == b].mean()) for b in range(10) if (bins == b).any())
        else:
            truth = np.array([score_classes.index(a) for a in actual])
            # One-vs-rest AUC per class and their unweighted mean: roc_auc_score(multi_class="ovr", average="macro").
            per_class = {c: metrics.roc_auc_score(truth == j, score_matrix[:, j]) for j, c in enumerate(score_classes)}
            expected["roc_auc_by_class"] = per_class
            expected["roc_auc_macro"] = float(np.mean(list(per_class.values())))
    return expected


def argmax_class(scores):
    # Vigil's rule: the highest score; ties go to the first class in name order.
    best = max(scores.values())
    return sorted(k for k, v in scores.items() if v == best)[0]


def binary_case():
    n = 800
    truth = rng.random(n) < 0.3
    fraud = np.clip(np.where(truth, rng.beta(4, 2, n), rng.beta(2, 4, n)), 0, 1).round(3)
    predictions = [{"fraud": float(p), "legit": float(round(1 - p, 3))} for p in fraud]
    actual = ["fraud" if t else "legit" for t in truth]
    prediction_events, label_events, labelled = events("binary", predictions, actual, wrong=lambda a: "legit" if a == "fraud" else "fraud")
    a = [actual[i] for i in labelled]
    p = [argmax_class(predictions[i]) for i in labelled]
    matrix = np.array([[predictions[i]["fraud"], predictions[i]["legit"]] for i in labelled])
    expected = classification_expected(a, p, ["fraud", "legit"], positive="fraud", score_matrix=matrix, score_classes=["fraud", "legit"])
    return {"predictions": prediction_events, "labels": label_events, "labelled": len(labelled), "expected": expected}


def multiclass_case():
    n = 600
    names = ["bird", "cat", "dog"]
    logits = rng.normal(0, 1, (n, 3)) + np.eye(3)[rng.integers(0, 3, n)] * 1.5
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(3, p=row) for row in probabilities])
    probabilities = probabilities.round(3)
    probabilities[:, 2] = np.clip(1 - probabilities[:, 0] - probabilities[:, 1], 0, 1).round(3)
    predictions = [{names[j]: float(row[j]) for j in range(3)} for row in probabilities]
    actual = [names[t] for t in truth]
    prediction_events, label_events, labelled = events("multiclass", predictions, actual, wrong=lambda a: names[(names.index(a) + 1) % 3])
    a = [actual[i] for i in labelled]
    p = [argmax_class(predictions[i]) for i in labelled]
    matrix = probabilities[labelled]
    expected = classification_expected(a, p, names, score_matrix=matrix, score_classes=names)
    return {"predictions": prediction_events, "labels": label_events, "labelled": len(labelled), "expected": expected}


def regression_case():
    n = 400
    y = rng.normal(50, 10, n).round(2)
    yhat = (y + rng.normal(0, 3, n)).round(2)
    # The largest error is sent wrong first: its correction takes the maximum away.
    worst = int(np.argmax(np.abs(yhat - y)))
    prediction_events, label_events, labelled = events("regression", [float(v) for v in yhat], [float(v) for v in y], wrong=lambda a: round(a + 1000, 2))
    if worst in labelled and not any(e["prediction_id"] == f"regression-{worst}" and e.get("order") == "correction" for e in label_events):
        final = next(e for e in label_events if e["prediction_id"] == f"regression-{worst}")
        label_events.insert(label_events.index(final), {"prediction_id": final["prediction_id"], "label": round(float(y[worst]) + 1000, 2), "timestamp": final["timestamp"] - 60})
        final["order"] = "correction"
    yl, pl = y[labelled], yhat[labelled]
    errors = pl - yl
    expected = {
        "mean_error": float(np.mean(errors)),
        "mae": metrics.mean_absolute_error(yl, pl),
        "rmse": math.sqrt(metrics.mean_squared_error(yl, pl)),
        "mape": metrics.mean_absolute_percentage_error(yl, pl),
        "r2": metrics.r2_score(yl, pl),
        "max_error": metrics.max_error(yl, pl),
        "mae_interval": [float(np.mean(np.abs(errors)) - Z * np.std(np.abs(errors), ddof=1) / math.sqrt(len(errors))),
                         float(np.mean(np.abs(errors)) + Z * np.std(np.abs(errors), ddof=1) / math.sqrt(len(errors)))],
    }
    return {"predictions": prediction_events, "labels": label_events, "labelled": len(labelled), "expected": expected}


def main():
    fixture = {
        "generator": f"scripts/generate_quality_fixtures.py (numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, statsmodels {statsmodels.__version__})",
        "window": {"from": BASE_MS, "to": BASE_MS + 3_600_000},
        "binary": binary_case(),
        "multiclass": multiclass_case(),
        "regression": regression_case(),
    }
    OUT.write_text(json.dumps(fixture, indent=1, default=float) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
