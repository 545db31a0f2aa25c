-- pidfd_file_handle_test/pid_has_exited
-- Checks: a pidfs handle decodes while its task is a zombie: child3 is
-- killed through its pidfd (which is then closed, so the handle's pid
-- keeps no pidfs inode), waited for with WNOWAIT, and the handle still
-- opens; the reap then succeeds.
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/pid_has_exited", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd3:handle())
local pidfd = assert(self.P:open_by_handle(fh, {}, self.pidfd))
expect(st.same_inode(self.child_pidfd3, pidfd))
expect(pidfd:close())
local pfd = self.child_pidfd3
self.child_pidfd3 = nil
expect(pfd:send_signal(9))
expect(pfd:close())
expect_eq(self.child3:state(), "zombie")
expect(self.P:open_by_handle(fh, {}, self.pidfd), "a zombie's pid still decodes")
expect(self.P:wait(self.child3))
self.child3 = nil
st.pidfd_teardown(self)
