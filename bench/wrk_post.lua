-- One reading POSTed per request, each at a time of its own, round robin over the wells
-- named in WRITES_SITES (comma-separated), with the bearer token in WRITES_TOKEN, from
-- WRITES_BASE on, a minute apart (each thread a million minutes after the last); the
-- summary is wrk_report.lua's JSON line. For bench/writes_bench.py.
dofile("bench/wrk_report.lua")

local threads = 0
setup = function(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local sites, sent = {}, 0
local headers = {}
init = function(args)
  for site in string.gmatch(os.getenv("WRITES_SITES"), "[^,]+") do
    sites[#sites + 1] = site
  end
  headers["Authorization"] = "Bearer " .. os.getenv("WRITES_TOKEN")
  headers["Content-Type"] = "application/json"
end

-- The first reading's time (seconds since 1970, WRITES_BASE): each run its own, before
-- the demo data's readings, so that no reading collides.
local BASE = tonumber(os.getenv("WRITES_BASE"))

request = function()
  sent = sent + 1
  local index = thread_id * 1000000 + sent
  local site = sites[(index % #sites) + 1]
  local body = string.format(
    '{"observed_at": "%s", "depth_to_water_ft": %.3f}',
    os.date("!%Y-%m-%dT%H:%M:%SZ", BASE + index * 60), 10 + (index % 1000) / 100
  )
  return wrk.format("POST", "/api/wells/" .. site .. "/observations", headers, body)
end
