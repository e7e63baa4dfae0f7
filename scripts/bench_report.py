#!/usr/bin/env python3
"""Times `vigil report` against Evidently, whylogs and scipy+pandas on the same pair of files, in one run.

Run by hand (never by CI), after `swift build -c release --product vigil`:

    /tmp/vigil-venv/bin/pip install "evidently==0.7.*" "pandas<3" whylogs ipython scipy
    /tmp/vigil-venv/bin/python scripts/bench_report.py [--rows 1000000] [--skip evidently,whylogs]
    /tmp/vigil-venv/bin/python scripts/bench_report.py --model-quality [--runs 5]

With --model-quality the files gain a binary target and a probability column, and `vigil report` runs with
and without `--target label --prediction proba`, alternating, to measure what model quality costs (and
Evidently's ClassificationPreset on the same files, once, as the peer).

It generates (once, cached in --data-dir) a reference and a current CSV of --rows rows × 28 columns
(20 numeric, 8 categorical) in which 7 columns drift by construction, then runs each tool in a child
process under /usr/bin/time to read its wall time and peak memory, and prints the ratios to Vigil.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
DRIFTED = ["num_00", "num_01", "num_02", "num_03", "num_04", "cat_00", "cat_01"]


def generate(path, rows, drifted, seed, model_quality=False):
    rng = np.random.default_rng(seed)
    columns = {}
    if model_quality:
        x = rng.normal(0.2 if drifted else 0, 1, rows)
        probability = 1 / (1 + np.exp(-2 * x))
        columns["label"] = (rng.uniform(size=rows) < probability).astype(int)
        columns["proba"] = probability.round(4)
    for index in range(20):
        name = f"num_{index:02d}"
        shift = 0.5 if drifted and name in DRIFTED else 0.0
        kind = index % 4
        if kind == 0:
            columns[name] = rng.normal(shift, 1, rows)
        elif kind == 1:
            columns[name] = rng.lognormal(shift, 1, rows)
        elif kind == 2:
            columns[name] = rng.uniform(shift, 1 + shift, rows)
        else:
            columns[name] = rng.gamma(2 + shift * 2, 2, rows)
    categories = [f"value_{i}" for i in range(30)]
    for index in range(8):
        name = f"cat_{index:02d}"
        weights = np.linspace(1, 3, 30)
        if drifted and name in DRIFTED:
            weights = weights[::-1]
        columns[name] = rng.choice(categories, rows, p=weights / weights.sum())
    import pandas as pd

    frame = pd.DataFrame(columns)
    frame.to_csv(path, index=False, float_format="%.6g")


def timed(command, accepted=(0,)):
    """Runs a command under /usr/bin/time -v; returns (seconds, peak MB, stdout). A peer must exit 0."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode not in accepted:
        sys.exit(f"{command[0]} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return seconds, (int(peak.group(1)) / 1024 if peak else float("nan")), result.stdout


def cpu_seconds(command, accepted=(0,)):
    """User + system seconds of a command (steadier than wall time on a busy host)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%U %S"] + command, capture_output=True, text=True)
    if result.returncode not in accepted:
        sys.exit(f"{command[0]} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    user, system = result.stderr.strip().splitlines()[-1].split()
    return float(user) + float(system)


PEERS = {
    "evidently": """
import sys, warnings, pandas as pd
warnings.filterwarnings("ignore")
from evidently.legacy.report import Report
from evidently.legacy.metric_preset import DataDriftPreset
ref = pd.read_csv(sys.argv[1]); cur = pd.read_csv(sys.argv[2])
report = Report(metrics=[DataDriftPreset()]); report.run(reference_data=ref, current_data=cur)
result = report.as_dict()["metrics"][1]["result"]["drift_by_columns"]
print(sorted(name for name, value in result.items() if value["drift_detected"]))
""",
    "whylogs": """
import sys, pandas as pd, whylogs as why
from whylogs.viz.drift.column_drift_algorithms import calculate_drift_scores
ref = why.log(pd.read_csv(sys.argv[1])).view(); cur = why.log(pd.read_csv(sys.argv[2])).view()
scores = calculate_drift_scores(target_view=cur, reference_view=ref, with_thresholds=True)
print(sorted(name for name, value in scores.items() if value and value.get("drift_category") == "DRIFT"))
""",
    "scipy+pandas": """
import sys, pandas as pd
from scipy import stats
ref = pd.read_csv(sys.argv[1]); cur = pd.read_csv(sys.argv[2])
drifted = []
for column in ref.columns:
    if ref[column].dtype.kind in "fi":
        if stats.wasserstein_distance(ref[column], cur[column]) / max(ref[column].std(ddof=0), 0.001) >= 0.1: drifted.append(column)
    else:
        p = ref[column].value_counts(normalize=True); q = cur[column].value_counts(normalize=True)
        keys = sorted(set(p.index) | set(q.index))
        from scipy.spatial import distance
        if distance.jensenshannon([p.get(k, 0) for k in keys], [q.get(k, 0) for k in keys]) >= 0.1: drifted.append(column)
print(sorted(drifted))
""",
    "pandas read_csv only": """
import sys, pandas as pd
pd.read_csv(sys.argv[1]); pd.read_csv(sys.argv[2])
print([])
""",
}


EVIDENTLY_CLASSIFICATION = """
import sys, warnings, pandas as pd
warnings.filterwarnings("ignore")
from evidently import BinaryClassification, DataDefinition, Dataset, Report
from evidently.presets import ClassificationPreset
definition = DataDefinition(classification=[BinaryClassification(target="label", prediction_probas="proba", pos_label=1)], categorical_columns=["label"])
ref = Dataset.from_pandas(pd.read_csv(sys.argv[1]), data_definition=definition)
cur = Dataset.from_pandas(pd.read_csv(sys.argv[2]), data_definition=definition)
result = Report([ClassificationPreset()], include_tests=True).run(cur, ref).dict()
print(sorted(test["name"].split(":")[0] for test in result["tests"] if test["status"] != "SUCCESS"))
"""


def model_quality(args, data):
    reference = data / f"reference_quality_{args.rows}.csv"
    current = data / f"current_quality_{args.rows}.csv"
    if not reference.exists() or not current.exists():
        print(f"generating {args.rows} rows × 30 columns …", file=sys.stderr)
        generate(reference, args.rows, drifted=False, seed=1, model_quality=True)
        generate(current, args.rows, drifted=True, seed=2, model_quality=True)
    print(f"command: python scripts/bench_report.py --model-quality --rows {args.rows} --runs {args.runs}")
    base = [args.vigil, "report", "--reference", str(reference), "--current", str(current)]
    plain, labelled, plain_cpu, labelled_cpu = [], [], [], []
    for _ in range(args.runs):
        plain.append(timed(base, accepted=(0, 1))[0])
        labelled.append(timed(base + ["--target", "label", "--prediction", "proba"], accepted=(0, 1))[0])
        plain_cpu.append(cpu_seconds(base, accepted=(0, 1)))
        labelled_cpu.append(cpu_seconds(base + ["--target", "label", "--prediction", "proba"], accepted=(0, 1)))
    plain_median, labelled_median = sorted(plain)[len(plain) // 2], sorted(labelled)[len(labelled) // 2]
    ratios = sorted(b / a for a, b in zip(plain, labelled))
    print(f"vigil report without target/prediction: {', '.join(f'{s:.2f}' for s in plain)} s (median {plain_median:.2f})")
    print(f"vigil report with --target/--prediction: {', '.join(f'{s:.2f}' for s in labelled)} s (median {labelled_median:.2f})")
    print(f"cost of model quality: {labelled_median / plain_median - 1:+.1%} (median of medians); per pair of runs {ratios[0] - 1:+.1%} … {ratios[-1] - 1:+.1%}")
    cpu_plain, cpu_labelled = sorted(plain_cpu)[len(plain_cpu) // 2], sorted(labelled_cpu)[len(labelled_cpu) // 2]
    print(f"CPU seconds (user + system): {cpu_plain:.2f} without, {cpu_labelled:.2f} with: {cpu_labelled / cpu_plain - 1:+.1%}")
    if args.evidently_python:
        seconds, peak, output = timed([args.evidently_python, "-c", EVIDENTLY_CLASSIFICATION, str(reference), str(current)])
        print(f"Evidently ClassificationPreset on the same files: {seconds:.2f} s, {peak:.0f} MB ({seconds / labelled_median:.1f}× vigil report with model quality); failed tests {output.strip()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "vigil-bench-data"))
    parser.add_argument("--vigil", default=str(ROOT / ".build" / "release" / "vigil"))
    parser.add_argument("--skip", default="", help="comma-separated peers to skip")
    parser.add_argument("--model-quality", action="store_true", help="measure what --target/--prediction cost")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--evidently-python", default=None, help="a Python with evidently 0.7 installed, for the model-quality peer")
    args = parser.parse_args()
    data = pathlib.Path(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    if args.model_quality:
        return model_quality(args, data)
    reference = data / f"reference_{args.rows}.csv"
    current = data / f"current_{args.rows}.csv"
    if not reference.exists() or not current.exists():
        print(f"generating {args.rows} rows × 28 columns …", file=sys.stderr)
        generate(reference, args.rows, drifted=False, seed=1)
        generate(current, args.rows, drifted=True, seed=2)
    size = (reference.stat().st_size + current.stat().st_size) / 1e6
    print(f"command: python scripts/bench_report.py --rows {args.rows}")
    print(f"input: 2 files, {args.rows} rows × 28 columns, {size:.0f} MB; drifted by construction: {', '.join(DRIFTED)}\n")

    json_out = data / "vigil-report.json"
    # vigil report exits 1 when a check fails (it does here, by construction); that is a result, not an error.
    seconds, peak, _ = timed([args.vigil, "report", "--reference", str(reference), "--current", str(current), "--json", str(json_out)], accepted=(0, 1))
    document = json.loads(json_out.read_text())
    vigil_drifted = sorted(column["column"] for column in document["drift"]["columns"] if column["drifted"])
    results = [("vigil report", seconds, peak, vigil_drifted)]
    skipped = set(filter(None, args.skip.split(",")))
    for name, script in PEERS.items():
        if name.split("+")[0] in skipped or name in skipped:
            continue
        seconds, peak, output = timed([sys.executable, "-c", script, str(reference), str(current)])
        results.append((name, seconds, peak, output.strip()))

    vigil_seconds, vigil_peak = results[0][1], results[0][2]
    print(f"{'tool':<24}{'wall s':>9}{'peak MB':>10}{'× Vigil time':>14}{'× Vigil memory':>16}  drifted columns found")
    for name, seconds, peak, drifted in results:
        print(f"{name:<24}{seconds:>9.2f}{peak:>10.0f}{seconds / vigil_seconds:>14.1f}{peak / vigil_peak:>16.1f}  {drifted}")


if __name__ == "__main__":
    main()
