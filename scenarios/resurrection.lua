-- The three ways back from inactive (kernel-model.md §3.4, §6.2, §10.3):
--  1. SIOCGSKNS on a socket that alone pins a net namespace, under three
--     levels of inactive user namespaces: one ioctl resurrects net, U3, U2
--     and U1 (siocgskns_test).
--  2. NS_GET_PARENT on a pid namespace kept only as a parent: every task is
--     gone, the child pid ns is held by an nsfs fd (kernel-6.18-observed 3d).
--  3. open_by_handle_at on an active namespace without an inode: a new
--     inode, one more active reference, no cascade.
-- The trace shows each cascade step with its site (nsfs_init_inode, then
-- __ns_ref_active_get on each owner).
scenario { name = "resurrection", kernel = "6.19" }

local init = sim.init
local function active(id) local n = sim.ns(id); return n and n.active end

-- 1. U1 > U2 > U3 > net, every task sharing init's fd table
local t1 = init:clone { "files", "newuser" }
init:uid_map(t1, 0, 0, 1); init:gid_map(t1, 0, 0, 1)
local t2 = t1:clone { "files", "newuser" }
t1:uid_map(t2, 0, 0, 1); t1:gid_map(t2, 0, 0, 1)
local t3 = t2:clone { "files", "newuser", "newnet" }
local U1, U2, U3, N = t1:ns("user"), t2:ns("user"), t3:ns("user"), t3:ns("net")
local sock = init:fd(t3:socket("inet").fd)
for _, pair in ipairs { { t2, t3 }, { t1, t2 }, { init, t1 } } do
  pair[2]:exit(0); pair[1]:wait(pair[2])
end
sim.run()
expect_eq(active(N), 0, "net: only the socket holds it")
expect_eq(active(U3), 0, "U3 inactive"); expect_eq(active(U2), 0, "U2 inactive")
expect_eq(active(U1), 0, "U1 inactive")
local _, err = init:open_by_handle(sim.handle(N))
expect_errno(err, "ESTALE", "a socket-only net ns cannot be opened by handle")

local nfd = sock:ioctl("SIOCGSKNS")     -- the cascade: net, U3, U2, U1
expect_eq(active(N), 1, "net resurrected")
expect_eq(active(U3), 1, "U3 resurrected"); expect_eq(active(U2), 1, "U2 resurrected")
expect_eq(active(U1), 1, "U1 resurrected")
expect(init:open_by_handle(sim.handle(N)), "and now it opens by handle")
nfd:close()
expect_eq(active(U1), 1, "the handle's fd keeps the chain")

-- 2. NS_GET_PARENT on a dead pid namespace
local c1 = init:clone { "newpid" }
local c2 = c1:clone { "newpid" }
local P1, P2 = c1:ns("pid"), c2:ns("pid")
local p2fd = init:open_ns("pid", c2)
c2:exit(0); c1:wait(c2); c1:exit(0); init:wait(c1)
sim.run()
expect_eq(active(P2), 1, "the child pid ns: its nsfs fd")
expect_eq(active(P1), 0, "the parent pid ns: only P2's parent reference")
local p1fd = p2fd:ioctl("NS_GET_PARENT")
expect(p1fd, "NS_GET_PARENT opens it")
expect_eq(active(P1), 1, "the parent pid ns resurrected")
p1fd:close(); p2fd:close()

-- 3. open by handle: active already, a new inode
local c = init:clone { "newuts" }
local ufd = init:open_ns("uts", c)
local h = ufd:handle()
ufd:close()
expect_eq(active(c:ns("uts")), 1, "c's nsproxy only")
local f = init:open_by_handle(h)
expect_eq(active(c:ns("uts")), 2, "+1: the new inode")
f:close()
c:exit(0); init:wait(c)
