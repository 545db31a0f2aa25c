-- ns_active_ref_test/pidns_active_ref_lifecycle
-- A pid namespace is unreachable by handle once all its tasks (its pid 1
-- and the process whose pid_for_children it was) have exited and been
-- reaped.
-- 6.18 left out: the documents give the zombie/reap timing for a pid ns
-- created by clone(CLONE_NEWPID) (row 3c), not for this unshare + fork shape.
-- variants: 6.19
scenario { name = "ns_active_ref_test/pidns_active_ref_lifecycle", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

local C = P:clone {}
expect(C:unshare { "pid" }, "C: unshare(CLONE_NEWPID)")
local Q = C:ns("pid_for_children")
local G = C:clone {}                    -- pid 1 of Q
expect_eq(G:pid(), 1, "G is pid 1 of Q")

-- G: handle from /proc/self/ns/pid, send it, exit
local H = pat.ns_handle(G, "G", "pid")
G:exit(0)

-- C: reap G, then exit
expect_eq(C:wait(G), G, "C reaped G")
if Q then
  expect(sim.ns(Q) and sim.ns(Q).active > 0,
         "record timing note: Q still active through C's pid_for_children")
end
C:exit(0)

-- P: reap C, then open Q by handle
expect_eq(P:wait(C), C, "C reaped (exit 0)")
local fd, err = P:open_by_handle(H)
expect(not fd and st.inactive(err), "INACTIVE after every task of Q is gone: " .. tostring(err))
