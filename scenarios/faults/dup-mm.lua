-- clone() of a new user and net namespace whose address space copy fails
-- (dup_mm): ENOMEM after the namespaces were made; copy_process unwinds them.
scenario { name = "fault: dup_mm", kernel = "6.19" }
sim.fail_next("dup_mm")
local c, err = sim.init:clone { "newuser", "newnet" }
expect_errno(err, "ENOMEM", "dup_mm failed")
c = assert(sim.init:clone { "newuser", "newnet" })
c:exit(0)
sim.init:wait(c)
