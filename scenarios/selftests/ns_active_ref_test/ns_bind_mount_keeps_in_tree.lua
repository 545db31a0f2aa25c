-- ns_active_ref_test/ns_bind_mount_keeps_in_tree
-- A net namespace bind-mounted inside a child's private mount namespace is
-- not kept reachable by that bind mount once the child (and with it the
-- mount namespace and its mounts) is gone: the handle must not open.  The
-- errno is only logged by the test (ENOENT hoped for, ESTALE accepted), so
-- it is not asserted here.
-- 6.18: the documents do not say when the dead mount namespace's mounts
-- release the nsfs dentry there; the model drops them with the namespace,
-- and the scenario's C vector (nssim export --kernel 6.18) confirms it on
-- the 6.18.44 machine: ESTALE right after C is reaped.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_bind_mount_keeps_in_tree", kernel = "6.19" }

local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)
local path = "/tmp/ns-test-XXXXXX"      -- mkfile(...): the bind target

local C = P:clone {}
expect(C:unshare { "mnt" }, "C: unshare(CLONE_NEWNS) -> M")
-- make_rprivate(C): nssim has no mount propagation; M's mounts are private
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET) -> N")
local f = C:open_ns("net")
local m, merr = f:bind_mount(path)      -- /proc/self/ns/net -> path, in M
expect(m, "C: bind mount of /proc/self/ns/net: " .. tostring(merr))
local H = pat.handle_and_close(f, "C")
C:exit(0)

expect_eq(P:wait(C), C, "C reaped (exit 0)")
local fd, err = P:open_by_handle(H)
expect(not fd, "the handle must not open: M died with C and took the bind mount (" ..
       tostring(err) .. ")")
if fd then fd:close() end
if m then m:umount(P) end               -- harmless no-op, result ignored
