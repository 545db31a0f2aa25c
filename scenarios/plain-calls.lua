-- The plain spellings the kernel's tests use: fork() and reap(child) with
-- the wait status, and an ioctl by request number (ENOTTY for a request
-- nsfs does not know, as the kernel answers).
scenario { name = "fork, reap, ioctl by number", kernel = "6.19" }
local c = assert(sim.init:fork())
local d = assert(c:fork())
assert(d:exit(5))
local who, st = c:reap(d)
expect_eq(who, d, "c reaps its child")
expect_eq(st.code, 5, "exit(5)")
local f = assert(c:open_ns("net"))
local _, err = f:ioctl(0x1234)
expect_errno(err, "ENOTTY", "a request nsfs does not know")
expect_eq(f:ioctl(0xb703), 0x40000000, "NS_GET_NSTYPE by number: CLONE_NEWNET")
assert(f:close())
assert(c:exit(0))
who, st = sim.init:reap(c)
expect_eq(st.exited and st.code, 0)
