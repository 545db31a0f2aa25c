-- clone(CLONE_NEWPID) whose struct pid allocation fails (alloc_pid):
-- ENOMEM; the pid namespace made for the child goes with the unwind.
scenario { name = "fault: alloc_pid", kernel = "6.19" }
sim.fail_next("alloc_pid")
local c, err = sim.init:clone { "newpid" }
expect_errno(err, "ENOMEM", "alloc_pid failed")
c = assert(sim.init:clone { "newpid" })
c:exit(0)
sim.init:wait(c)
