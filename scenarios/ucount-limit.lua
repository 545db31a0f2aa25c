-- A max_*_namespaces limit set in a child user namespace (kernel-6.18-
-- observed.md row 5b): with max_net_namespaces at 1 and one net namespace
-- held, a second unshare(CLONE_NEWNET) fails with ENOSPC in inc_ucount() and
-- create_new_namespaces() unwinds what it had built; the task keeps its
-- namespaces.  This is a failure path a real kernel reaches on purpose from
-- userspace, so `nssim export` carries it into the C test vector.
-- variants: 6.19 6.18
scenario { name = "ucount limit", kernel = "6.19" }

local init = sim.init
local c = init:clone { "newuser" }
assert(init:uid_map(c, 0, 0, 1)); assert(init:gid_map(c, 0, 0, 1))
assert(c:set_max_namespaces("net", 1))
expect_errno(select(2, c:set_max_namespaces("net", -1)), "EINVAL", "a negative limit")

-- g, in c's user namespace: its net namespaces count against c's limit
local g = c:clone {}
assert(g:unshare { "net" })
local net1 = g:ns("net")
local held = assert(g:open_ns("net"))
local ok, err = g:unshare { "net" }
expect_errno(err, "ENOSPC", "a second net namespace is over the limit")
expect_eq(g:ns("net"), net1, "the failed unshare leaves the task where it was")
expect(g:unshare { "uts" }, "uts namespaces have their own limit")

-- the limit is c's namespace's: init, outside it, is not bound by it
expect(init:clone { "newnet" }, "the initial user namespace keeps its own limit")

held:close()
g:exit(0); c:wait(g)
c:exit(0); init:wait(c)
sim.run()
