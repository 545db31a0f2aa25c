-- CPU hotplug drops a lazy-TLB pin (kernel/cpu.c takedown_cpu ->
-- idle_task_exit -> mmdrop_lazy_tlb): CPU 1 idles on a dead container's mm,
-- which keeps the container's user namespace in memory; taking CPU 1
-- offline releases it.  The last online CPU cannot go (EBUSY).
scenario { name = "CPU hotplug", kernel = "6.19", cpus = 2 }

local init = sim.init
local c = init:clone { "newuser" }
assert(c:run_on(1))
assert(c:execve())
local U = c:ns("user")
c:exit(0)                                  -- on CPU 1: CPU 1 idles on its mm
init:wait(c)
sim.run()
expect(sim.cpu(1).lazy_mm ~= nil, "CPU 1 borrows the dead task's mm")
expect_eq(sim.ns(U).ref, 1, "the user ns: held by that mm alone")

assert(sim.cpu(1):offline())
expect_eq(sim.cpu(1).online, false, "CPU 1 is offline")
expect_eq(sim.cpu(1).lazy_mm, nil, "its idle task dropped the mm")
sim.run()
expect_eq(sim.ns(U), nil, "and the user ns is freed")

local _, err = sim.cpu(0):offline()
expect_errno(err, "EBUSY", "the last online CPU stays")
_, err = c:run_on(1)
expect_errno(err, "ESRCH", "the container is gone")
local t = init:clone {}
_, err = t:run_on(1)
expect_errno(err, "EINVAL", "nothing runs on an offline CPU")
assert(sim.cpu(1):bring_online())
expect(t:run_on(1), "until it is back")
t:exit(0); init:wait(t)
