-- wrk script for ./gridmap bench lookup: single-point lookups at seeded random points over Zhenjiang.
-- ENGINE=postgis sends ?engine=postgis (the same answer from SQL); TOKEN sends Authorization: Bearer TOKEN (a system
-- client's token; without it the service must run with security switched off).
math.randomseed(20261125)
local suffix = ""
if os.getenv("ENGINE") == "postgis" then suffix = "?engine=postgis" end
local headers = {}
local token = os.getenv("TOKEN")
if token ~= nil and token ~= "" then headers["Authorization"] = "Bearer " .. token end
request = function()
  local lon = 119.0 + math.random() * 0.9
  local lat = 31.7 + math.random() * 0.6
  return wrk.format("GET", string.format("/api/point/4326/%.6f,%.6f%s", lon, lat, suffix), headers)
end
