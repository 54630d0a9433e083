-- wrk script of bench/compare.py's rules50 scenario: requests cycle through paths and Host headers that the
-- rule set of the fe_rules frontends sends to each of their backends (static, api by path and by host, v1,
-- the default). Pre-formatted once per thread, so the script costs wrk nothing per request.
local routes = {
  {"/static/small.txt", "www.example.com"},
  {"/api/small.txt", "www.example.com"},
  {"/small.txt", "api.example.com"},
  {"/v1/small.txt", "www.example.com"},
  {"/small.txt", "www.example.com"},
}
local requests = {}
local n = 0

function init(args)
  for _, r in ipairs(routes) do
    requests[#requests + 1] = wrk.format("GET", r[1], {["Host"] = r[2]})
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
