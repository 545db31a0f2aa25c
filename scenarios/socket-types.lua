-- socket() by family, type and protocol, as the kernel's create functions
-- take them: every socket holds its net namespace (sk_alloc), whatever its
-- kind; what fails, fails before that.  unix takes SOCK_RAW as SOCK_DGRAM,
-- netlink has no stream sockets, inet raw sockets need a protocol and
-- CAP_NET_RAW over the net namespace's owner, and a ping socket (dgram,
-- ICMP) is refused by ping_group_range's default (EACCES).
scenario { name = "socket types", kernel = "6.19" }
local c = assert(sim.init:clone { "newuser", "newnet" })
local N = c:ns("net")
local s = assert(c:socket("unix", "stream"))
expect_eq(sim.ns(N).ref, 2, "the nsproxy slot and the socket")
assert(s:close())
assert(c:socket("unix", "raw")):close()
expect_errno(select(2, c:socket("netlink", "stream")), "ESOCKTNOSUPPORT")
expect_errno(select(2, c:socket("inet", "raw")), "EPROTONOSUPPORT", "raw needs a protocol")
assert(c:socket("inet", "raw", 1)):close()          -- root in the net ns's owner: CAP_NET_RAW
expect_errno(select(2, c:socket("inet", "dgram", 1)), "EACCES", "ping_group_range")
expect_errno(select(2, c:socket("inet6", "stream", 17)), "EPROTONOSUPPORT")
expect_errno(select(2, c:socket("inet6", "seqpacket")), "ESOCKTNOSUPPORT", "no SCTP")
-- an unprivileged task in the initial namespaces: no CAP_NET_RAW
local u = assert(sim.init:clone {})
assert(u:setresuid(1000, 1000, 1000))
expect_errno(select(2, u:socket("inet", "raw", 1)), "EPERM", "CAP_NET_RAW")
assert(u:socket("inet", "stream")):close()
for _, t in ipairs { c, u } do
  t:exit(0)
  sim.init:wait(t)
end
