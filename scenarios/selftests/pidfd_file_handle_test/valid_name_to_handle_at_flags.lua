-- pidfd_file_handle_test/valid_name_to_handle_at_flags
-- Checks: AT_HANDLE_FID still gives a decodable handle, since pidfs has
-- export operations; it opens to the original's inode.
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/valid_name_to_handle_at_flags", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd2:handle(128, { flags = { "empty_path", "handle_fid" } }))
expect_eq(fh.fh_type, 0xfe)
local pidfd = assert(self.P:open_by_handle(fh, {}, self.pidfd))
expect(st.same_inode(self.child_pidfd2, pidfd))
expect(pidfd:close())
st.pidfd_teardown(self)
