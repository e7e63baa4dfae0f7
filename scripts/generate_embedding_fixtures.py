#!/usr/bin/env python3
"""Writes the reference values that Vigil's embedding drift is tested against.

Run by hand, never by CI, from the virtualenv of generate_stats_fixtures.py:

    /tmp/vigil-venv/bin/python scripts/generate_embedding_fixtures.py

Expected values come from Evidently's embedding drift methods (`distance`, `distance(dist="cosine")`,
`ratio`), scipy and numpy, never from Vigil. `ratio` is given the vectors' projections on Vigil's random
directions, which are rebuilt here from their definition (EmbeddingSketch.swift): coordinate i of
direction j is -1/sqrt(d) when bit j of the i-th SplitMix64 output (seed 0x564947494C454D42 ^ d) is set,
+1/sqrt(d) otherwise.
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
from scipy import stats

import evidently
from evidently.legacy.metrics.data_drift.embedding_drift_methods import DistanceDriftMethod, RatioDriftMethod
from evidently.legacy.calculations.stattests.wasserstein_distance_norm import _wasserstein_distance_norm
from evidently.legacy.core import ColumnType

warnings.filterwarnings("ignore")
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilStatsTests" / "Fixtures" / "embedding-drift.json"
MASK = (1 << 64) - 1
COMPONENTS = 16
rng = np.random.default_rng(20261123)


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def directions(d):
    generator = splitmix64(0x564947494C454D42 ^ d)
    magnitude = 1 / np.sqrt(d)
    weights = np.empty((d, COMPONENTS))
    for i in range(d):
        signs = next(generator)
        for j in range(COMPONENTS):
            weights[i, j] = -magnitude if (signs >> j) & 1 else magnitude
    return weights


def mean_cosine(vectors, direction):
    norms = np.linalg.norm(vectors, axis=1)
    keep = norms > 0
    return float(np.mean(vectors[keep] @ direction / (norms[keep] * np.linalg.norm(direction))))


def case(name, reference, current):
    # Rounded first, so the committed inputs are exactly what the references saw.
    reference, current = np.round(reference, 5), np.round(current, 5)
    d = reference.shape[1]
    projected_reference = pd.DataFrame(reference @ directions(d))
    projected_current = pd.DataFrame(current @ directions(d))
    components = [
        _wasserstein_distance_norm(projected_reference[j], projected_current[j], ColumnType.Numerical, 0.1)[0]
        for j in range(COMPONENTS)
    ]
    ratio, ratio_drifted, _ = RatioDriftMethod()(projected_current.copy(), projected_reference.copy())
    euclidean, _, _ = DistanceDriftMethod()(pd.DataFrame(current), pd.DataFrame(reference))
    cosine, _, _ = DistanceDriftMethod(dist="cosine")(pd.DataFrame(current), pd.DataFrame(reference))
    reference_norms = np.linalg.norm(reference, axis=1)
    current_norms = np.linalg.norm(current, axis=1)
    centroid = reference.mean(axis=0)
    return {
        "name": name,
        "reference": reference.tolist(),
        "current": current.tolist(),
        "componentScores": [float(c) for c in components],
        "ratio": float(ratio),
        "ratioDrifted": bool(ratio_drifted),
        "euclidean": float(euclidean),
        "cosine": float(cosine),
        "currentSimilarity": mean_cosine(current, centroid),
        "referenceSimilarity": mean_cosine(reference, centroid),
        "normWasserstein": float(stats.wasserstein_distance(reference_norms, current_norms) / max(np.std(reference_norms), 0.001)),
    }


def main():
    cases = []
    # Small enough (≤ 128 vectors a side) for the quantile sketches to hold every projection exactly.
    base = rng.normal(0, 1, 24)
    cases.append(case("same distribution, 100 vectors a side (normed Wasserstein is noisy at this size)", base + rng.normal(0, 1, (120, 24)), base + rng.normal(0, 1, (100, 24))))
    shift = np.zeros(24)
    shift[:6] = 0.8
    cases.append(case("shifted on 6 of 24 axes", base + rng.normal(0, 1, (120, 24)), base + shift + rng.normal(0, 1, (110, 24))))
    # Unit-normalized text-like embeddings whose topic mix changes, with a zero vector on each side.
    topics = {d: rng.normal(0, 1, (3, d)) for d in (64, 16)}

    def embeddings(count, weights, d=64):
        picks = rng.choice(3, size=count, p=weights)
        vectors = topics[d][picks] + rng.normal(0, 0.6, (count, d))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors[0] = 0
        return vectors

    cases.append(case("topic mix change, d=64, unit vectors", embeddings(125, [0.6, 0.3, 0.1]), embeddings(128, [0.2, 0.3, 0.5])))
    # Large: the sketches compact, and the scores must stay within their stated error bound.
    cases.append(case("large topic mix change, d=16", embeddings(1500, [0.6, 0.3, 0.1], 16), embeddings(1200, [0.45, 0.3, 0.25], 16)))
    cases.append(case("large same distribution, d=12", rng.normal(2, 1, (3000, 12)), rng.normal(2, 1, (2500, 12))))
    fixtures = {"generator": f"evidently {evidently.__version__}, numpy {np.__version__}", "cases": cases}
    OUT.write_text(json.dumps(fixtures, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    for c in cases:
        print(f"{c['name']}: ratio {c['ratio']:.4f} drifted {c['ratioDrifted']} euclidean {c['euclidean']:.4f} cosine {c['cosine']:.4f}")


if __name__ == "__main__":
    main()
