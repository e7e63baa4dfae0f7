#!/usr/bin/env python3
"""End-to-end label benchmark of `vigil serve`: labels posted over HTTP, committed durably, folded into model
quality — measured until `/performance` counts every one of them.

Run by hand, never by CI, after a release build:

    swift build -c release --product vigil
    python3 scripts/bench_labels.py

One `vigil serve` on this machine's loopback, loaded by this script's own threads on the same 2 cores.
First N predictions (a binary classifier with class scores and 10 features, timestamps spread over the last
hour, NDJSON bodies of 1000), then one label per prediction in bodies of 1000 from 4 connections. Figures:
  predictions/s   acknowledged predictions per second (the same client and body size: the same-run peer)
  labels/s acked  acknowledged labels per second
  labels/s folded labels per second until /performance counts all of them (committed and folded)

With --wrk SECONDS the labels are posted by wrk instead (Debian's package; a lighter client than Python's
threads on the same 2 cores), for that long, going around the labels again once all are sent (corrections:
each takes the old label away and adds the new one). Then "folded" is until `vigil_labels_folded_total`
reaches every acknowledged label.
"""
import argparse
import http.client
import re
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_all(port, path, bodies, connections):
    """Posts the bodies from `connections` threads, each on its own keep-alive connection."""
    failures = []
    def worker(part):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in part:
            connection.request("POST", path, body=body, headers={"content-type": "application/x-ndjson"})
            answer = connection.getresponse()
            data = answer.read()
            if answer.status != 200:
                failures.append((answer.status, data[:200]))
        connection.close()
    threads = [threading.Thread(target=worker, args=(bodies[i::connections],)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return time.perf_counter() - started


def labelled(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/v1/models/bench/performance?window=2h")
    document = json.loads(connection.getresponse().read())
    connection.close()
    return document["overall"]["labelled"]


def folded(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    match = re.search(r"^vigil_labels_folded_total (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def post_with_wrk(port, labels, seconds, connections, directory):
    path = os.path.join(directory, "labels.ndjson")
    with open(path, "wb") as file:
        file.write(b"\n".join(labels) + b"\n")
    environment = dict(os.environ, TARGET_PATH="/v1/models/bench/labels", BODY_FILE=path, ROWS="1000")
    output = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "-s", os.path.join(HERE, "bench_labels", "labels.lua"),
                             f"http://127.0.0.1:{port}"], env=environment, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.split("JSON ", 1)[1])
    if figures["errors"]:
        raise SystemExit(f"wrk saw {figures['errors']} failed requests")
    return figures["requests"] * 1000, figures["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--vigil", default=os.path.join(ROOT, ".build", "release", "vigil"))
    parser.add_argument("--wrk", type=float, default=0, help="post labels with wrk for this many seconds")
    arguments = parser.parse_args()
    n = arguments.events
    now = time.time()
    predictions, labels = [], []
    for start in range(0, n, 1000):
        rows, truths = [], []
        for i in range(start, min(n, start + 1000)):
            fraud = round((i * 7919 % 1000) / 1000, 3)
            features = {
                "amount": round(20 + (i * 7919) % 500 / 3.0, 2), "age": 18 + i % 60, "tenure": i % 120,
                "score_a": (i % 97) / 97, "score_b": (i % 89) / 89, "clicks": i % 30,
                "country": ["DE", "FR", "US", "GB"][i % 4], "device": ["mobile", "desktop"][i % 2],
                "plan": ["free", "pro", "team"][i % 3], "returning": i % 5 == 0,
            }
            rows.append(json.dumps({"id": f"p{i}", "timestamp": now - 3600 + 3500 * i / n, "version": "v1", "features": features,
                                    "prediction": {"fraud": fraud, "legit": round(1 - fraud, 3)}}))
            truths.append(json.dumps({"prediction_id": f"p{i}", "label": "fraud" if (i * 31 % 1000) / 1000 < fraud else "legit"}))
        predictions.append("\n".join(rows).encode())
        labels.append("\n".join(truths).encode())

    directory = tempfile.mkdtemp(prefix="vigil-bench-labels-")
    port = free_port()
    server = subprocess.Popen([arguments.vigil, "serve", "--port", str(port), "--data-dir", directory, "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        prediction_seconds = post_all(port, "/v1/models/bench/predictions", predictions, arguments.connections)
        started = time.perf_counter()
        if arguments.wrk:
            acked, acked_seconds = post_with_wrk(port, labels, arguments.wrk, arguments.connections, directory)
            while folded(port) < acked:
                time.sleep(0.02)
        else:
            acked = n
            acked_seconds = post_all(port, "/v1/models/bench/labels", labels, arguments.connections)
            while labelled(port) < n:
                time.sleep(0.02)
        folded_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(directory, ignore_errors=True)
    client = f"wrk for {arguments.wrk:g} s" if arguments.wrk else "Python threads"
    print(f"python3 scripts/bench_labels.py --events {n} --connections {arguments.connections}{f' --wrk {arguments.wrk:g}' if arguments.wrk else ''}"
          f"  ({os.cpu_count()} cores; labels posted by {client})")
    print(f"predictions/s (Python threads, bodies of 1000)   {n / prediction_seconds:,.0f}")
    print(f"labels/s acknowledged                            {acked / acked_seconds:,.0f}   ({acked:,} labels)")
    print(f"labels/s committed and folded                    {acked / folded_seconds:,.0f}   ({acked / folded_seconds / (n / prediction_seconds):.2f}x the prediction rate)")


if __name__ == "__main__":
    main()
