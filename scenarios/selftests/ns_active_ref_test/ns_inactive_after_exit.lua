-- ns_active_ref_test/ns_inactive_after_exit
-- A net namespace whose only member was a child is no longer reachable by
-- handle once that child has exited and been reaped.
-- 6.18: a net ns is ESTALE already while its last member is a zombie, and
-- the errno is always ESTALE (kernel-6.18-observed.md row 3c).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_inactive_after_exit", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- child: unshare NET, encode a handle from /proc/self/ns/net, close, exit
local C = P:clone {}
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET)")
local H = pat.ns_handle(C, "C", "net")
C:exit(0)

-- parent: read H (a Lua value here), reap, then open by handle at once
expect_eq(P:wait(C), C, "C reaped (exit 0)")
local fd, err = P:open_by_handle(H)
if sim.kernel == "6.18" then
  expect_errno(err, "ESTALE", "6.18: net ns gone with its last member")
else
  expect(not fd and st.inactive(err), "INACTIVE right after reap: " .. tostring(err))
end
