#!/usr/bin/env python3
"""Peer for `vigil-bench quality`: the 7-day quality figures Vigil serves, computed by scikit-learn from the
raw rows (already in memory: reading the file is not timed). Prints JSON for the benchmark to read.

    /tmp/vigil-venv/bin/python scripts/bench_quality_peers.py week.csv
"""
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics


def figures(frame):
    truth = (frame["actual"] == "fraud").to_numpy()
    scores = frame["score"].to_numpy()
    legit = np.round(1000 - scores * 1000) / 1000
    predicted = np.where(scores >= legit, "fraud", "legit")
    actual = frame["actual"].to_numpy()
    accuracy = metrics.accuracy_score(actual, predicted)
    for average in ["macro", "micro", "weighted"]:
        metrics.precision_recall_fscore_support(actual, predicted, average=average, zero_division=0)
    metrics.precision_recall_fscore_support(actual, predicted, zero_division=0)
    metrics.confusion_matrix(actual, predicted)
    metrics.roc_auc_score(truth, scores)
    metrics.average_precision_score(truth, scores)
    metrics.log_loss(truth, np.clip(scores, 1e-15, 1 - 1e-15))
    metrics.brier_score_loss(truth, scores)
    return accuracy


def main():
    frame = pd.read_csv(sys.argv[1])
    times = []
    for _ in range(5):
        started = time.perf_counter()
        accuracy = figures(frame)
        times.append(time.perf_counter() - started)
    print(json.dumps({
        "seconds": statistics.median(times), "rows": len(frame), "accuracy": accuracy,
        "versions": {"scikit-learn": sklearn.__version__, "pandas": pd.__version__, "numpy": np.__version__},
    }))


if __name__ == "__main__":
    main()
