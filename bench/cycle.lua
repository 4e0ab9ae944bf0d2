-- activate -> deactivate cycles: each thread walks its own slice of users, and each user
-- alternates between the two actions, so one user is never in two requests at once (the
-- slice is larger than the thread's connections).
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local threads = {}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
local role = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
local activate = '{"action":"selfActivate","roleDefinitionId":"' .. role .. '","directoryScopeId":"/","justification":"bench",' ..
  '"scheduleInfo":{"expiration":{"type":"afterDuration","duration":"PT1H"}}}'
local deactivate = '{"action":"selfDeactivate","roleDefinitionId":"' .. role .. '","directoryScopeId":"/"}'
local n = 0
local state = {}
-- wrk 4.1 calls request() once more in its first thread, after init and before any connection,
-- to check what the script builds (script_verify_request); that request is never sent. Counting
-- it would flip the first user's state, and that user's first real request (the deactivation,
-- 512 requests later) would be refused.
local verified = true
init = function(args)
  local total = tonumber(os.getenv("BENCH_THREADS"))
  local per = math.floor(#tokens / total)
  first = (id - 1) * per + 1
  count = per
  verified = id ~= 1
end
request = function()
  if not verified then
    verified = true
    return wrk.format("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
      { ["Authorization"] = "Bearer " .. tokens[first], ["Content-Type"] = "application/json" }, activate)
  end
  local i = first + (n % count)
  n = n + 1
  local active = state[i]
  state[i] = not active
  local body = active and deactivate or activate
  return wrk.format("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
    { ["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json" }, body)
end

-- BENCH_RATE set: constant-rate sends (see pace.lua).
dofile("bench/pace.lua")
