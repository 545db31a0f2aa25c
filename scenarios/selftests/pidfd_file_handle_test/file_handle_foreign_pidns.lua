-- pidfd_file_handle_test/file_handle_foreign_pidns
-- Checks: a handle of P's own pid does not decode in a process of child2's
-- pid namespace, which cannot see P: P joins child2's user and pid
-- namespaces through its pidfd, forks (the child lands in child2's pid
-- namespace), and the child's open_by_handle_at() fails (ESTALE: pid_vnr()
-- of P's pid is 0 there).
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/file_handle_foreign_pidns", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.pidfd:handle())
assert(self.P:setns(self.child_pidfd2, { "newuser", "newpid" }))
local c = assert(self.P:fork())
local pidfd, err = c:open_by_handle(fh, {}, "pidfs_root")
expect(pidfd == nil, "no pidfd outside the caller's pid namespace hierarchy")
expect_errno(err, "ESTALE")
assert(c:exit(0))
expect(self.P:wait(c))
st.pidfd_teardown(self)
