-- wrk script: POST the NDJSON file $BODY_FILE to $TARGET_PATH in bodies of $ROWS lines, one body after the
-- other (each thread from its own offset, and around again: later rounds are corrections).
wrk.method = "POST"
wrk.path = os.getenv("TARGET_PATH")
wrk.headers["Content-Type"] = "application/x-ndjson"
local rows = tonumber(os.getenv("ROWS") or "1000")
local bodies = {}
local lines = {}
for line in io.lines(os.getenv("BODY_FILE")) do
  lines[#lines + 1] = line
  if #lines == rows then
    bodies[#bodies + 1] = table.concat(lines, "\n")
    lines = {}
  end
end
if #lines > 0 then bodies[#bodies + 1] = table.concat(lines, "\n") end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
end
local next_body = nil
function request()
  if next_body == nil then next_body = (offset or 0) % #bodies end
  next_body = (next_body % #bodies) + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end
function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %.3f, \"errors\": %d}\n",
    summary.requests, summary.duration / 1e6, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
