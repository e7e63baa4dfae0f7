"""The seeds' reference exporter, as a service: FastAPI + prometheus_client, no storage.

It takes the same request bodies as Vigil (one JSON object, a JSON array, or NDJSON) and updates the
metrics of ../shared/seeds/001 for each prediction. It keeps nothing else: a restart loses everything,
which is the difference Vigil's durable commits pay for. Run by scripts/bench_serve.py; never by CI.
"""
import json

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

requests_total = Counter("ml_prediction_requests_total", "Total prediction requests", ["model_name", "model_version", "status"])
latency = Histogram("ml_prediction_latency_seconds", "Prediction latency", ["model_name", "model_version"],
                    buckets=[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
errors = Counter("ml_prediction_errors_total", "Total prediction errors", ["model_name", "model_version", "error_type"])
confidence = Histogram("ml_prediction_confidence", "Model confidence scores", ["model_name", "predicted_class"],
                       buckets=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
classes = Counter("ml_prediction_class_total", "Predictions by class", ["model_name", "predicted_class"])
feature_value = Gauge("ml_feature_value", "Feature statistics", ["model_name", "feature_name", "statistic"])

app = FastAPI()


def record(model, event):
    version = event.get("version", "default")
    status = event.get("status", "error" if event.get("error_type") else "ok")
    requests_total.labels(model, version, status).inc()
    if status == "error":
        errors.labels(model, version, event.get("error_type", "unknown")).inc()
    if "latency_ms" in event:
        latency.labels(model, version).observe(event["latency_ms"] / 1000)
    prediction = event.get("prediction")
    if isinstance(prediction, dict) and prediction:
        best = max(prediction, key=prediction.get)
        classes.labels(model, best).inc()
        confidence.labels(model, best).observe(prediction[best])
    elif isinstance(prediction, str):
        classes.labels(model, prediction).inc()
    for name, value in (event.get("features") or {}).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            feature_value.labels(model, name, "last").set(value)


@app.post("/v1/models/{model}/predictions")
async def predictions(model: str, request: Request):
    body = await request.body()
    text = body.decode()
    stripped = text.lstrip()
    if "ndjson" in request.headers.get("content-type", ""):
        events = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        parsed = json.loads(text)
        events = parsed if stripped.startswith("[") else [parsed]
    for event in events:
        record(model, event)
    return {"stored": len(events)}


@app.get("/metrics")
async def metrics():
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
