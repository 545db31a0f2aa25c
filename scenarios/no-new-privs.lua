-- prctl(PR_SET_NO_NEW_PRIVS): the kernel's tests set it before unshare().
-- It only goes on (0 is EINVAL), children inherit it, and it moves no
-- namespace counter: the unshare() after it is as without.
scenario { name = "no_new_privs", kernel = "6.19" }
local c = assert(sim.init:clone {})
expect_eq(c:no_new_privs(), 0)
expect_errno(select(2, c:set_no_new_privs(0)), "EINVAL", "it cannot be cleared")
assert(c:set_no_new_privs())
expect_eq(c:no_new_privs(), 1)
local d = assert(c:clone {})
expect_eq(d:no_new_privs(), 1, "inherited")
assert(d:unshare { "newuser", "newnet" })
expect(d:ns("net") ~= c:ns("net"), "unshare() as ever")
d:exit(0)
c:wait(d)
c:exit(0)
sim.init:wait(c)
