#!/usr/bin/env python3
"""Writes the reference values that VigilStats is tested against.

Run by hand, never by CI, from a virtualenv with the peers installed:

    python3 -m venv /tmp/vigil-venv
    /tmp/vigil-venv/bin/pip install numpy scipy scikit-learn "evidently==0.7.*" "pandas<3"
    /tmp/vigil-venv/bin/python scripts/generate_stats_fixtures.py

Every expected value below comes from scipy, scikit-learn, Evidently or plain numpy, never from Vigil.
The inputs are generated with a fixed seed and written next to the outputs, so the Swift tests read
exactly the data the references saw.
"""
import json
import math
import pathlib
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy import special, stats
from scipy.spatial import distance
from sklearn import metrics

import evidently
from evidently.legacy.calculations.stattests import registry
from evidently.legacy.calculations.stattests.jensenshannon import jensenshannon_stat_test
from evidently.legacy.calculations.stattests.kl_div import kl_div_stat_test
from evidently.legacy.calculations.stattests.psi import psi_stat_test
from evidently.legacy.calculations.stattests.z_stattest import z_stat_test
from evidently.legacy.calculations.stattests.chisquare_stattest import chi_stat_test
from evidently.legacy.core import ColumnType

warnings.filterwarnings("ignore")
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilStatsTests" / "Fixtures" / "reference-values.json"
rng = np.random.default_rng(20261122)


def rounded(values, digits=4):
    return [round(float(v), digits) for v in values]


def special_functions():
    normal = [{"x": x, "cdf": stats.norm.cdf(x), "sf": stats.norm.sf(x)} for x in [-40, -10, -3, -1.96, 0, 0.5, 1.96, 5, 10]]
    chi2 = [
        {"x": x, "df": df, "sf": stats.chi2.sf(x, df)}
        for x, df in [(0.5, 1), (3.84, 1), (10, 3), (100, 50), (1e-3, 5), (500, 400), (30, 2), (2000, 1999), (0.2, 0.5), (75, 3)]
    ]
    gamma = [
        {"a": a, "x": x, "p": special.gammainc(a, x), "q": special.gammaincc(a, x)}
        for a, x in [(0.5, 0.1), (1, 1), (2.5, 0.3), (10, 12), (100, 90), (100, 130), (0.1, 5), (50, 0.5)]
    ]
    kolmogorov = [{"z": z, "sf": special.kolmogorov(z)} for z in [0.2, 0.4, 0.5, 0.8, 0.99, 1.0, 1.36, 2.0, 3.0]]
    kstwo = []
    for n in [1, 7, 40, 140, 141, 1000, 5000, 20000, 100000]:
        for target in [0.9, 0.5, 0.1, 0.05, 0.01, 1e-3, 1e-4, 1e-6]:
            d = stats.kstwo.isf(target, n)
            kstwo.append({"d": d, "n": n, "sf": stats.kstwo.sf(d, n)})
    bessel = [{"x": x, "kv": special.kv(0.25, x)} for x in [0.001, 0.01, 0.1, 1, 5, 20, 100, 600]]
    return {"normal": normal, "chi2": chi2, "gamma": gamma, "kolmogorov": kolmogorov, "kstwo": kstwo, "besselK025": bessel}


def numeric_pairs():
    """Reference/current pairs covering sizes, ties, shifts, scales and edge cases."""
    pairs = [
        ("n=1 each", [0.5], [1.5]),
        ("one vs five", [0.0], rounded(rng.normal(0, 1, 5))),
        ("small with ties", [1, 2, 2, 3, 5], [2, 2, 3, 4, 4, 6, 7]),
        ("equal sizes 30", rounded(rng.normal(0, 1, 30)), rounded(rng.normal(0.3, 1, 30))),
        ("50 vs 80 shifted", rounded(rng.normal(0, 1, 50)), rounded(rng.normal(0.5, 1, 80))),
        ("200 vs 300 same", rounded(rng.normal(0, 1, 200)), rounded(rng.normal(0, 1, 300))),
        ("integers with heavy ties", [int(v) for v in rng.integers(0, 10, 200)], [int(v) for v in rng.integers(0, 12, 300)]),
        ("1000 vs 1000 scale change", rounded(rng.normal(0, 1, 1000)), rounded(rng.normal(0, 1.2, 1000))),
        ("lognormal 800 vs 1200", rounded(rng.lognormal(0, 1, 800)), rounded(rng.lognormal(0.1, 1, 1200))),
        ("asymptotic 12000 vs 15000", rounded(rng.normal(0, 1, 12000), 3), rounded(rng.normal(0.02, 1, 15000), 3)),
        ("constant reference", [3.0] * 40, rounded(rng.normal(3, 0.1, 60))),
        ("large offset", rounded(1e9 + rng.normal(0, 1, 300), 3), rounded(1e9 + rng.normal(0.2, 1, 300), 3)),
    ]
    return pairs


