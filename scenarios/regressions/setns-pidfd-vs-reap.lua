-- kernel-model.md §9.2 (syzbot 1957b26299cf3ff7890c, fixed by f8d5a8970d2f
-- "ns: handle setns(pidfd, ...) cleanly"): P2's setns(pidfd) has validated
-- P1's namespaces when P1 exits and is reaped; its namespaces go inactive
-- and their owner U with them.  P2's commit then activates them again.  On
-- 6.19-prefix the plain active get does not charge the owner: A(U) misses
-- the shares of the net and mnt namespaces it owns (reported), and their
-- later puts underflow it.  On 6.19 every active get resurrects the owner
-- chain and the counts stay exact.
--   nssim run scenarios/regressions/setns-pidfd-vs-reap.lua                       # ok
--   nssim run --kernel 6.19-prefix scenarios/regressions/setns-pidfd-vs-reap.lua  # violated
scenario { name = "setns(pidfd) versus reap", kernel = "6.19" }

local init = sim.init
local p1 = init:clone { "newuser", "newnet", "newns" }
local U, N, M = p1:ns("user"), p1:ns("net"), p1:ns("mnt")
local p2 = init:clone {}
local pfd = p2:pidfd_open(p1)
local op = assert(p2:setns_begin(pfd, { "user", "net", "mnt" }))   -- validated
p1:exit(0); init:wait(p1)                                          -- the race
expect_eq(sim.ns(U).active, 0, "P1's user ns went inactive with it")
assert(p2:setns_finish(op))                                        -- commit
expect_eq(p2:ns("net"), N, "P2 is in P1's net ns")
expect_eq(sim.ns(U).active, 3, "U: P2's cred, and the net and mnt namespaces it owns")
p2:exit(0); init:wait(p2)
sim.run()
expect_eq(sim.ns(U), nil, "and everything is freed at the end")
