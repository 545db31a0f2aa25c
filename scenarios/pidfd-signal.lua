-- pidfd_send_signal(): a signal through a pidfd.  A zombie still has its
-- pid (the probe succeeds, the signal is ignored); once reaped the pidfd
-- names nothing (ESRCH); a file that is not a pidfd is EBADF.
scenario { name = "pidfd_send_signal", kernel = "6.19" }
local c, pfd = sim.init:clone { "pidfd" }
assert(c)
assert(pfd:send_signal(0))           -- a probe
assert(pfd:send_signal(9))
expect_eq(c:state(), "zombie", "SIGKILL through the pidfd")
assert(pfd:send_signal(0), "the zombie keeps its pid")
local _, st = sim.init:reap(c)
expect_eq(st.signal, 9, "the wait status says SIGKILL")
expect_errno(select(2, pfd:send_signal(0)), "ESRCH", "reaped")
local net = assert(sim.init:open_ns("net"))
expect_errno(select(2, net:send_signal(0)), "EBADF", "not a pidfd")