def evidently_score(test, ref, cur, kind):
    return float(test.func(pd.Series(ref), pd.Series(cur), kind, test.default_threshold)[0])


def sturges_proportions(ref, cur):
    pooled = np.concatenate([ref, cur])
    edges = np.histogram_bin_edges(pooled, bins="sturges")
    return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur)


def decile_proportions(ref, cur, bins=10):
    edges = np.unique(np.quantile(ref, [i / bins for i in range(1, bins)], method="inverted_cdf"))
    # A value equal to an edge belongs to the lower bin.
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    return r, c


def fill_zeroes(p):
    p = np.array(p, dtype=float)
    smallest = p[p > 0].min()
    p[p == 0] = smallest / 1e6 if smallest <= 0.0001 else 0.0001
    return p


def numeric_cases():
    cases = []
    for name, ref, cur in numeric_pairs():
        r = np.asarray(ref, dtype=float)
        c = np.asarray(cur, dtype=float)
        ks = stats.ks_2samp(r, c)
        case = {"name": name, "reference": list(ref), "current": list(cur), "ksStatistic": ks.statistic, "ksPValue": ks.pvalue}
        case["wasserstein"] = stats.wasserstein_distance(r, c)
        case["wassersteinNormed"] = case["wasserstein"] / max(float(np.std(r)), 0.001)
        if len(r) >= 2 and len(c) >= 2:
            cvm = stats.cramervonmises_2samp(r, c)
            case["cvmStatistic"] = cvm.statistic
            case["cvmPValue"] = cvm.pvalue
        if len(np.unique(r)) > 20:
            # Evidently's own numbers for its default binning.
            case["evidentlyPSI"] = evidently_score(psi_stat_test, r, c, ColumnType.Numerical)
            case["evidentlyJensenShannon"] = evidently_score(jensenshannon_stat_test, r, c, ColumnType.Numerical)
            case["evidentlyKL"] = evidently_score(kl_div_stat_test, r, c, ColumnType.Numerical)
            rp, cp = sturges_proportions(r, c)
            case["hellingerSturges"] = float(np.sqrt(np.sum((np.sqrt(rp) - np.sqrt(cp)) ** 2)) / np.sqrt(2))
            rd, cd = decile_proportions(r, c)
            rd, cd = fill_zeroes(rd), fill_zeroes(cd)
            case["psiDeciles"] = float(np.sum((rd - cd) * np.log(rd / cd)))
        cases.append(case)
    return cases


