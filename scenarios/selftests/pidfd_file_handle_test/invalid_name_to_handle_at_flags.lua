-- pidfd_file_handle_test/invalid_name_to_handle_at_flags
-- Checks: AT_HANDLE_CONNECTABLE with AT_EMPTY_PATH is refused (EINVAL: a
-- connectable handle needs a path, and pidfds have none).
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/invalid_name_to_handle_at_flags", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local h, err = self.child_pidfd2:handle(128, { flags = { "empty_path", "handle_connectable" } })
expect(h == nil, "AT_HANDLE_CONNECTABLE")
expect_errno(err, "EINVAL")
st.pidfd_teardown(self)
