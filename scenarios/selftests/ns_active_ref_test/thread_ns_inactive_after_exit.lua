-- ns_active_ref_test/thread_ns_inactive_after_exit
-- A net namespace that a thread created with unshare (giving the thread a
-- private nsproxy) is reachable while the thread lives and unreachable as
-- soon as the thread has exited and been joined, while the process goes on.
-- Timing: the kernel wakes the joiner at mm release, before the thread's
-- namespaces are dropped; the record asks the model to drop the nsproxy at
-- thread exit, before the join completes, which is the order used here.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the parent's first open already fails there (the test fails).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/thread_ns_inactive_after_exit", kernel = "6.19" }

local st = require "selftest"
local P = sim.init:clone {}             -- the test process (root)

-- T: unshare NET (private nsproxy), NS_GET_ID on /proc/thread-self/ns/net
local T = P:clone { "thread", "sighand", "vm", "fs", "files" }
expect(T:unshare { "net" }, "T: unshare(CLONE_NEWNET)")
expect(T:ns("net") ~= P:ns("net"), "T has its own net ns; the process keeps its own")
local f = T:open_ns("net", T)           -- /proc/thread-self/ns/net
local id = f:ioctl("NS_GET_ID")
f:close()

-- P: open by id while T waits on the sync
local g, err = P:open_by_handle(st.mkH(id))
if sim.kernel == "6.18" then
  expect_errno(err, "ESTALE", "6.18: id-only handle rejected")
  return
end
expect(g, "the thread's net ns opens while it lives: " .. tostring(err))
if g then g:close() end

-- signal T; it returns (thread exit), and P joins it
T:exit_thread(0)
expect_eq(T:state(), "gone", "T joined")
local h, herr = P:open_by_handle(st.mkH(id))
expect(not h and st.inactive(herr), "INACTIVE right after the join: " .. tostring(herr))