def categorical_cases():
    def draw(categories, probabilities, n):
        return [str(v) for v in rng.choice(categories, size=n, p=probabilities)]

    cats = ["a", "b", "c", "d", "e"]
    many = [f"c{i:03d}" for i in range(60)]
    pairs = [
        ("five categories same", draw(cats, [0.4, 0.3, 0.15, 0.1, 0.05], 400), draw(cats, [0.4, 0.3, 0.15, 0.1, 0.05], 700)),
        ("five categories shifted", draw(cats, [0.4, 0.3, 0.15, 0.1, 0.05], 400), draw(cats, [0.25, 0.3, 0.2, 0.1, 0.15], 300)),
        ("new category in current", draw(cats[:4], [0.4, 0.3, 0.2, 0.1], 500), draw(cats, [0.35, 0.3, 0.2, 0.1, 0.05], 500)),
        ("category missing from current", draw(cats, [0.4, 0.3, 0.15, 0.1, 0.05], 600), draw(cats[:3], [0.5, 0.3, 0.2], 200)),
        ("binary", draw(["yes", "no"], [0.3, 0.7], 900), draw(["yes", "no"], [0.36, 0.64], 800)),
        ("binary same", draw(["yes", "no"], [0.3, 0.7], 500), draw(["yes", "no"], [0.3, 0.7], 500)),
        ("single category both", ["x"] * 50, ["x"] * 70),
        ("sixty categories", draw(many, list(np.full(60, 1 / 60)), 3000), draw(many, list(np.full(60, 1 / 60)), 2000)),
    ]
    cases = []
    for name, ref, cur in pairs:
        keys = sorted(set(ref) | set(cur))
        table = np.array([[ref.count(k) for k in keys], [cur.count(k) for k in keys]])
        case = {"name": name, "reference": ref, "current": cur}
        if len(keys) > 1:
            chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
            case.update({"chiSquare": chi2, "chiSquarePValue": p, "chiSquareDegrees": int(dof)})
        else:
            case.update({"chiSquare": 0.0, "chiSquarePValue": 1.0, "chiSquareDegrees": 0})
        if len(keys) <= 2:
            case["zPValue"] = evidently_score(z_stat_test, ref, cur, ColumnType.Categorical)
        case["evidentlyPSI"] = evidently_score(psi_stat_test, ref, cur, ColumnType.Categorical)
        case["evidentlyJensenShannon"] = evidently_score(jensenshannon_stat_test, ref, cur, ColumnType.Categorical)
        case["evidentlyKL"] = evidently_score(kl_div_stat_test, ref, cur, ColumnType.Categorical)
        rp = table[0] / table[0].sum()
        cp = table[1] / table[1].sum()
        case["hellinger"] = float(np.sqrt(np.sum((np.sqrt(rp) - np.sqrt(cp)) ** 2)) / np.sqrt(2))
        cases.append(case)
    return cases


def selection_cases():
    """Evidently's automatic test choice for representative columns."""
    specs = [
        ("numeric small", "num", rounded(rng.normal(0, 1, 500)), rounded(rng.normal(0, 1, 400))),
        ("numeric small three values", "num", [int(v) for v in rng.integers(0, 3, 500)], [int(v) for v in rng.integers(0, 3, 400)]),
        ("numeric small two values", "num", [int(v) for v in rng.integers(0, 2, 500)], [int(v) for v in rng.integers(0, 2, 400)]),
        ("numeric small six values", "num", [int(v) for v in rng.integers(0, 6, 500)], [int(v) for v in rng.integers(0, 6, 400)]),
        ("categorical small binary", "cat", [str(v) for v in rng.choice(["p", "q"], 300)], [str(v) for v in rng.choice(["p", "q"], 300)]),
        ("categorical small four", "cat", [str(v) for v in rng.choice(list("wxyz"), 300)], [str(v) for v in rng.choice(list("wxyz"), 200)]),
        ("numeric large", "num", rounded(rng.normal(0, 1, 3000)), rounded(rng.normal(0.05, 1, 2000))),
        ("numeric large four values", "num", [int(v) for v in rng.integers(0, 4, 3000)], [int(v) for v in rng.integers(0, 4, 2000)]),
        ("numeric large twelve values", "num", [int(v) for v in rng.integers(0, 12, 3000)], [int(v) for v in rng.integers(0, 12, 2000)]),
        ("categorical large", "cat", [str(v) for v in rng.choice(list("abcdefg"), 3000)], [str(v) for v in rng.choice(list("abcdefg"), 2500)]),
    ]
    cases = []
    for name, kind, ref, cur in specs:
        column_type = ColumnType.Numerical if kind == "num" else ColumnType.Categorical
        test = registry.get_stattest(pd.Series(ref), pd.Series(cur), column_type, None)
        score = float(test.func(pd.Series(ref), pd.Series(cur), column_type, test.default_threshold)[0])
        result = test(pd.Series(ref), pd.Series(cur), column_type, None)
        cases.append({
            "name": name, "kind": kind, "reference": ref, "current": cur,
            "method": test.name, "score": score, "drifted": bool(result.drifted),
        })
    return cases


