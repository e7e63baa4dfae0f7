#!/usr/bin/env python3
"""Writes the fixtures that vector (embedding) cells of delimited files are tested against.

Run by hand, never by CI, from the virtualenv of generate_stats_fixtures.py (pandas and numpy suffice):

    /tmp/vigil-venv/bin/python scripts/generate_vector_cell_fixtures.py

Tests/VigilCoreTests/Fixtures/vectors.csv is written by pandas' `to_csv` from a frame with a column of Python
lists (`[0.1, -2.0]`), a column of numpy arrays (`[ 0.125 -1.5  2. ]`, wrapped over lines inside the quotes)
and missing vectors; vectors.ndjson holds the same rows as JSON lines (Python's json, exact for every float,
where pandas' `to_json` keeps 15 digits).
vectors-expected.json has, per vector column, the count of vectors and their mean, computed by numpy from
the cells as Python reads them back (`ast.literal_eval` for the lists, numpy's own parser for the arrays),
never by Vigil.
"""
import ast
import json
import pathlib

import numpy as np
import pandas as pd

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilCoreTests" / "Fixtures"
rng = np.random.default_rng(20261123)
ROWS = 300


def main():
    # Lists: any floats, which Python's repr writes exactly. Arrays: eighths, which numpy writes exactly
    # (it rounds to 8 digits), 12 of them so that numpy wraps the text over lines.
    lists = [[float(x) for x in rng.normal(0, 1, 4)] for _ in range(ROWS)]
    arrays = [rng.integers(-40, 40, 12) / 8 for _ in range(ROWS)]
    for row in range(0, ROWS, 17):
        lists[row] = None
    for row in range(5, ROWS, 23):
        arrays[row] = None
    frame = pd.DataFrame({
        "amount": rng.normal(100, 15, ROWS).round(2),
        "query_embedding": lists,
        "image_embedding": arrays,
    })
    frame.to_csv(OUT / "vectors.csv", index=False)
    with open(OUT / "vectors.ndjson", "w") as ndjson:
        for amount, query, image in zip(frame["amount"], lists, arrays):
            row = {"amount": float(amount), "query_embedding": query, "image_embedding": None if image is None else image.tolist()}
            ndjson.write(json.dumps(row) + "\n")

    reread = pd.read_csv(OUT / "vectors.csv")
    read_lists = [np.array(ast.literal_eval(cell)) for cell in reread["query_embedding"].dropna()]
    read_arrays = [np.array(cell.strip("[]").split(), dtype=float) for cell in reread["image_embedding"].dropna()]
    expected = {
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "rows": len(reread),
        "columns": {
            "query_embedding": {"count": len(read_lists), "dimension": 4, "mean": np.mean(read_lists, axis=0).tolist()},
            "image_embedding": {"count": len(read_arrays), "dimension": 12, "mean": np.mean(read_arrays, axis=0).tolist()},
        },
    }
    (OUT / "vectors-expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
