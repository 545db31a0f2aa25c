-- kernel-model.md §9.1 (syzbot 0b2e79f91ff6579bfa5b, fixed by cefd55bd2159):
-- a setns() that fails after prepare_nsset() put active references it never
-- took, on every namespace of the caller.  Violated on 6.19-prefix (exit 1),
-- exact on 6.19 (exit 0).  As written by nssim explore, unedited below.
-- Found by: nssim explore --kernel 6.19-prefix --seed 1
-- Invariant broken: active-recount, in a setns failing event (24 operations shrunk to 2).
-- The invariants are checked after every event (audit full), as explore does.
scenario { name = "explore: active-recount in setns failing", kernel = "6.19", audit = "full" }

local t0 = sim.init
local f1 = t0:pidfd_open(t0)
t0:setns(f1, { "newuser" })  -- EINVAL
