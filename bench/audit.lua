-- Page through the audit history by following @odata.nextLink, starting over at the end.
local token
for line in io.lines(os.getenv("BENCH_TOKENS")) do token = line break end
local first = "/v1.0/auditLogs/directoryAudits?$top=100"
local next_path = first
request = function()
  return wrk.format("GET", next_path, { ["Authorization"] = "Bearer " .. token })
end
response = function(status, headers, body)
  local link = string.match(body, '"@odata.nextLink":"(.-)"')
  if link then
    next_path = string.gsub(link, "^https?://[^/]+", "")
  else
    next_path = first
  end
end

-- BENCH_RATE set: constant-rate sends (see pace.lua).
dofile("bench/pace.lua")
