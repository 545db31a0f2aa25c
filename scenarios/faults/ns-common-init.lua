-- unshare(CLONE_NEWNET) whose inode number allocation fails
-- (__ns_common_init: proc_alloc_inum): ENOMEM.
scenario { name = "fault: ns_common_init", kernel = "6.19" }
local c = sim.init:clone {}
sim.fail_next("ns_common_init")
local ok, err = c:unshare { "newnet" }
expect_errno(err, "ENOMEM", "proc_alloc_inum failed")
assert(c:unshare { "newnet" })
c:exit(0)
sim.init:wait(c)
