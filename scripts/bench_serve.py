#!/usr/bin/env python3
"""Load benchmark of `vigil serve` against the seeds' reference service (FastAPI + prometheus_client).

Run by hand, never by CI, after a release build:

    swift build -c release --product vigil
    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install fastapi uvicorn prometheus_client
    python3 scripts/bench_serve.py --peer-python /tmp/bench-venv/bin/python

Both services run on this machine's loopback, one after the other, loaded by wrk (Debian's package) on
the same 2 cores. Scenarios:
  batched  NDJSON bodies of 1000 predictions with 10 features each (Vigil: committed durably to SQLite)
  single   one prediction per request, 32 connections, as fast as possible
  paced    one prediction per request at 5000 requests/s or a little more (100 connections, wrk's
           delay hook, the pause set from a 2-second trial), p99 latency
  floor    GET /healthz at the same pace: the latency of answering at all on this machine (scheduling,
           loopback, wrk), which the paced p99 cannot go below
Vigil's count of stored predictions is checked against the requests wrk saw answered.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event(index, with_prediction=True, embedding_dimension=0):
    features = {
        "amount": round(20 + (index * 7919) % 500 / 3.0, 2), "age": 18 + index % 60, "tenure": index % 120,
        "score_a": (index % 97) / 97, "score_b": (index % 89) / 89, "clicks": index % 30,
        "country": ["DE", "FR", "US", "GB"][index % 4], "device": ["mobile", "desktop"][index % 2],
        "plan": ["free", "pro", "team"][index % 3], "returning": index % 5 == 0,
    }
    if embedding_dimension:
        # A deterministic unit-ish vector per event, as a text-embedding model would send.
        features["query_embedding"] = [round(((index * 31 + j * 17) % 200) / 100 - 1, 3) for j in range(embedding_dimension)]
    row = {"version": "v1", "features": features, "latency_ms": 5 + index % 40}
    if with_prediction:
        fraud = (index % 100) / 100
        row["prediction"] = {"fraud": fraud, "legit": round(1 - fraud, 2)}
    return row


def wait_ready(port, path, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1).read()
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"service on port {port} did not answer {path}")


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")


def cpu_seconds(pid):
    """User plus system CPU time of a process so far: unlike wall-clock rates, not inflated by a busy host."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_times():
    """(steal, total) jiffies of all CPUs: how much of the run the hypervisor took away."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return values[7], sum(values)


def wrk(port, body_file, content_type, connections, seconds, delay_ms=0, path="/v1/models/bench/predictions"):
    environment = dict(os.environ, BODY_FILE=body_file or "", CONTENT_TYPE=content_type, TARGET_PATH=path, DELAY_MS=str(delay_ms))
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", os.path.join(HERE, "bench_serve", "request.lua"), f"http://127.0.0.1:{port}"],
        env=environment, capture_output=True, text=True, check=True,
    ).stdout
    line = next(l for l in output.splitlines() if l.startswith("JSON "))
    return json.loads(line[5:])


BATCH_CONNECTIONS = 4
SINGLE_CONNECTIONS = 32
PACED_CONNECTIONS = 100
PACED_RATE = 5000


def run_scenarios(name, port, pid, files, seconds):
    results = {}

    def measured(body_file, content_type, connections, delay_ms=0, path="/v1/models/bench/predictions"):
        before = cpu_seconds(pid)
        result = wrk(port, body_file, content_type, connections, seconds, delay_ms, path)
        result["cpu_seconds"] = cpu_seconds(pid) - before
        return result

    batched = measured(files["batch"], "application/x-ndjson", BATCH_CONNECTIONS)
    results["batched"] = dict(batched, events_per_second=batched["requests"] * 1000 / batched["seconds"],
                              cpu_us_per_event=batched["cpu_seconds"] / max(1, batched["requests"] * 1000) * 1e6)
    single = measured(files["single"], "application/json", SINGLE_CONNECTIONS)
    results["single"] = dict(single, requests_per_second=single["requests"] / single["seconds"],
                             cpu_us_per_request=single["cpu_seconds"] / max(1, single["requests"]) * 1e6)
    def paced_run(body_file, content_type, path="/v1/models/bench/predictions"):
        # 100 connections, each pausing between requests: a cycle is the pause plus the answer's time, so a
        # 2-second trial measures the answer's time and the pause is set (in wrk's whole milliseconds) for
        # at least PACED_RATE requests/s.
        trial = wrk(port, body_file, content_type, PACED_CONNECTIONS, 2, 19, path)
        answer_ms = PACED_CONNECTIONS * 1000 / (trial["requests"] / trial["seconds"]) - 19
        delay_ms = max(1, int(PACED_CONNECTIONS * 1000 / PACED_RATE - answer_ms))
        result = measured(body_file, content_type, PACED_CONNECTIONS, delay_ms=delay_ms, path=path)
        return dict(result, delay_ms=delay_ms, trial_requests=trial["requests"], requests_per_second=result["requests"] / result["seconds"])

    paced = results["paced"] = paced_run(files["single"], "application/json")
    floor = results["floor"] = paced_run(None, "", path="/healthz")
    results["peak_rss_mb"] = peak_rss_mb(pid)
    print(f"{name}: batched {results['batched']['events_per_second']:,.0f} events/s ({results['batched']['cpu_us_per_event']:.1f} CPU µs/event); "
          f"single {results['single']['requests_per_second']:,.0f} req/s (p99 {single['p99_ms']:.2f} ms, {results['single']['cpu_us_per_request']:.0f} CPU µs/request); "
          f"paced {results['paced']['requests_per_second']:,.0f} req/s p99 {paced['p99_ms']:.2f} ms (GET /healthz at that pace: p99 {floor['p99_ms']:.2f} ms); "
          f"errors {batched['non2xx_connection_errors'] + single['non2xx_connection_errors'] + paced['non2xx_connection_errors']}; peak RSS {results['peak_rss_mb']:.0f} MB",
          flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vigil", default=os.path.join(ROOT, ".build", "release", "vigil"))
    parser.add_argument("--peer-python", help="a Python with fastapi, uvicorn and prometheus_client")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--embedding-dimension", type=int, default=0, help="add a vector feature of this many numbers to every event")
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    work = tempfile.mkdtemp(prefix="vigil-bench-serve-")
    files = {"batch": os.path.join(work, "batch.ndjson"), "single": os.path.join(work, "single.json")}
    with open(files["batch"], "w") as batch:
        batch.write("\n".join(json.dumps(event(i, embedding_dimension=arguments.embedding_dimension)) for i in range(1000)) + "\n")
    with open(files["single"], "w") as single:
        single.write(json.dumps(event(1, embedding_dimension=arguments.embedding_dimension)))
    print(f"bodies: {os.path.getsize(files['batch']):,} bytes per 1000-event batch, {os.path.getsize(files['single'])} bytes per single event")

    results = {}
    steal_before, total_before = host_times()
    port = free_port()
    data = os.path.join(work, "vigil-data")
    vigil = subprocess.Popen([arguments.vigil, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning"], stdout=subprocess.DEVNULL)
    try:
        wait_ready(port, "/readyz")
        results["vigil"] = run_scenarios("vigil serve", port, vigil.pid, files, arguments.seconds)
        time.sleep(1.5)
        summary = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models/bench/summary?window=1d"))
        answered = results["vigil"]["batched"]["requests"] * 1000 + results["vigil"]["single"]["requests"] + results["vigil"]["paced"]["requests"] \
            + results["vigil"]["paced"]["trial_requests"]
        # wrk stops without reading the answers in flight, whose events are stored all the same: at most one
        # request per connection per run (4 batches of 1000; 32 single events; 100 in the paced trial and 100 paced).
        in_flight = BATCH_CONNECTIONS * 1000 + SINGLE_CONNECTIONS + 2 * PACED_CONNECTIONS
        stored = summary["requests"]["count"]
        verdict = "consistent" if answered <= stored <= answered + in_flight else "INCONSISTENT: events lost or counted twice"
        print(f"vigil stored {stored:,} predictions; wrk saw {answered:,} answered, and at most {in_flight:,} more were in flight: {verdict}")
        results["vigil"]["stored"] = summary["requests"]["count"]
        results["vigil"]["store_bytes"] = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data))
    finally:
        vigil.terminate()
        vigil.wait()

    if arguments.peer_python:
        port = free_port()
        peer = subprocess.Popen(
            [arguments.peer_python, "-m", "uvicorn", "peer_service:app", "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=os.path.join(HERE, "bench_serve"), stdout=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, "/metrics")
            results["peer"] = run_scenarios("FastAPI + prometheus_client (1 uvicorn worker, no storage)", port, peer.pid, files, arguments.seconds)
        finally:
            peer.terminate()
            peer.wait()
        v, p = results["vigil"], results["peer"]
        print("ratios (vigil / peer): batched events/s {:.1f}x (CPU per event {:.2f}x), single req/s {:.1f}x (CPU per request {:.2f}x), paced p99 {:.2f} ms vs {:.2f} ms".format(
            v["batched"]["events_per_second"] / p["batched"]["events_per_second"],
            v["batched"]["cpu_us_per_event"] / p["batched"]["cpu_us_per_event"],
            v["single"]["requests_per_second"] / p["single"]["requests_per_second"],
            v["single"]["cpu_us_per_request"] / p["single"]["cpu_us_per_request"],
            v["paced"]["p99_ms"], p["paced"]["p99_ms"]))
    steal_after, total_after = host_times()
    results["host_steal_percent"] = 100 * (steal_after - steal_before) / max(1, total_after - total_before)
    print(f"host steal during the run: {results['host_steal_percent']:.0f}% of CPU time (wall-clock rates shrink with it; CPU per event does not)")
    print("JSON " + json.dumps(results))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
