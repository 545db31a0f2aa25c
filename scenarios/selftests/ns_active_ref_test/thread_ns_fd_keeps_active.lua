-- ns_active_ref_test/thread_ns_fd_keeps_active
-- Like thread_ns_inactive_after_exit, but the main thread keeps an fd
-- (opened by handle while the thread lived) across the thread's exit: the
-- thread's net namespace then still opens, to the same inode, and becomes
-- unreachable only once both fds are closed.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the parent's first open already fails there (the test fails).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/thread_ns_fd_keeps_active", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- T: unshare NET (private nsproxy), NS_GET_ID on /proc/thread-self/ns/net
local T = P:clone { "thread", "sighand", "vm", "fs", "files" }
expect(T:unshare { "net" }, "T: unshare(CLONE_NEWNET)")
local f = T:open_ns("net", T)           -- /proc/thread-self/ns/net
local id = f:ioctl("NS_GET_ID")
f:close()

-- P: open by id while T is alive, keep it
local g = pat.open_by_ids_while_alive(P, "6.18: id-only handle rejected",
  { id, "the thread's net ns opens while it lives" })
if not g then return end

-- signal T; thread exit; join
T:exit_thread(0)
expect_eq(T:state(), "gone", "T joined")

local g2, err2 = P:open_by_handle(st.mkH(id))
expect(g2, "g keeps the net ns active after the thread exited: " .. tostring(err2))
if g2 then
  expect(pat.same(g, g2), "same(g, g2): equal dev and ino")
  g2:close()
end
g:close()
local h, herr = P:open_by_handle(st.mkH(id))
expect(not h and st.inactive(herr), "INACTIVE once both fds are closed: " .. tostring(herr))