def quality_cases():
    n = 2000
    truth = rng.random(n) < 0.3
    scores = np.clip(np.where(truth, rng.beta(4, 2, n), rng.beta(2, 4, n)), 0, 1).round(3)
    binary = {
        "labels": [bool(v) for v in truth],
        "scores": [float(v) for v in scores],
        "rocAUC": metrics.roc_auc_score(truth, scores),
        "averagePrecision": metrics.average_precision_score(truth, scores),
        "logLoss": metrics.log_loss(truth, scores),
        "brier": metrics.brier_score_loss(truth, scores),
    }
    bins = np.minimum((scores * 10).astype(int), 9)
    ece = 0.0
    for b in range(10):
        mask = bins == b
        if mask.any():
            ece += mask.sum() / n * abs(truth[mask].mean() - scores[mask].mean())
    binary["expectedCalibrationError"] = ece

    classes = ["cat", "dog", "bird", "fish"]
    actual = [str(v) for v in rng.choice(classes[:3], 500, p=[0.5, 0.3, 0.2])]
    predicted = [a if rng.random() < 0.7 else str(rng.choice(classes)) for a in actual]
    labels = sorted(set(actual) | set(predicted))
    p, r, f, s = metrics.precision_recall_fscore_support(actual, predicted, labels=labels, zero_division=0)
    multiclass = {
        "actual": actual, "predicted": predicted, "accuracy": metrics.accuracy_score(actual, predicted),
        "perClass": {lab: {"precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])} for i, lab in enumerate(labels)},
    }
    for average in ["macro", "micro", "weighted"]:
        ap, ar, af, _ = metrics.precision_recall_fscore_support(actual, predicted, labels=labels, average=average, zero_division=0)
        multiclass[average] = {"precision": ap, "recall": ar, "f1": af}

    logits = rng.normal(0, 1, (600, 3)) + np.eye(3)[rng.integers(0, 3, 600)] * 1.5
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth_classes = np.array([rng.choice(3, p=row) for row in probabilities])
    probabilities = probabilities.round(3)
    probabilities[:, 2] = np.clip(1 - probabilities[:, 0] - probabilities[:, 1], 0, 1).round(3)
    class_names = ["cat", "dog", "fish"]
    multiclass_scores = {
        "actual": [class_names[i] for i in truth_classes],
        "scores": [{class_names[j]: float(row[j]) for j in range(3)} for row in probabilities],
        "macroRocAUC": metrics.roc_auc_score(truth_classes, probabilities, multi_class="ovr", average="macro"),
        "rocAUCByClass": {class_names[j]: metrics.roc_auc_score(truth_classes == j, probabilities[:, j]) for j in range(3)},
    }

    y = rng.normal(50, 10, 400).round(2)
    y[7] = 0.0
    yhat = (y + rng.normal(0, 3, 400)).round(2)
    regression = {
        "actual": [float(v) for v in y], "predicted": [float(v) for v in yhat],
        "mae": metrics.mean_absolute_error(y, yhat), "rmse": math.sqrt(metrics.mean_squared_error(y, yhat)),
        "mape": metrics.mean_absolute_percentage_error(y, yhat), "r2": metrics.r2_score(y, yhat),
    }
    return {"binary": binary, "multiclass": multiclass, "multiclassScores": multiclass_scores, "regression": regression}


def moments_cases():
    cases = []
    for name, values in [
        ("standard normal", rounded(rng.normal(0, 1, 1000), 6)),
        ("offset 1e9", [1e9 + v for v in rounded(rng.normal(0, 1, 1000), 6)]),
        ("single value", [42.0]),
        ("constant", [7.5] * 100),
    ]:
        a = np.asarray(values)
        cases.append({
            "name": name, "values": values, "mean": a.mean(), "variance": a.var(), "std": a.std(),
            "min": a.min(), "max": a.max(),
            "quantiles": {str(q): float(np.quantile(a, q)) for q in [0, 0.1, 0.25, 0.5, 0.9, 1]},
        })
    return cases


def main():
    fixtures = {
        "generator": {
            "script": "scripts/generate_stats_fixtures.py",
            "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__,
            "evidently": evidently.__version__, "pandas": pd.__version__,
        },
        "special": special_functions(),
        "numeric": numeric_cases(),
        "categorical": categorical_cases(),
        "selection": selection_cases(),
        "quality": quality_cases(),
        "moments": moments_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixtures, separators=(",", ":"), default=float) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
