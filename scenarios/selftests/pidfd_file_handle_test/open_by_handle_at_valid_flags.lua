-- pidfd_file_handle_test/open_by_handle_at_valid_flags
-- Checks: pidfs accepts O_RDONLY|O_WRONLY|O_RDWR|O_NONBLOCK|O_NDELAY|
-- O_CLOEXEC|O_EXCL (PIDFD_NONBLOCK is O_NONBLOCK, PIDFD_THREAD is O_EXCL)
-- when it opens a handle, and gives the original's inode.
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/open_by_handle_at_valid_flags", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd2:handle())
local pidfd = assert(self.P:open_by_handle(fh,
  { "rdonly", "wronly", "rdwr", "nonblock", "ndelay", "cloexec", "excl" }, self.pidfd))
expect(st.same_inode(self.child_pidfd2, pidfd))
expect(pidfd:close())
st.pidfd_teardown(self)
