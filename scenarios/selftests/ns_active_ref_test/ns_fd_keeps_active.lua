-- ns_active_ref_test/ns_fd_keeps_active
-- An open /proc/<pid>/ns/net fd keeps a net namespace reachable by handle
-- after its only member has exited and been reaped; the handle opens the
-- same inode, and closing the last fd makes the namespace unreachable.
-- 6.18: a full handle opens while __ns_ref > 0 (kernel-6.18-observed.md,
-- consequences); the fd is the last holder, so the same outcomes, with
-- ESTALE as the errno (row 3c: always ESTALE).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_fd_keeps_active", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C: unshare NET -> N, send a handle built from an fd (then closed), wait
local C = P:clone {}
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET)")
local H = pat.ns_handle(C, "C", "net")

-- P: open /proc/<C>/ns/net while C waits, then signal C and reap it
local fN, ferr = P:open_ns("net", C)
expect(fN, "P: open /proc/<C>/ns/net (failure: SKIP): " .. tostring(ferr))
if not fN then return end
C:exit(0)
expect_eq(P:wait(C), C, "C reaped (exit 0)")

local f2, err = P:open_by_handle(H)
expect(f2, "the open fd keeps N reachable: " .. tostring(err))
if f2 then
  expect(pat.same(fN, f2), "same(fN, f2): equal dev and ino")
  f2:close()
end
fN:close()
local f3, err3 = P:open_by_handle(H)
if sim.kernel == "6.18" then
  expect_errno(err3, "ESTALE", "6.18: ESTALE once the last fd is closed")
else
  expect(not f3 and st.inactive(err3), "INACTIVE once the last fd is closed: " .. tostring(err3))
end
