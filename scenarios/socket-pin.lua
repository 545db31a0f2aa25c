-- A socket keeps its net namespace in memory, not visible (kernel-model.md
-- §8.1, kernel-6.18-observed.md row 3b): the child that made it hands it to
-- init and dies.  On 6.19 the net namespace is inactive and a handle to it
-- gives ESTALE; on 6.18, where a handle needs only __ns_ref > 0, it opens.
-- The trace's ns_holders view says who holds it: the socket.
-- variants: 6.19 6.18
scenario { name = "socket pin", kernel = "6.19" }

local init = sim.init
local c = init:clone { "newuser", "newnet" }
local net = c:ns("net")
local h = assert(c:open_ns("net")):handle()
local sock = c:send_fd(init, c:socket("inet"))
c:exit(0); init:wait(c)
sim.run()
print("net namespace", net)

expect_eq(sim.ns(net).ref, 1, "one reference: the socket's")
local fd, err = init:open_by_handle(h)
if sim.kernel == "6.18" then
  expect(fd, "6.18: a passively pinned namespace opens by handle")
else
  expect_eq(sim.ns(net).active, 0, "6.19: inactive")
  expect_errno(err, "ESTALE", "6.19: a socket-only namespace does not open by handle")
end
