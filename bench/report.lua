-- wrk script: optional headers from the environment, an optional pause between requests
-- (to hold a chosen request rate), and a one-line JSON summary at the end.
local cookie = os.getenv("BENCH_COOKIE")
local proto = os.getenv("BENCH_PROTO")
local pause_ms = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")

function init(args)
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  if proto and proto ~= "" then wrk.headers["X-Forwarded-Proto"] = proto end
  wrk.headers["Accept-Encoding"] = "gzip"
end

function delay()
  if pause_ms > 0 then return pause_ms end
  return 0
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "errors": %d, "status_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
