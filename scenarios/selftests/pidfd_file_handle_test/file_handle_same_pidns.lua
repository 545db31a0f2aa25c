-- pidfd_file_handle_test/file_handle_same_pidns
-- Checks: a pidfs file handle of a child in the caller's own pid namespace
-- (child1, CLONE_NEWUSER only) decodes through a pidfd as mount fd, with
-- the open flags 0, O_CLOEXEC and O_NONBLOCK; every pidfd opened so has
-- the pidfs inode of the original (one inode per struct pid).
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/file_handle_same_pidns", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd1:handle(128, { flags = { "empty_path" } }))
expect_eq(fh.bytes, 8, "a pidfs handle is the 8-byte inode number")
expect_eq(fh.fh_type, 0xfe, "FILEID_KERNFS")
for _, flags in ipairs { {}, { "cloexec" }, { "nonblock" } } do
  local pidfd = assert(self.P:open_by_handle(fh, flags, self.pidfd))
  expect(st.same_inode(self.child_pidfd1, pidfd), "the same pidfs inode")
  expect(pidfd:close())
end
st.pidfd_teardown(self)
