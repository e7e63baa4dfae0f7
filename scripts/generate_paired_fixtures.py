#!/usr/bin/env python3
"""Expected values for Vigil's paired (shadow traffic) comparisons, from scipy on fixed pairs.

    python3 -m venv /tmp/sp-venv && /tmp/sp-venv/bin/pip install scipy numpy
    /tmp/sp-venv/bin/python scripts/generate_paired_fixtures.py

Writes Tests/VigilStatsTests/Fixtures/compare/paired-expected.json: for each case the pairs' sums (what
`PairedSums` keeps) and
- absolute, fixed horizon: `scipy.stats.ttest_rel(candidate, baseline)`'s difference, 95 % interval and p-value;
  for 0/1 outcomes the p-value is `scipy.stats.binomtest` on the discordant pairs (McNemar's exact test);
- relative, fixed horizon: the delta method on the pairs' sample moments (numpy), with a t interval on n - 1
  degrees of freedom;
- sequential (N* = 5000 pairs): the asymptotic confidence sequence of Waudby-Smith et al. (GrowthBook's) over the
  per-pair variance, written here from the paper's formula.
"""
import json
import math
import pathlib

import numpy as np
import scipy.stats

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "VigilStatsTests" / "Fixtures" / "compare"
rng = np.random.default_rng(20261203)
ALPHA = 0.05


def sequential(estimate, per_pair_variance, n, tuning=5000.0, alpha=ALPHA):
    rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning
    nr2 = n * rho2 + 1
    width = math.sqrt(per_pair_variance) * math.sqrt(2 * nr2 * math.log(math.sqrt(nr2) / alpha) / (n * n * rho2))
    st2 = estimate * estimate * n / (per_pair_variance / n)
    e_value = math.exp(rho2 * st2 / (2 * nr2)) / math.sqrt(nr2)
    return estimate - width, estimate + width, min(1.0, 1 / e_value)


def case(name, a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = len(a)
    binary = bool(np.isin(a, [0, 1]).all() and np.isin(b, [0, 1]).all())
    test = scipy.stats.ttest_rel(b, a)
    interval = test.confidence_interval(1 - ALPHA)
    p_absolute = float(test.pvalue)
    if binary:
        only_a = int(((a == 1) & (b == 0)).sum())
        only_b = int(((a == 0) & (b == 1)).sum())
        p_absolute = 1.0 if only_a + only_b == 0 else float(scipy.stats.binomtest(only_a, only_a + only_b, 0.5).pvalue)
    ma, mb = a.mean(), b.mean()
    va, vb = a.var(ddof=1), b.var(ddof=1)
    cov = np.cov(a, b, ddof=1)[0, 1]
    relative = (mb - ma) / ma
    relative_var = (vb / ma**2 - 2 * mb * cov / ma**3 + mb**2 * va / ma**4) / n
    t = scipy.stats.t.ppf(1 - ALPHA / 2, n - 1)
    relative_p = 2 * scipy.stats.t.sf(abs(relative) / math.sqrt(relative_var), n - 1)
    diff_var = (b - a).var(ddof=1)
    lower, upper, p_seq = sequential(mb - ma, diff_var, n)
    rlower, rupper, rp_seq = sequential(relative, relative_var * n, n)
    return {
        "name": name,
        "sums": {
            "count": n, "baselineSum": float(a.sum()), "baselineSumOfSquares": float((a * a).sum()),
            "candidateSum": float(b.sum()), "candidateSumOfSquares": float((b * b).sum()), "sumOfProducts": float((a * b).sum()),
        },
        "binary": binary,
        "absolute": {"estimate": float(mb - ma), "lower": float(interval.low), "upper": float(interval.high), "pValue": p_absolute,
                     "tPValue": float(test.pvalue)},
        "relative": {"estimate": float(relative), "lower": float(relative - t * math.sqrt(relative_var)),
                     "upper": float(relative + t * math.sqrt(relative_var)), "pValue": float(relative_p)},
        "sequentialAbsolute": {"lower": lower, "upper": upper, "pValue": p_seq},
        "sequentialRelative": {"lower": rlower, "upper": rupper, "pValue": rp_seq},
    }


def main():
    cases = []
    # Correct/incorrect outcomes of two classifiers on the same requests, correlated as shadow traffic is.
    for n, base, lift, agree in [(400, 0.80, 0.02, 0.8), (5000, 0.80, 0.02, 0.7), (20000, 0.9, -0.005, 0.9), (60, 0.5, 0.1, 0.5)]:
        a = (rng.uniform(size=n) < base).astype(float)
        fresh = (rng.uniform(size=n) < base + lift).astype(float)
        b = np.where(rng.uniform(size=n) < agree, a, fresh)
        cases.append(case(f"accuracy n={n}", a, b))
    # Latencies: a shared per-request cost plus each version's own.
    for n, slower in [(300, 1.0), (3000, 1.03), (10000, 0.98)]:
        shared = rng.lognormal(3, 0.6, size=n)
        a = shared + rng.gamma(2, 2, size=n)
        b = shared * slower + rng.gamma(2, 2, size=n)
        cases.append(case(f"latency n={n}", a, b))
    # Absolute errors of two regressors.
    n = 2000
    truth = rng.normal(10, 3, size=n)
    a = np.abs(truth + rng.normal(0, 1.0, size=n) - truth)
    b = np.abs(truth + rng.normal(0.05, 0.95, size=n) - truth)
    cases.append(case("absolute error n=2000", a, b))
    doc = {"generator": "scripts/generate_paired_fixtures.py", "scipy": scipy.__version__, "alpha": ALPHA, "tuning": 5000.0, "cases": cases}
    (OUT / "paired-expected.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT / 'paired-expected.json'}: {len(cases)} cases")


if __name__ == "__main__":
    main()
