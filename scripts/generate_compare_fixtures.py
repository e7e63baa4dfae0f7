#!/usr/bin/env python3
"""Writes the fixtures that Vigil's version comparisons are tested against.

Run by hand, never by CI, from a virtualenv with the oracles installed:

    python3 -m venv /tmp/gb-venv
    /tmp/gb-venv/bin/pip install 'gbstats==0.8.0' scipy statsmodels
    /tmp/gb-venv/bin/python scripts/generate_compare_fixtures.py

Every expected value is the oracle's own output on the inputs written beside it, never Vigil's:
GrowthBook's `gbstats` for effects (proportion, mean, ratio and quantile arms; absolute and relative; Welch's
t-test and the sequential confidence sequence) and the sample-ratio check; scipy for Student's t, the normal
quantile, the incomplete beta, McNemar's exact test and the 2×2 χ² of label coverage; statsmodels for Holm and
Benjamini–Hochberg.
"""
import json
import math
import pathlib

import numpy as np
import scipy.special
import scipy.stats
from gbstats.frequentist.tests import FrequentistConfig, SequentialConfig, SequentialTwoSidedTTest, TwoSidedTTest
from gbstats.models.statistics import ProportionStatistic, QuantileStatistic, RatioStatistic, SampleMeanStatistic
from gbstats.utils import check_srm
from statsmodels.stats.multitest import multipletests

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilStatsTests" / "Fixtures" / "compare"
rng = np.random.default_rng(20261202)


def arm(kind):
    """A random arm of `kind`, as the inputs Vigil reads and the gbstats statistic built from them."""
    n = int(rng.integers(30, 200_000))
    if kind == "proportion":
        p = float(rng.uniform(0.02, 0.98))
        successes = float(rng.binomial(n, p))
        return {"n": n, "successes": successes}, ProportionStatistic(n=n, sum=successes)
    if kind == "mean":
        x = rng.lognormal(float(rng.uniform(0, 4)), float(rng.uniform(0.2, 1.2)), size=min(n, 5000))
        n = len(x)
        s, ss = float(x.sum()), float((x * x).sum())
        return {"n": n, "sum": s, "sumOfSquares": ss}, SampleMeanStatistic(n=n, sum=s, sum_squares=ss)
    if kind == "ratio":
        n = min(n, 5000)
        d = rng.poisson(float(rng.uniform(1, 6)), size=n).astype(float) + 1
        m = d * rng.gamma(2.0, float(rng.uniform(1, 20)), size=n)
        values = {
            "n": n, "numeratorSum": float(m.sum()), "numeratorSumOfSquares": float((m * m).sum()),
            "denominatorSum": float(d.sum()), "denominatorSumOfSquares": float((d * d).sum()), "sumOfProducts": float((m * d).sum()),
        }
        stat = RatioStatistic(
            n=n,
            m_statistic=SampleMeanStatistic(n=n, sum=values["numeratorSum"], sum_squares=values["numeratorSumOfSquares"]),
            d_statistic=SampleMeanStatistic(n=n, sum=values["denominatorSum"], sum_squares=values["denominatorSumOfSquares"]),
            m_d_sum_of_products=values["sumOfProducts"],
        )
        return values, stat
    if kind == "quantile":
        n = int(rng.integers(500, 20_000))
        level = float(rng.choice([0.5, 0.9, 0.95, 0.99]))
        x = np.sort(rng.lognormal(4, 0.6, size=n))
        half = 1.959963984540054 * math.sqrt(level * (1 - level) / n)
        lo_rank, hi_rank = max(0.0, level - half), min(1.0, level + half)
        values = {
            "n": n, "level": level, "estimate": float(np.quantile(x, level)),
            "lower": float(np.quantile(x, lo_rank)), "upper": float(np.quantile(x, hi_rank)),
        }
        stat = QuantileStatistic(
            n=n, n_star=n, nu=level, quantile_hat=values["estimate"], quantile_lower=values["lower"], quantile_upper=values["upper"]
        )
        return values, stat
    raise ValueError(kind)


