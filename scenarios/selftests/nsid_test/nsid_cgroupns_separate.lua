-- nsid_test/nsid_cgroupns_separate
-- A child that unshares CGROUP gets a cgroup namespace whose NS_GET_ID (read by
-- the parent through /proc/<child>/ns/cgroup) is non-zero and differs from the
-- parent's own.  Pre: root.
-- 6.18: NS_GET_ID exists and ids are unique (kernel-6.18-observed.md rows
-- 1a, 1d), so the outcome is the same.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_cgroupns_separate", kernel = "6.19" }

local pat = require "selftest_patterns"

pat.nsid_separate("cgroup")
