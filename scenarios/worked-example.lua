-- kernel-model.md §10.1: clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWPID),
-- exec, exit, reap and the deferred frees, with (P, A) after each step.
-- U's P has one more holder than §10.1 lists: the struct ucounts of (U,
-- uid 0), which set_cred_ucounts() allocates for the child's cred and the
-- pid and net namespaces' charges share; it takes a P on U
-- (alloc_ucounts' get_user_ns) until its last holder goes.
scenario { name = "worked example 10.1", kernel = "6.19" }

local pa = require("nsutil").pa

local init = sim.init
local c = init:clone { "newuser", "newnet", "newpid" }
local U, PN, NN = c:ns("user"), c:ns("pid"), c:ns("net")

expect_eq(pa(U), "4,3", "U: cred + 2 owned + ucounts; A: cred + 2 active owned")
expect_eq(pa(PN), "2,2", "PN: nsproxy slot + struct pid")
expect_eq(pa(NN), "1,1", "NN: nsproxy slot")
expect_eq(c:pid(), 1, "the child is pid 1 in its pid ns")

c:execve()
sim.sleep(sim.ms(30))            -- the replaced cred goes after RCU
expect_eq(pa(U), "5,3", "exec: the new mm holds P on U")

c:exit(0)
expect_eq(pa(NN), "0,0", "exit: NN inactive and dying")
expect_eq(pa(PN), "1,1", "the zombie's struct pid keeps PN active")
expect_eq(pa(U), "5,2", "U keeps the cred and the active PN")
sim.sleep(sim.ms(1))             -- cleanup_net
expect_eq(sim.ns(NN), nil, "NN freed")
expect_eq(pa(U), "4,2", "cred, PN, the mm the idle CPU still borrows, ucounts")

init:wait(c)
expect_eq(pa(U), "3,0", "reap: init ran (the lazy mm went), then cred and pid A")
expect_eq(pa(PN), "1,0", "PN inactive; the struct pid waits for RCU")
sim.run()
expect_eq(sim.ns(PN), nil, "PN freed")
expect_eq(sim.ns(U), nil, "U freed")
