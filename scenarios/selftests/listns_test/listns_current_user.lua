-- listns_test/listns_current_user
-- user_ns_id = LISTNS_CURRENT_USER is accepted: the call succeeds (count
-- >= 0); what it lists is only logged by the test.
-- On 6.18 listns gives ENOSYS (kernel-6.18-observed.md row 4): skip.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_current_user", kernel = "6.19" }

local init = sim.init
local P = init:clone {}

local ids, err = P:listns { user_ns = "current", max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
  return
end
expect(ids, "listns(owner=LISTNS_CURRENT_USER) succeeds: " .. tostring(err))
expect(ids and #ids >= 0, "count >= 0")

P:exit(0)
init:wait(P)
