#!/usr/bin/env python3
"""Writes the fixtures that `vigil report` / `vigil check` and the CSV reader are tested against.

Run by hand (never by CI) from the virtualenv described in scripts/generate_stats_fixtures.py:

    /tmp/vigil-venv/bin/python scripts/generate_report_fixtures.py

- Tests/vigilTests/Fixtures/: dataset pairs and Evidently's verdicts for them (evidently-expected.json).
- Tests/VigilCoreTests/Fixtures/: an RFC 4180 corpus and what pandas reads from it (pandas-expected.json), and
  a file with repeated rows and pandas' `duplicated().sum()` for it (duplicates-expected.json).
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import evidently
from evidently.legacy.metric_preset import DataDriftPreset
from evidently.legacy.report import Report

warnings.filterwarnings("ignore")
ROOT = pathlib.Path(__file__).resolve().parent.parent
CLI_FIXTURES = ROOT / "Tests" / "vigilTests" / "Fixtures"
CORE_FIXTURES = ROOT / "Tests" / "VigilCoreTests" / "Fixtures"
rng = np.random.default_rng(20261122)


def frame(n, shift=0.0, scale=1.0, city_p=(0.5, 0.3, 0.2), tier_p=(0.6, 0.3, 0.1), yes_p=0.3):
    return pd.DataFrame({
        "age": (rng.normal(40 + shift * 10, 10 * scale, n)).round(1),
        "income": rng.lognormal(10 + shift * 0.2, 1, n).round(2),
        "score": rng.uniform(0, 1, n).round(4),
        "city": rng.choice(["paris", "london", "berlin"], n, p=list(city_p)),
        "tier": rng.choice([1, 2, 3], n, p=list(tier_p)),
        "subscribed": rng.choice(["yes", "no"], n, p=[yes_p, 1 - yes_p]),
    })


def evidently_verdicts(reference, current):
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=reference, current_data=current)
    result = report.as_dict()
    dataset = result["metrics"][0]["result"]
    columns = {
        name: {"method": value["stattest_name"], "score": value["drift_score"], "drifted": bool(value["drift_detected"])}
        for name, value in result["metrics"][1]["result"]["drift_by_columns"].items()
    }
    return {"driftedColumns": dataset["number_of_drifted_columns"], "columns": columns,
            "shareOfDriftedColumns": dataset["share_of_drifted_columns"], "datasetDrift": bool(dataset["dataset_drift"])}


def main():
    CLI_FIXTURES.mkdir(parents=True, exist_ok=True)
    CORE_FIXTURES.mkdir(parents=True, exist_ok=True)
    pairs = {
        # > 1000 reference rows: Wasserstein (numeric) and Jensen–Shannon (categorical)
        "large": (frame(3000), frame(2500, shift=0.4, city_p=(0.35, 0.35, 0.3))),
        # ≤ 1000 reference rows: KS, chi-square, Z-test
        "small": (frame(600), frame(500, shift=0.3, scale=1.3, tier_p=(0.45, 0.35, 0.2), yes_p=0.4)),
        # unchanged data: nothing may drift
        "stable": (frame(2000), frame(2000)),
    }
    expected = {"evidently": evidently.__version__, "pairs": {}}
    for name, (reference, current) in pairs.items():
        reference.to_csv(CLI_FIXTURES / f"{name}_reference.csv", index=False)
        current.to_csv(CLI_FIXTURES / f"{name}_current.csv", index=False)
        expected["pairs"][name] = evidently_verdicts(reference, current)
    (CLI_FIXTURES / "evidently-expected.json").write_text(json.dumps(expected, indent=1) + "\n")

    # RFC 4180 corpus: quotes, doubled quotes, embedded delimiters and newlines, CRLF, BOM, NA tokens.
    corpus = (
        '\ufeffid,name,amount,comment\r\n'
        '1,"Smith, John",10.5,"said ""hi"""\r\n'
        '2,plain,-3,"line one\r\nline two"\r\n'
        '3,"",NA,\r\n'
        '4,"quoted,comma",1e3,null\r\n'
        '5,x,"7.25",ok\r\n'
        '6,y,inf,N/A\r\n'
    )
    (CORE_FIXTURES / "rfc4180.csv").write_bytes(corpus.encode("utf-8"))
    parsed = pd.read_csv(CORE_FIXTURES / "rfc4180.csv")
    amount = parsed["amount"].replace([np.inf, -np.inf], np.nan)
    pandas_expected = {
        "pandas": pd.__version__,
        "columns": list(parsed.columns),
        "rows": len(parsed),
        "nameCounts": {k: int(v) for k, v in parsed["name"].value_counts().items()},
        "nameMissing": int(parsed["name"].isna().sum()),
        "amountFiniteMean": float(amount.mean()),
        "amountFiniteCount": int(amount.notna().sum()),
        "amountMissing": int(parsed["amount"].isna().sum()),
        "amountInfinite": int(np.isinf(parsed["amount"]).sum()),
        "commentMissing": int(parsed["comment"].isna().sum()),
        "commentValues": sorted(str(v) for v in parsed["comment"].dropna()),
    }
    (CORE_FIXTURES / "pandas-expected.json").write_text(json.dumps(pandas_expected, indent=1) + "\n")

    # Duplicate rows: few distinct values per column, so rows repeat; some cells need quotes.
    draws = np.random.default_rng(7)
    duplicates = pd.DataFrame({
        "city": draws.choice(["paris", "london", "new york, ny"], 400),
        "tier": draws.integers(1, 4, 400),
        "amount": draws.choice([1.5, 2.25, -3.0], 400),
        "note": draws.choice(["", "vip", 'said "hi"'], 400),
    })
    duplicates.to_csv(CORE_FIXTURES / "duplicates.csv", index=False)
    reread = pd.read_csv(CORE_FIXTURES / "duplicates.csv")
    (CORE_FIXTURES / "duplicates-expected.json").write_text(json.dumps({
        "pandas": pd.__version__, "rows": len(reread), "duplicatedRows": int(reread.duplicated().sum()),
    }, indent=1) + "\n")
    print("wrote", CLI_FIXTURES, CORE_FIXTURES)


if __name__ == "__main__":
    main()
