-- file_handle_test/nsfs_uts_handle
-- Checks (Pattern H, X = uts): after dropping to uid/gid 65534 (no
-- capabilities left), a task can still encode a file handle for the uts
-- namespace it is a member of and reopen it by handle with O_RDONLY from
-- FD_NSFS_ROOT; the reopened file is the very same nsfs inode (equal dev
-- and ino).  Membership alone grants the open; no privilege is needed.
-- Simplification: the test process P is a forked child of init, so that
-- the drop to nobody does not touch init itself.
-- 6.18: handles exist there; a handle from name_to_handle_at carries type
-- and inum (needed by the per-type lookup) and the caller is in the
-- namespace, which is enough permission, so the outcome is the same.
-- variants: 6.19 6.18
scenario { name = "file_handle_test/nsfs_uts_handle", kernel = "6.19" }

local pat = require "selftest_patterns"

pat.nsfs_handle("uts")
