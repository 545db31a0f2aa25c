-- Found by: nssim explore --kernel 7.1 --seed 1 (24 operations shrunk to 3)
-- Recorded as the kernel's behaviour, not a model bug: on 7.x a failing
-- set_cred_ucounts() in unshare() put_nsproxy()s the new nsproxy, whose
-- active references switch_task_namespaces() never took
-- (a98621a0f187's fix meeting 6.19's active counts): every new namespace
-- goes to __ns_ref_active -1 (violations active-recount, active-negative;
-- the kernel warns, as faults/set-cred-ucounts.lua shows on linux-7.1-um).
-- On 6.19 the same path leaks the nsproxy instead, with no violation.
-- Real uid 0, euid 1000: the namespaces' charges take (U, 1000), the
-- cred's ucounts (U, 0), a key nothing holds yet, so set_cred_ucounts()
-- allocates and can fail.
scenario { name = "explore: active-recount in unshare failing", kernel = "7.1", audit = "full" }

local t0 = sim.init
sim.fail_next("set_cred_ucounts")
t0:setresuid(0, 1000, -1)
t0:unshare { "newuser", "newnet", "newpid", "newuts", "newipc", "newcgroup", "newtime" }  -- EAGAIN
