-- unshare(CLONE_NEWUSER | CLONE_NEWNET) whose nsproxy allocation fails
-- (create_nsproxy in create_new_namespaces): ENOMEM, and everything made
-- for it so far is undone; the same call then succeeds.  Its vector finds
-- the allocation on a real kernel with fail-nth (docs/fault-sites.md).
scenario { name = "fault: create_new_namespaces", kernel = "6.19" }
local c = sim.init:clone {}
sim.fail_next("create_new_namespaces")
local ok, err = c:unshare { "newuser", "newnet" }
expect_errno(err, "ENOMEM", "create_nsproxy failed")
assert(c:unshare { "newuser", "newnet" })
c:exit(0)
sim.init:wait(c)
