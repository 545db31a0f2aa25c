-- The diagrams of the kernel/nscommon.c comment (the seed patch): net and pid
-- owned by user_ns1, ipc, uts and user_ns1 owned by user_ns2, every task gone,
-- the namespaces held by nsfs fds; then the last active references go, and a
-- socket brings net_ns back with SIOCGSKNS, cascading up the owners.
-- All tasks share init's fd table (CLONE_FILES), so the fds outlive them.
scenario { name = "nscommon.c diagrams", kernel = "6.19" }

local init = sim.init
local c1 = init:clone { "files", "newuser", "newipc", "newuts" }
init:uid_map(c1, 0, 0, 1)       -- c1's root may create a nested user ns
init:gid_map(c1, 0, 0, 1)
local c2 = c1:clone { "files", "newuser", "newnet", "newpid" }
local user2, user1 = c1:ns("user"), c2:ns("user")
local net, pid, ipc, uts = c2:ns("net"), c2:ns("pid"), c1:ns("ipc"), c1:ns("uts")

local fnet = init:open_ns("net", c2)
local fpid = init:open_ns("pid", c2)
local fipc = init:open_ns("ipc", c1)
local futs = init:open_ns("uts", c1)
local sock = c2:socket("inet")  -- pins net_ns; its f_cred pins c2's cred in user_ns1
sock = init:fd(sock.fd)         -- the same table: init's view of it

c2:exit(0); c1:wait(c2)
c1:exit(0); init:wait(c1)
sim.run()                        -- RCU and workqueue frees

local function counts(id) local n = sim.ns(id); return n and n.active end
-- diagram 1: user_ns1 (2), user_ns2 (3)
expect_eq(counts(user1), 2, "user_ns1: net and pid active")
expect_eq(counts(user2), 3, "user_ns2: ipc, uts and user_ns1 active")

-- diagram 2: net and pid drop their last active reference
fnet:close(); fpid:close()
expect_eq(counts(net), 0, "net_ns inactive (the socket keeps only its memory)")
expect_eq(counts(user1), 0, "user_ns1 (0)")
expect_eq(counts(user2), 2, "user_ns2 (2)")

-- resurrection from diagram 2
local fres = sock:ioctl("SIOCGSKNS")
expect(fres, "SIOCGSKNS opens the socket's net ns")
expect_eq(counts(net), 1, "net_ns active again")
expect_eq(counts(user1), 1, "user_ns1 resurrected")
expect_eq(counts(user2), 3, "user_ns2 charged for user_ns1 again")

-- diagram 3: the whole tree dead
fres:close(); fipc:close(); futs:close()
expect_eq(counts(user2), 0, "user_ns2 (0)")
expect_eq(counts(user1), 0, "user_ns1 (0)")

-- diagram 4: resurrect net_ns from a fully inactive chain
fres = sock:ioctl("SIOCGSKNS")
expect_eq(counts(net), 1, "net_ns +")
expect_eq(counts(user1), 1, "user_ns1 +")
expect_eq(counts(user2), 1, "user_ns2 +")
fres:close()
sock:close()
sim.run()
expect_eq(sim.ns(net), nil, "net_ns freed with its socket")
expect_eq(sim.ns(user1), nil, "user_ns1 freed")
expect_eq(sim.ns(user2), nil, "user_ns2 freed")
