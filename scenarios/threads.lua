-- Threads share the nsproxy and the cred; a thread that unshares gets a
-- private nsproxy, and its namespaces go inactive when it exits, before any
-- join, unless an fd holds them (ns_active_ref_test: thread_ns_*).
scenario { name = "threads", kernel = "6.19" }

local init = sim.init
local p = init:clone { "newuser" }
local t1 = p:clone { "thread", "sighand", "vm", "fs", "files" }
local t2 = p:clone { "thread", "sighand", "vm", "fs", "files" }
expect_eq(t1:ns("net"), p:ns("net"), "a thread shares the nsproxy")
local user = p:ns("user")
expect_eq(sim.ns(user).active, 3, "one active reference per task on the cred's user ns")

assert(t1:unshare { "net" })
assert(t2:unshare { "net" })
local n1, n2 = t1:ns("net"), t2:ns("net")
expect(n1 ~= p:ns("net"), "the unsharing thread has its own net ns")
local keep = t2:open_ns("net")   -- in the fd table all three share
keep = p:fd(keep.fd)             -- p's view of it outlives t2

expect_errno(select(2, p:unshare { "user" }), "EINVAL", "not while multi-threaded")
t1:exit_thread(0)
expect_eq(t1:state(), "gone", "a thread is reaped at once")
expect_eq(sim.ns(n1).active, 0, "its private net ns went inactive with it")
t2:exit_thread(0)
expect_eq(sim.ns(n2).active, 1, "an fd keeps the other one active")
keep:close()
expect_eq(sim.ns(n2).active, 0, "until it is closed")
expect_eq(sim.ns(user).active, 1, "only p's cred is left on the user ns")

local _, err = p:unshare { "user" }
expect_errno(err, "EPERM", "p's uid has no mapping in its user ns yet")
init:uid_map(p, 0, 0, 1); init:gid_map(p, 0, 0, 1)
expect(p:unshare { "user" }, "single-threaded and mapped: unshare(CLONE_NEWUSER) works")
