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

local pat = require "selftest_patterns"

pat.nsid_separate_grandchild("pid", function(G)
  expect_eq(G:pid(), 1, "G is pid 1 in the new pid ns")
end)
