-- kernel-model.md §9.2 (syzbot 1957b26299cf3ff7890c, fixed by f8d5a8970d2f):
-- setns(pidfd) validated the target's namespaces, the target exited (its
-- namespaces and their owner went inactive), and the commit's plain active
-- get brought them back without charging the owner user namespace.
-- Violated on 6.19-prefix (exit 1), exact on 6.19 (exit 0).  As written by
-- nssim explore, unedited below.
-- Found by: nssim explore --kernel 6.19-prefix --seed 1
-- Invariant broken: active-recount, in a setns_finish succeeding event (24 operations shrunk to 6).
-- The invariants are checked after every event (audit full), as explore does.
scenario { name = "explore: active-recount in setns_finish succeeding", kernel = "6.19", audit = "full" }

local t0 = sim.init
local t1 = t0:clone { "newipc" }
local t2 = t1:clone { "newuser", "newuts", "newcgroup", "newtime" }
local f1 = t1:pidfd_open(t2)
local o1 = t1:setns_begin(f1, { "newcgroup" })
t2:exit(0)
t1:setns_finish(o1)
