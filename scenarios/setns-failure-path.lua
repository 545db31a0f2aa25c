-- The setns() failure path of the active-reference series (kernel-model.md
-- §9.1, syzbot 0b2e79f91ff6579bfa5b): a setns() that fails after
-- prepare_nsset() released active references it never took.  On 6.19-prefix
-- the caller's own net namespace goes inactive while in use and then
-- negative, which the invariants report (exit 1); on 6.19 nothing moves.
--   nssim run scenarios/setns-failure-path.lua                       # ok
--   nssim run --kernel 6.19-prefix scenarios/setns-failure-path.lua  # violated
scenario { name = "setns failure path", kernel = "6.19" }

local c = sim.init:clone {}
assert(c:unshare { "user", "net" })
local net, user = c:ns("net"), c:ns("user")
expect_eq(sim.ns(net).active, 1, "the caller's net ns is active")
expect_eq(sim.ns(user).active, 2, "its user ns: the cred and the active net ns")

local fd = c:open_ns("user")
for i = 1, 2 do
  local ok, err = c:setns(fd, { "user" })
  expect_errno(err, "EINVAL", "setns into the current user ns")
end
expect_eq(sim.ns(net).active, 1, "two failed setns() leave the net ns active")
expect_eq(sim.ns(user).active, 3, "and its user ns (cred, net, the open fd)")
