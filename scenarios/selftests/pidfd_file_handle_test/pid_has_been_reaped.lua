-- pidfd_file_handle_test/pid_has_been_reaped
-- Checks: once child3 is reaped its pid has no numbers any more
-- (free_pid() took it out of pidfs's inode table), so its handle no longer
-- decodes: ESTALE.
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/pid_has_been_reaped", kernel = "6.19" }
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
expect(self.P:wait(self.child3))
local g, err = self.P:open_by_handle(fh, {}, self.pidfd)
expect(g == nil, "a reaped pid does not decode")
expect_errno(err, "ESTALE")
st.pidfd_teardown(self)
