-- nsid_test/nsid_timens_separate
-- C unshares TIME, which only sets its time_for_children; a grandchild G
-- forked afterwards is the one that enters the new time namespace.  P
-- opens /proc/<G>/ns/time: its NS_GET_ID is non-zero and differs from P's.
-- Pre: root (the test skips on EPERM/EACCES/EINVAL from unshare, and when
-- /proc/self/ns/time is absent).
-- 6.18: NS_GET_ID exists and ids are unique (kernel-6.18-observed.md rows
-- 1a, 1d), so the outcome is the same.
-- Timing: G's 'Y' and C's 'Y' + pid go down one pipe; the scenario takes the
-- order in which C's bytes come first, so P's reads (one byte, then a pid)
-- get C's 'Y' and G's pid.  Only C is killed at the end, so G leaks.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_timens_separate", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process (root), forked by the harness

local pf, perr = P:open_ns("time")
expect(pf, "open /proc/self/ns/time: " .. tostring(perr))
local a = pf:ioctl("NS_GET_ID")
expect(a and a ~= 0, "P's own time ns id is not zero")

local C = P:clone {}
local ok, err = C:unshare { "time" }
expect(ok, "the child unshares TIME (else the test skips): " .. tostring(err))
local G, gerr = C:clone {}               -- fork(C) -> G
expect(G, "fork the grandchild: " .. tostring(gerr))
expect_eq(C:ns("time"), P:ns("time"), "C itself stays in P's time ns")
expect(G:ns("time") ~= P:ns("time"), "G is in the new time namespace")
-- C writes 'Y' and G's pid, G writes 'Y'; both pause.

local g, oerr = P:open_ns("time", G)
expect(g, "open /proc/<G>/ns/time: " .. tostring(oerr))
local b, berr = g:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID on G's time ns: " .. tostring(berr))
expect(b and b ~= 0, "G's time ns id is not zero")
expect(b ~= a, "G's time ns id differs from P's")
pf:close()
g:close()

-- cleanup: SIGTERM C and reap it; G is left running (it leaks)
P:kill(C, 15)
expect_eq(P:wait(C), C, "reap C")
