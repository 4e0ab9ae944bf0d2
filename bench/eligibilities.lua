-- GET my eligibilities, round robin over the bench users' tokens.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local n = 0
request = function()
  n = n + 1
  local t = tokens[(n % #tokens) + 1]
  return wrk.format("GET", "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
    { ["Authorization"] = "Bearer " .. t })
end

-- BENCH_RATE set: constant-rate sends (see pace.lua).
dofile("bench/pace.lua")
