-- pidfd_file_handle_test/file_handle_child_pidns
-- Checks: a pidfs file handle of a child in a child pid namespace (child2,
-- CLONE_NEWUSER|CLONE_NEWPID) decodes from the parent's pid namespace,
-- which sees every pid of its descendants, with the open flags 0,
-- O_CLOEXEC and O_NONBLOCK, and gives the pidfs inode of the original.
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/file_handle_child_pidns", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd2:handle())
for _, flags in ipairs { {}, { "cloexec" }, { "nonblock" } } do
  local pidfd = assert(self.P:open_by_handle(fh, flags, self.pidfd))
  expect(st.same_inode(self.child_pidfd2, pidfd), "the same pidfs inode")
  expect(pidfd:close())
end
st.pidfd_teardown(self)
