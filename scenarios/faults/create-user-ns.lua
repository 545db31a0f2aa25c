-- unshare(CLONE_NEWUSER) whose user namespace allocation fails
-- (create_user_ns): ENOMEM, its ucount charge undone.
scenario { name = "fault: create_user_ns", kernel = "6.19" }
local c = sim.init:clone {}
sim.fail_next("create_user_ns")
local ok, err = c:unshare { "newuser" }
expect_errno(err, "ENOMEM", "create_user_ns failed")
assert(c:unshare { "newuser" })
c:exit(0)
sim.init:wait(c)
