-- wrk script: every request is a small JSON POST (the same for Eventloom and Node-RED).
wrk.method = "POST"
wrk.body = '{"hello":"world"}'
wrk.headers["Content-Type"] = "application/json"
