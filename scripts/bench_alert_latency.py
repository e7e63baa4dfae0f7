#!/usr/bin/env python3
"""From the moment an alert's condition holds to Alertmanager's receipt, with a real Alertmanager and `vigil serve`.

    swift build -c release --product vigil && python3 scripts/bench_alert_latency.py .build/release/vigil 15s 6

Each round sends a new model 50 failed predictions (its error rate rule holds at once, `for: 0`) at a random
moment of the evaluation cycle and polls Alertmanager's API until the alert is there. The issue's target:
at most the evaluation interval + 5 s. Needs Debian's prometheus-alertmanager on PATH.
"""
import json, os, random, socket, subprocess, sys, tempfile, time, urllib.request

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

work = tempfile.mkdtemp()
am_port, vigil_port = free_port(), free_port()
open(f"{work}/am.yml", "w").write("route: {receiver: quiet, group_wait: 1s}\nreceivers: [{name: quiet}]\n")
am = subprocess.Popen(["prometheus-alertmanager", f"--config.file={work}/am.yml", f"--storage.path={work}/am", f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
interval = sys.argv[2] if len(sys.argv) > 2 else "15s"
open(f"{work}/vigil.yaml", "w").write(f"""alerting:
  evaluation_interval: {interval}
  builtin_rules: false
  alertmanager: {{url: "http://127.0.0.1:{am_port}"}}
  rules:
    - {{name: Errors, metric: error_rate, window: 5m, above: 0.01, severity: critical}}
""")
vigil = subprocess.Popen([sys.argv[1], "serve", "--port", str(vigil_port), "--data-dir", f"{work}/data", "--config", f"{work}/vigil.yaml", "--log-level", "error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(3)
def post(model):
    rows = "\n".join(json.dumps({"version": "v1", "prediction": "yes", "status": "error"}) for _ in range(50))
    req = urllib.request.Request(f"http://127.0.0.1:{vigil_port}/v1/models/{model}/predictions", data=rows.encode(), headers={"Content-Type": "application/x-ndjson"}, method="POST")
    urllib.request.urlopen(req).read()
def in_am(model):
    alerts = json.load(urllib.request.urlopen(f"http://127.0.0.1:{am_port}/api/v2/alerts"))
    return any(a["labels"].get("model_name") == model for a in alerts)
latencies = []
try:
    for i in range(int(sys.argv[3]) if len(sys.argv) > 3 else 6):
        time.sleep(random.uniform(0, 5))
        model = f"m{i}"
        start = time.time(); post(model)
        while not in_am(model): time.sleep(0.05)
        latencies.append(time.time() - start)
        print(f"{model}: condition held → in Alertmanager after {latencies[-1]:.2f} s", flush=True)
finally:
    vigil.terminate(); am.terminate()
print(f"evaluation interval {interval}: max {max(latencies):.2f} s, mean {sum(latencies)/len(latencies):.2f} s over {len(latencies)} alerts (target ≤ interval + 5 s)")
