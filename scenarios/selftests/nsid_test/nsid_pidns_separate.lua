-- nsid_test/nsid_pidns_separate
-- C unshares PID, which only sets its pid_for_children; the grandchild G
-- forked afterwards is pid 1 of the new pid namespace.  P opens
-- /proc/<G>/ns/pid: its NS_GET_ID differs from P's (and is non-zero).
-- Pre: root (the test skips on EPERM/EACCES from unshare).
-- 6.18: NS_GET_ID exists and ids are unique (kernel-6.18-observed.md rows
-- 1a, 1d), so the outcome is the same.
-- Timing: G's 'Y' and C's 'Y' + pid go down one pipe; the scenario takes the
-- order in which C's bytes come first, so P's reads (one byte, then a pid)
-- get C's 'Y' and G's pid.  Only C is killed at the end, so G leaks.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_pidns_separate", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process (root), forked by the harness

local pf, perr = P:open_ns("pid")
expect(pf, "open /proc/self/ns/pid: " .. tostring(perr))
local a = pf:ioctl("NS_GET_ID")
expect(a and a ~= 0, "P's own pid ns id is not zero")

local C = P:clone {}
local ok, err = C:unshare { "pid" }
expect(ok, "the child unshares PID (else the test skips): " .. tostring(err))
local G, gerr = C:clone {}               -- fork(C) -> G
expect(G, "fork the grandchild: " .. tostring(gerr))
expect_eq(C:ns("pid"), P:ns("pid"), "C itself stays in P's pid ns")
expect_eq(G:pid(), 1, "G is pid 1 in the new pid ns")
expect(G:ns("pid") ~= P:ns("pid"), "G is in the new pid namespace")
-- C writes 'Y' and G's pid, G writes 'Y'; both pause.

local g, oerr = P:open_ns("pid", G)
expect(g, "open /proc/<G>/ns/pid: " .. tostring(oerr))
local b, berr = g:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID on G's pid ns: " .. tostring(berr))
expect(b and b ~= 0, "G's pid ns id is not zero")
expect(b ~= a, "G's pid ns id differs from P's")
pf:close()
g:close()

-- cleanup: SIGTERM C and reap it; G is left running (it leaks)
P:kill(C, 15)
expect_eq(P:wait(C), C, "reap C")
