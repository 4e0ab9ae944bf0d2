-- Constant-rate sending for a route script, loaded at its end with dofile when BENCH_RATE is
-- set (requests per second over all connections). Without it wrk sends as fast as answers come
-- back (a closed loop): with 64 connections always waiting, the mean latency is then 64 divided
-- by the rate reached, whatever the server does per request, so p99 at saturation says how
-- fast the server is, not how long a request waits at a given load. Paced, the sends follow one
-- schedule (one slot every 1/BENCH_RATE s); a slot is never dropped: when every connection was
-- still waiting for an answer the send goes out late, back to back, and is counted, so a
-- server that cannot keep up shows as late sends and a rate below the one asked for.
local rate = tonumber(os.getenv("BENCH_RATE") or "")
if not rate or rate <= 0 then
  return
end
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec* ts);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads_total = tonumber(os.getenv("BENCH_THREADS") or "1")
local interval = 1000 * threads_total / rate -- each wrk thread paces its share
local next_send = nil
late = 0 -- read by done() through thread:get

delay = function()
  local now = now_ms()
  if not next_send then
    next_send = now
  end
  next_send = next_send + interval
  local wait = next_send - now
  if wait < -1 then
    late = late + 1
  end
  return math.max(0, wait)
end

local paced = {}
local inner_setup = setup
setup = function(thread)
  table.insert(paced, thread)
  if inner_setup then
    inner_setup(thread)
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(paced) do
    total = total + (thread:get("late") or 0)
  end
  io.write(string.format("Late sends: %d\n", total))
end
