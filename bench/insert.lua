wrk.method = "POST"
wrk.body = '{"event":"bench"}'
wrk.headers["Content-Type"] = "application/json"
