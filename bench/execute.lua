-- wrk script for bench/http.sh: the same POST /queries/execute again and again.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = os.getenv("BODY")

function done(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests=%d failed=%d\n", summary.requests, failed))
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
  io.write(string.format("requests_per_sec=%.0f\n", summary.requests / (summary.duration / 1e6)))
end
