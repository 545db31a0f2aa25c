-- An unprivileged task maps its own gid in a new user namespace only once
-- /proc/<pid>/setgroups says "deny" (new_idmap_permitted()); "deny" cannot
-- be undone, cannot come after the gid_map, and a child user namespace
-- inherits it.  Root in the parent needs none of it (CAP_SETGID there).
scenario { name = "setgroups and the gid_map", kernel = "6.19" }
local c = assert(sim.init:clone {})
assert(c:setresgid(1000, 1000, 1000))
assert(c:setresuid(1000, 1000, 1000))
assert(c:execve())                  -- dumpable again: its /proc files are its own
assert(c:unshare { "newuser" })
assert(c:uid_map(c, 0, 1000, 1))
expect_errno(select(2, c:gid_map(c, 0, 1000, 1)), "EPERM", "setgroups still allowed")
assert(c:setgroups(c, "allow"))     -- allowed already: a no-op
assert(c:setgroups(c, "deny"))
expect_errno(select(2, c:setgroups(c, "allow")), "EPERM", "deny is for good")
assert(c:gid_map(c, 0, 1000, 1))
expect_errno(select(2, c:setgroups(c, "deny")), "EPERM", "not after the gid_map")
local d = assert(c:clone { "newuser" })
expect_errno(select(2, c:setgroups(d, "allow")), "EPERM", "the child inherits deny")
-- root in the initial user ns maps any gid without touching setgroups
local e = assert(sim.init:clone { "newuser" })
assert(sim.init:gid_map(e, 0, 1000, 10))
for _, t in ipairs { d, e } do
  t:exit(0)
end
c:reap(d)
sim.init:reap(e)
c:exit(0)
sim.init:reap(c)
