-- wrk script: POST the body in $BODY_FILE with $CONTENT_TYPE to $TARGET_PATH, or GET $TARGET_PATH when
-- $BODY_FILE is empty; with $DELAY_MS each connection waits that long between requests (a paced, roughly
-- constant request rate).
wrk.path = os.getenv("TARGET_PATH")
local body_file = os.getenv("BODY_FILE") or ""
if body_file ~= "" then
  local file = io.open(body_file, "rb")
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")
end
local pause = tonumber(os.getenv("DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end
-- No response() hook: with one, wrk parses every answer's headers and body in Lua, which costs the
-- shared CPU more than the server under test spends on a small request. wrk counts answers of status
-- 400 and up itself (summary.errors.status).
function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %.3f, \"non2xx_connection_errors\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}\n",
    summary.requests, summary.duration / 1e6, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