def effects():
    cases = []
    for i in range(64):
        kind = ["proportion", "mean", "ratio", "quantile"][i % 4]
        difference = ["relative", "absolute"][(i // 4) % 2]
        sequential = (i // 8) % 2 == 1
        tuning = float(rng.choice([1000, 5000, 20000])) if sequential else None
        alpha = float(rng.choice([0.05, 0.1, 0.01]))
        a_in, a = arm(kind)
        b_in, b = arm(kind)
        if kind == "quantile":  # both arms of a quantile test are at one level
            b_in["level"] = a_in["level"]
            b = QuantileStatistic(n=b.n, n_star=b.n, nu=a.nu, quantile_hat=b.quantile_hat, quantile_lower=b.quantile_lower, quantile_upper=b.quantile_upper)
        if sequential:
            test = SequentialTwoSidedTTest(a, b, SequentialConfig(difference_type=difference, alpha=alpha, sequential_tuning_parameter=tuning))
        else:
            test = TwoSidedTTest(a, b, FrequentistConfig(difference_type=difference, alpha=alpha))
        result = test.compute_result()
        assert result.error_message is None, result.error_message
        cases.append({
            "name": f"{kind}-{difference}-{'sequential' if sequential else 'fixed'}-{i}",
            "kind": kind, "difference": difference, "tuning": tuning, "alpha": alpha,
            "baseline": a_in, "candidate": b_in,
            "baselineMean": float(a.mean), "baselineVariance": float(a.variance),
            "candidateMean": float(b.mean), "candidateVariance": float(b.variance),
            "estimate": float(result.expected), "lower": float(result.ci[0]), "upper": float(result.ci[1]),
            "pValue": float(result.p_value), "degreesOfFreedom": float(test.dof),
        })
    return cases


def srm():
    cases = []
    for _ in range(12):
        arms = int(rng.integers(2, 4))
        weights = [float(w) for w in rng.uniform(0.05, 1, size=arms)]
        total = int(rng.integers(100, 100_000))
        shares = np.array(weights) / sum(weights) * float(rng.uniform(0.97, 1.03, size=1)[0])
        users = [int(u) for u in rng.multinomial(total, np.clip(shares / shares.sum(), 0, 1))]
        cases.append({"observed": users, "weights": weights, "pValue": float(check_srm(users, weights))})
    return cases


def coverage():
    cases = []
    for _ in range(10):
        n0, n1 = int(rng.integers(50, 50_000)), int(rng.integers(50, 50_000))
        r0 = float(rng.uniform(0.1, 0.9))
        r1 = r0 * float(rng.uniform(0.9, 1.1))
        s0, s1 = int(rng.binomial(n0, r0)), int(rng.binomial(n1, min(r1, 0.99)))
        chi2, p, _, _ = scipy.stats.chi2_contingency([[s0, n0 - s0], [s1, n1 - s1]], correction=False)
        cases.append({"successes": [s0, s1], "trials": [n0, n1], "statistic": float(chi2), "pValue": float(p)})
    return cases


def mcnemar():
    cases = []
    for b, c in [(0, 0), (3, 3), (1, 9), (10, 2), (40, 61), (250, 199), (1200, 1290), (7, 0)]:
        p = 1.0 if b + c == 0 else float(scipy.stats.binomtest(b, b + c, 0.5).pvalue)
        cases.append({"baselineOnly": b, "candidateOnly": c, "pValue": p})
    return cases


def multiple():
    cases = []
    for m in [2, 3, 5, 8]:
        p = [float(x) for x in rng.uniform(0, 0.2, size=m)]
        cases.append({
            "pValues": p,
            "holm": [float(x) for x in multipletests(p, method="holm")[1]],
            "bh": [float(x) for x in multipletests(p, method="fdr_bh")[1]],
        })
    return cases


def special():
    t = []
    for df in [1.0, 2.5, 7.0, 30.0, 412.7, 15000.0]:
        for x in [-6.0, -1.3, 0.2, 1.96, 4.5, 12.0]:
            t.append({"x": x, "df": df, "cdf": float(scipy.stats.t.cdf(x, df)), "sf": float(scipy.stats.t.sf(x, df))})
    tq = [{"p": p, "df": df, "ppf": float(scipy.stats.t.ppf(p, df))}
          for df in [1.0, 3.3, 12.0, 99.5, 4000.0] for p in [0.9, 0.95, 0.975, 0.995, 0.9995, 0.02]]
    nq = [{"p": p, "ppf": float(scipy.stats.norm.ppf(p))} for p in [1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]]
    beta = [{"a": a, "b": b, "x": x, "value": float(scipy.special.betainc(a, b, x))}
            for a, b in [(0.5, 0.5), (2.0, 3.0), (15.0, 0.5), (200.0, 310.0), (1.0, 40.0)] for x in [0.01, 0.3, 0.5, 0.77, 0.999]]
    return {"t": t, "tQuantile": tq, "normalQuantile": nq, "beta": beta}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {
        "generator": "scripts/generate_compare_fixtures.py",
        "gbstats": __import__("importlib.metadata").metadata.version("gbstats"),
        "effects": effects(), "srm": srm(), "coverage": coverage(), "mcnemar": mcnemar(),
        "multiple": multiple(), "special": special(),
    }
    (OUT / "compare-expected.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT / 'compare-expected.json'}: {len(doc['effects'])} effects")


if __name__ == "__main__":
    main()
