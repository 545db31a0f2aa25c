-- A namespace charged to a (user ns, uid) key nothing holds yet: the
-- struct ucounts is allocated in inc_ucount(), and when that fails the
-- creation fails with ENOSPC, as at a limit.  Root with euid 1000 (real
-- uid 0) creating a user namespace charges (initial user ns, 1000), a key
-- no cred holds (creds are keyed by the real uid).
scenario { name = "fault: alloc_ucounts", kernel = "6.19" }
local pa = require("nsutil").pa
local c = assert(sim.init:clone {})
assert(c:setresuid(0, 1000, 0))
sim.fail_next("alloc_ucounts")
local _, err = c:unshare { "newuser" }
expect_errno(err, "ENOSPC", "alloc_ucounts failed: inc_ucount() gives NULL")
assert(c:unshare { "newuser" })
local U = c:ns("user")
-- P on U: c's cred and the struct ucounts of (U, real uid 0) that
-- set_cred_ucounts() allocated for it
expect_eq(pa(U), "2,1", "cred + ucounts; A: the cred")
c:exit(0)
sim.init:wait(c)
