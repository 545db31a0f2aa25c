-- setreuid(), setregid() and setfsgid(), as the kernel's tests use them
-- to make a caller whose real and effective ids differ.  setreuid() takes
-- the cred's ucounts to the new real uid (set_cred_ucounts()): a new key,
-- whose struct ucounts holds a P on the user namespace while it lives.
scenario { name = "setreuid, setregid, setfsgid", kernel = "6.19" }
local c = assert(sim.init:clone { "newuser" })
assert(sim.init:uid_map(c, 0, 1000, 10))
assert(sim.init:gid_map(c, 0, 1000, 10))
local U = c:ns("user")
assert(c:setresuid(0, 0, 0))                 -- kuid 1000 everywhere
assert(c:setresgid(0, 0, 0))
expect_eq(c:setfsgid(5), 0, "setfsgid returns the old fsgid")
expect_eq(c:setfsgid(5), 5, "and changed it (root in U)")
assert(c:setregid(2, 3))                     -- real gid 2, effective 3 (saved follows: 3)
assert(c:setreuid(1, 2))                     -- real uid 1, effective 2: caps go
local _, err = c:setreuid(0, -1)
expect_errno(err, "EPERM", "0 is none of the old ids any more")
assert(c:setreuid(-1, 1))                    -- back to the old real uid: allowed
expect_eq(c:setfsgid(9), 3, "setfsgid without CAP_SETGID: refused, the old fsgid")
sim.sleep(sim.ms(30))                        -- the replaced creds go after RCU
-- P: c's cred and its ucounts (U, kuid 1001), alive; the other keys went with their creds
expect_eq(sim.ns(U).ref, 2, "P: the cred and its ucounts")
c:exit(0)
sim.init:wait(c)
