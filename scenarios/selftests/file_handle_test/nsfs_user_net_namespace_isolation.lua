-- file_handle_test/nsfs_user_net_namespace_isolation
-- Checks (Pattern I, X = net): a handle encoded for the initial net
-- namespace cannot be opened from inside a child user namespace that has
-- its own net namespace: the caller is not a member and has no
-- CAP_SYS_ADMIN over the initial user namespace, so open_by_handle_at
-- fails with ESTALE (reported 'P' by the real test; 'S' = success and
-- 'F' = another errno would be failures).
-- Simplification: P, the test process, is a root child of init; the pipe
-- that carries the result back is replaced by expectations in place, in
-- the order the real processes run (handle, fork, unshares, open, exits).
-- 6.18: the handle carries type and inum; the caller is neither in the
-- initial net namespace nor capable over its owner (init_user_ns), and
-- every decode failure reaches userspace as ESTALE, so the outcome is the
-- same there.
-- variants: 6.19 6.18
scenario { name = "file_handle_test/nsfs_user_net_namespace_isolation", kernel = "6.19" }

local pat = require "selftest_patterns"

pat.nsfs_user_isolation("net")
