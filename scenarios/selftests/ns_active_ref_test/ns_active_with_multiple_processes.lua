-- ns_active_ref_test/ns_active_with_multiple_processes
-- A net namespace stays reachable by handle while a second process that
-- joined it with setns is still a member, after its creator has exited and
-- been reaped.
-- 6.18: a full handle opens while __ns_ref > 0; C2's nsproxy holds N
-- throughout (kernel-6.18-observed.md, consequences), so the outcome is the
-- same.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_active_with_multiple_processes", kernel = "6.19" }

local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C1: unshare NET -> N, send a handle built from an fd (then closed), wait
local C1 = P:clone {}
expect(C1:unshare { "net" }, "C1: unshare(CLONE_NEWNET)")
local N = C1:ns("net")
local H = pat.ns_handle(C1, "C1", "net")

-- C2: open N by handle, setns into it, close the fd, then sleep 1 s.
-- The real test assumes C2 is done within P's 100 ms sleep; here C2's
-- steps simply come first.
local C2 = P:clone {}
local g2, err = C2:open_by_handle(H)
expect(g2, "C2: open_by_handle_at(H) (failure: C2 exits 1): " .. tostring(err))
if g2 then
  expect(C2:setns(g2, { "net" }), "C2: setns(CLONE_NEWNET)")
  g2:close()
end
expect_eq(C2:ns("net"), N, "C2 is a member of N")

-- P: sleep 100 ms, signal C1 (it exits 0), reap it, open N by handle
sim.sleep(sim.ms(100))
C1:exit(0)
expect_eq(P:wait(C1), C1, "C1 reaped")
local g, gerr = P:open_by_handle(H)
expect(g, "N still opens: C2 is a member: " .. tostring(gerr))
if g then g:close() end

-- C2 outlives that check (its 1 s sleep), then exits normally; P reaps it
sim.sleep(sim.ms(900))
C2:exit(0)
expect_eq(P:wait(C2), C2, "C2 exited normally and was reaped")
