#!/usr/bin/env python3
"""Times the peers' column profiling on the sizes vigil-bench uses; prints JSON for vigil-bench to compare.

Run through `swift run -c release vigil-bench stats --peer-python /path/to/venv/bin/python`, from the
repository root. Needs numpy; whylogs is timed when installed (pip install whylogs).
"""
import argparse
import json
import time

import numpy as np


def best_of(repetitions, body):
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--categorical-rows", type=int, default=5_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    values = rng.normal(0, 1, args.rows)
    names = np.array([f"category-{i}" for i in range(1000)], dtype=object)
    categories = names[rng.integers(0, 1000, args.categorical_rows)]
    result = {"versions": {"numpy": np.__version__}}

    def numpy_profile():
        values.mean(), values.std(), values.min(), values.max()
        np.percentile(values, [10, 25, 50, 75, 90])

    result["numpyNumericValuesPerSecond"] = args.rows / best_of(3, numpy_profile)
    try:
        import pandas as pd
        import whylogs as why

        result["versions"]["whylogs"] = why.__version__
        numeric_frame = pd.DataFrame({"x": values})
        categorical_frame = pd.DataFrame({"c": categories})
        result["whylogsNumericValuesPerSecond"] = args.rows / best_of(3, lambda: why.log(numeric_frame))
        result["whylogsCategoricalValuesPerSecond"] = args.categorical_rows / best_of(3, lambda: why.log(categorical_frame))
    except ImportError:
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
