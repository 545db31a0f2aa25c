-- listns_test/listns_multiple_types
-- A type mask with two bits (NET|UTS) is accepted: the call succeeds with a
-- count >= 0.
-- On 6.18 listns gives ENOSYS (kernel-6.18-observed.md row 4): skip.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_multiple_types", kernel = "6.19" }

local init = sim.init
local P = init:clone {}

local ids, err = P:listns { types = { "net", "uts" }, max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
  return
end
expect(ids, "listns(NET|UTS) succeeds: " .. tostring(err))
expect(ids and #ids >= 0, "count >= 0")

P:exit(0)
init:wait(P)
