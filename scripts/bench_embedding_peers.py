#!/usr/bin/env python3
"""Times Evidently's embedding drift methods on the vectors vigil-bench wrote; prints JSON for it to compare.

Run through `swift run -c release vigil-bench embeddings --peer-python /path/to/venv/bin/python` from the
repository root. Needs Evidently 0.7 (pip install "evidently==0.7.*" "pandas<3").
"""
import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd

import evidently
from evidently.legacy.metrics.data_drift.embedding_drift_methods import DistanceDriftMethod, ModelDriftMethod, RatioDriftMethod

warnings.filterwarnings("ignore")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--vectors", type=int, required=True)
    parser.add_argument("--dimension", type=int, required=True)
    args = parser.parse_args()
    values = np.fromfile(args.data, dtype="<f8").reshape(2, args.vectors, args.dimension)
    reference, current = pd.DataFrame(values[0]), pd.DataFrame(values[1])
    methods = [
        ("Evidently ratio (default component test)", RatioDriftMethod()),
        ("Evidently distance (euclidean)", DistanceDriftMethod()),
        ("Evidently model (its default method)", ModelDriftMethod()),
    ]
    result = {"versions": {"evidently": evidently.__version__, "numpy": np.__version__}, "methods": []}
    for name, method in methods:
        start = time.perf_counter()
        score, drifted, _ = method(current.copy(), reference.copy())
        result["methods"].append({"name": name, "seconds": time.perf_counter() - start, "score": float(score), "drifted": bool(drifted)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
