-- pidfd_file_handle_test/decode_purely_based_on_file_handle
-- Checks: a pidfs handle decodes without a pidfd, against FD_PIDFS_ROOT
-- (flags 0, O_CLOEXEC, O_NONBLOCK), and against a pidfd; not with -EBADF
-- (EBADF) nor AT_FDCWD (the root's file system knows no such handle:
-- ESTALE for root, which has CAP_DAC_READ_SEARCH).
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/decode_purely_based_on_file_handle", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd1:handle())
for _, flags in ipairs { {}, { "cloexec" }, { "nonblock" } } do
  local pidfd = assert(self.P:open_by_handle(fh, flags, "pidfs_root"))
  expect(st.same_inode(self.child_pidfd1, pidfd))
  expect(pidfd:close())
end
local pidfd = assert(self.P:open_by_handle(fh, {}, self.pidfd))
expect(st.same_inode(self.child_pidfd1, pidfd))
expect(pidfd:close())
local g, err = self.P:open_by_handle(fh, {}, -9)
expect(g == nil, "-EBADF")
expect_errno(err, "EBADF")
g, err = self.P:open_by_handle(fh, {}, "cwd")
expect(g == nil, "AT_FDCWD")
expect_errno(err, "ESTALE")
st.pidfd_teardown(self)
