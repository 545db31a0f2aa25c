-- A pid namespace's init that exits while a zombie of its namespace waits
-- for a parent outside it sleeps in zap_pid_ns_processes() until that
-- parent reaps the zombie; only then does it finish its exit and become a
-- zombie itself.  (The differential check found it: nssim explore --kernel
-- 6.18 --seed 11 --depth 24 --emit 150, sequence 51.)
scenario { name = "zap_pid_ns_processes waits for outside parents", kernel = "6.19" }
local p = assert(sim.init:clone {})
assert(p:unshare { "newpid" })        -- p's next children go into a new pid ns
local i = assert(p:clone {})          -- its init, pid 1 there
local a = assert(p:clone {})          -- pid 2 there, p's child: its parent is outside
expect_eq(a:pid(), 2)
assert(a:exit(0))
expect_eq(a:state(), "zombie", "a waits for p")
assert(i:exit(0))
expect_eq(i:state(), "exiting", "the init sleeps in zap_pid_ns_processes()")
local _, err = i:unshare { "newuts" }
expect_errno(err, "ESRCH", "a task in its exit makes no more calls")
assert(p:wait(a))
expect_eq(i:state(), "zombie", "a reaped: only the init's pid is left, it finishes")
assert(p:wait(i))
expect_eq(i:state(), "gone")
p:exit(0)
sim.init:wait(p)
