-- ns_active_ref_test/userns_active_ref_lifecycle
-- A user namespace whose only task has exited is unreachable by handle as
-- soon as that task is reaped (the cred's active ref goes at reap).
-- 6.18: a user ns with nothing left after reap still opens right after the
-- reap and gives ESTALE only once the RCU-deferred cred free has run
-- (kernel-6.18-observed.md rows 3a', 3c): the record's INACTIVE check fails
-- there; this scenario asserts what 6.18 does, with the later ESTALE
-- reached by running the deferred work (sim.run()).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/userns_active_ref_lifecycle", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process

-- child: unshare USER, best-effort maps, handle from /proc/self/ns/user, exit
local C = P:clone {}
expect(C:unshare { "user" }, "C: unshare(CLONE_NEWUSER)")
C:uid_map(C, 0, 0, 1)                   -- best effort ("0 <uid> 1"), result ignored
C:gid_map(C, 0, 0, 1)
local H = pat.ns_handle(C, "C", "user")
C:exit(0)

expect_eq(P:wait(C), C, "C reaped (exit 0)")
local fd, err = P:open_by_handle(H)
if sim.kernel == "6.18" then
  expect(fd, "6.18: the user ns still opens right after reap (row 3a')")
  if fd then fd:close() end
  sim.run()                             -- the RCU-deferred cred free
  fd, err = P:open_by_handle(H)
  expect_errno(err, "ESTALE", "6.18: ESTALE once the cred has been freed")
else
  expect(not fd and st.inactive(err), "INACTIVE right after reap: " .. tostring(err))
end
