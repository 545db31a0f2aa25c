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

local pat = require "selftest_patterns"

pat.nsid_separate_grandchild("time")
