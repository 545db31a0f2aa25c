-- wait() gives the reaped child's status as wait4() encodes it: exit(3)
-- is exited with code 3 (status 0x300), a SIGKILL is signaled with signal
-- 9, exit(300) keeps the low 8 bits (44).  The vector compares each with
-- the real kernel's waitid().
scenario { name = "wait status", kernel = "6.19" }
local a = assert(sim.init:clone {})
local b = assert(sim.init:clone {})
local c = assert(sim.init:clone {})
assert(a:exit(3))
assert(sim.init:kill(b, 9))
local t, st = sim.init:wait(a)
expect_eq(t, a, "a reaped")
expect_eq(st.exited, true, "WIFEXITED")
expect_eq(st.code, 3, "WEXITSTATUS")
expect_eq(st.status, 0x300, "the raw status")
t, st = sim.init:wait(b)
expect_eq(st.signaled, true, "WIFSIGNALED")
expect_eq(st.signal, 9, "WTERMSIG")
assert(c:exit(300))
t, st = sim.init:wait(c)
expect_eq(st.code, 44, "only the low 8 bits of the exit code")
