-- unshare(CLONE_NEWUSER | CLONE_NEWNET) whose new cred's ucounts cannot be
-- allocated (set_cred_ucounts, after unshare_nsproxy_namespaces()): EAGAIN.
-- Until a98621a0f187 (7.0) ksys_unshare() skipped the new nsproxy on this
-- path: it leaks, and the net namespace in it is never freed, nor the new
-- user namespace that owns it, though no handle opens either (their
-- active counts stay 0).
scenario { name = "fault: set_cred_ucounts in unshare", kernel = "6.19" }
local pa = require("nsutil").pa
local c = sim.init:clone {}
assert(c:setresuid(1000, 0, 0))   -- real uid 1000, still root (euid 0)
local before = #sim.ns_ids()
sim.fail_next("set_cred_ucounts")
local _, err = c:unshare { "newuser", "newnet" }
expect_errno(err, "EAGAIN", "set_cred_ucounts failed")
expect_eq(c:ns("net"), sim.init:ns("net"), "c keeps its net namespace")
local ids = sim.ns_ids()
local U, N = ids[#ids - 1], ids[#ids]
expect_eq(#ids, before + 2, "the new user and net namespaces")
expect_eq(sim.ns(N).type, "net")
expect_eq(sim.ns(N).owner, U)
c:exit(0)
sim.init:wait(c)
sim.sleep(sim.ms(100))
expect_eq(pa(N), "1,0", "the leaked nsproxy's P, no A: never visible, never freed")
expect_eq(pa(U), "1,0", "the net ns's P on its owner keeps the user ns")
