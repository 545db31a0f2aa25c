-- listns_test/listns_basic_unified
-- A global listns() over every type, no owner filter, returns at least one
-- namespace (the initial ones at least), and none of the ids is zero.
-- On 6.18 there is no listns (kernel-6.18-observed.md row 4): ENOSYS, and
-- the test skips.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_basic_unified", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process, forked by the harness

local ids, err = P:listns { max = 100 }  -- type 0, owner 0
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
  return
end
expect(ids, "listns over all types succeeds: " .. tostring(err))
ids = ids or {}
expect(#ids > 0, "at least one namespace is listed")
for i, id in ipairs(ids) do
  expect(id ~= 0, "id #" .. i .. " is not zero")
end

P:exit(0)
init:wait(P)
