-- wrk script for ./gridmap bench tiles: requests the tile paths listed (one per line) in the file $TILES, each
-- thread from its own seeded random position, with gzip accepted as a browser does, and the login's token ($TOKEN).
local paths = {}
local headers = { ["Accept-Encoding"] = "gzip" }
local token = os.getenv("TOKEN")
if token ~= nil and token ~= "" then headers["Authorization"] = "Bearer " .. token end
for line in io.lines(os.getenv("TILES")) do paths[#paths + 1] = line end
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function()
  math.randomseed(20261126 + (seed or 0))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
