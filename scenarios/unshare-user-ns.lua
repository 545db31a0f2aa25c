-- unshare() of a user namespace together with others, then setns() into
-- it from another task: the calls that pass set_cred_ucounts(), whose
-- failure the kernel handles differently in unshare() (EAGAIN; the new
-- nsproxy leaked before 7.0), clone() (EAGAIN) and setns() (EINVAL).
-- The fault sweep (docs/test-vectors.md) replays each with fail-nth.
scenario { name = "unshare and setns of a user namespace", kernel = "6.19" }
local pa = require("nsutil").pa
local a = assert(sim.init:clone {})
assert(a:unshare { "newuser", "newnet", "newuts" })
local U, N = a:ns("user"), a:ns("net")
assert(sim.init:uid_map(a, 0, 0))   -- a nested user ns needs its creator's ids mapped
assert(sim.init:gid_map(a, 0, 0))
expect_eq(sim.ns(N).owner, U, "the new user ns owns the new net ns")
expect_eq(pa(N), "1,1", "a's nsproxy: P and A")
local b = assert(sim.init:clone {})
local fd = assert(b:open_ns("user", a))
assert(b:setns(fd, { "newuser" }))
expect_eq(b:ns("user"), U, "b's cred is in a's user ns")
expect_eq(b:ns("net"), sim.init:ns("net"), "and b keeps its other namespaces")
assert(fd:close())
local c = assert(b:clone { "newuser" })
expect_eq(sim.ns(c:ns("user")).parent, U, "c's user ns is a child of U")
c:exit(0)
b:wait(c)
a:exit(0)
sim.init:wait(a)
expect_eq(sim.ns(N).alive, false, "the net ns dies with a's nsproxy")
b:exit(0)
sim.init:wait(b)
