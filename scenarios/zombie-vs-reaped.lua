-- A zombie keeps its user and pid namespaces active (cred and struct pid),
-- while everything its nsproxy held is already inactive; reaping drops the
-- rest (kernel-model.md §5.6, §10.4; kernel-6.18-observed.md row 3c).
scenario { name = "zombie versus reaped visibility", kernel = "6.19" }

local init = sim.init
local c = init:clone { "newuser", "newpid", "newnet", "newuts" }
local user, pid, net, uts = c:ns("user"), c:ns("pid"), c:ns("net"), c:ns("uts")

expect_eq(sim.ns(user).active, 4, "user ns: the cred, and the active pid, net and uts ns it owns")
c:exit(0)
expect_eq(c:state(), "zombie", "the child is a zombie")
expect_eq(sim.ns(net).active, 0, "net ns inactive once the nsproxy is gone")
expect_eq(sim.ns(uts), nil, "uts ns freed at once")
expect_eq(sim.ns(pid).active, 1, "pid ns active: the zombie's struct pid")
expect_eq(sim.ns(user).active, 2, "user ns active: the cred and the pid ns")

local _, err = init:open_ns("net", c)
expect_errno(err, "ENOENT", "a zombie has no /proc/<pid>/ns/net")
local fd = init:open_ns("user", c)
expect(fd, "a zombie's /proc/<pid>/ns/user opens")
fd:close()

expect_eq(init:wait(c), c, "reaped")
expect_eq(sim.ns(pid).active, 0, "pid ns inactive after free_pid")
expect_eq(sim.ns(user).active, 0, "user ns inactive after exit_cred_namespaces")
expect(sim.ns(user).ref > 0, "user ns memory waits for RCU")

sim.run()   -- the deferred frees
expect_eq(sim.ns(user), nil, "user ns freed")
expect_eq(sim.ns(pid), nil, "pid ns freed")
