-- wrk script: post.lua's request, each connection waiting GAP_MS between requests, so the
-- offered rate is about connections × 1000 / (GAP_MS + latency) instead of the saturation
-- rate (wrk 4 has no rate option).
wrk.method = "POST"
wrk.body = '{"hello":"world"}'
wrk.headers["Content-Type"] = "application/json"
local gap = tonumber(os.getenv("GAP_MS") or "1")
function delay()
  return gap
end
