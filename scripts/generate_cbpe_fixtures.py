#!/usr/bin/env python3
"""Writes the CBPE fixtures that Vigil's label-free performance estimates are tested against.

Run by hand, never by CI, from a virtualenv with NannyML installed:

    python3 -m venv /tmp/nml-venv
    /tmp/nml-venv/bin/pip install 'nannyml==0.13.1' statsmodels
    /tmp/nml-venv/bin/python scripts/generate_cbpe_fixtures.py

The data are the first rows of the data sets NannyML's wheel ships (two binary classifiers and a three-class
one): a reference with scores, predictions and targets, and an analysis period cut in chunks of 2000 rows.
Every expected value (the calibration decision, each chunk's estimate and sampling error, the realized value)
is NannyML's own output on exactly the rows written beside it, never Vigil's.
"""
import json
import os
import pathlib

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")  # NannyML reports usage over the network unless told not to
import nannyml as nml  # noqa: E402
import numpy as np
import pandas as pd

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilStatsTests" / "Fixtures" / "cbpe"
ROWS = 10_000
CHUNK = 2_000
DATA = pathlib.Path(nml.__file__).parent / "datasets" / "data"
BINARY_METRICS = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy"]


def finite(value):
    value = float(value)
    return None if np.isnan(value) else value


def results(estimator, analysis, metrics):
    frame = estimator.estimate(analysis).to_df()
    chunks = []
    for _, row in frame.iterrows():
        chunk = {
            "period": row[("chunk", "period")],
            "start": int(row[("chunk", "start_index")]),
            "end": int(row[("chunk", "end_index")]) + 1,
        }
        for metric in metrics:
            chunk[metric] = {
                "estimated": finite(row[(metric, "value")]),
                "sampling_error": finite(row[(metric, "sampling_error")]),
                "realized": finite(row[(metric, "realized")]),
            }
        chunks.append(chunk)
    return chunks


def binary(name, reference_file, analysis_file, targets_file, target):
    reference = pd.read_csv(DATA / reference_file, nrows=ROWS)
    analysis = pd.read_csv(DATA / analysis_file, nrows=ROWS)
    targets = pd.read_csv(DATA / targets_file, nrows=ROWS)
    analysis = analysis.merge(targets, on="id")
    columns = ["y_pred_proba", "y_pred", target]
    reference = reference[columns].rename(columns={target: "y_true"})
    analysis = analysis[columns].rename(columns={target: "y_true"})
    for frame in (reference, analysis):
        frame["y_true"] = frame["y_true"].astype(int)
    estimator = nml.CBPE(
        y_pred_proba="y_pred_proba", y_pred="y_pred", y_true="y_true", problem_type="classification_binary",
        metrics=BINARY_METRICS, chunk_size=CHUNK,
    )
    estimator.fit(reference)
    reference.to_csv(OUT / f"{name}-reference.csv", index=False)
    analysis.to_csv(OUT / f"{name}-analysis.csv", index=False)
    return {
        "kind": "binary",
        "needs_calibration": bool(estimator.needs_calibration),
        "chunks": results(estimator, analysis, BINARY_METRICS),
    }


def multiclass(name):
    reference = pd.read_csv(DATA / "mc_reference.csv", nrows=ROWS)
    analysis = pd.read_csv(DATA / "mc_analysis.csv", nrows=ROWS).merge(pd.read_csv(DATA / "mc_analysis_gt.csv", nrows=ROWS), on="id")
    classes = ["highstreet_card", "prepaid_card", "upmarket_card"]
    probabilities = {c: f"y_pred_proba_{c}" for c in classes}
    columns = list(probabilities.values()) + ["y_pred", "y_true"]
    reference, analysis = reference[columns], analysis[columns]
    estimator = nml.CBPE(
        y_pred_proba=probabilities, y_pred="y_pred", y_true="y_true", problem_type="classification_multiclass",
        metrics=BINARY_METRICS, chunk_size=CHUNK,
    )
    estimator.fit(reference)
    reference.to_csv(OUT / f"{name}-reference.csv", index=False)
    analysis.to_csv(OUT / f"{name}-analysis.csv", index=False)
    calibrated = {c: type(estimator._calibrators[c]).__name__ != "NoopCalibrator" for c in classes}
    return {
        "kind": "multiclass",
        "classes": classes,
        "needs_calibration": calibrated,
        "chunks": results(estimator, analysis, BINARY_METRICS),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {
        "generator": f"scripts/generate_cbpe_fixtures.py with nannyml {nml.__version__}",
        "chunk_size": CHUNK,
        "datasets": {
            "car-loan": binary("car-loan", "synthetic_car_loan_reference.csv", "synthetic_car_loan_analysis.csv",
                               "synthetic_car_loan_analysis_target.csv", "repaid"),
            "work-from-home": binary("work-from-home", "synthetic_sample_reference.csv", "synthetic_sample_analysis.csv",
                                     "synthetic_sample_analysis_gt.csv", "work_home_actual"),
            "credit-card": multiclass("credit-card"),
        },
    }
    (OUT / "cbpe-expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
