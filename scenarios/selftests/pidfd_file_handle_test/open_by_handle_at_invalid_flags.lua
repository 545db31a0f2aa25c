-- pidfd_file_handle_test/open_by_handle_at_invalid_flags
-- Checks: pidfs_export_permission() refuses every other open flag with
-- EINVAL before the handle is decoded: FASYNC, O_CREAT, O_NOCTTY, O_TRUNC,
-- O_APPEND, O_SYNC, O_DSYNC, O_DIRECT, O_DIRECTORY, O_NOFOLLOW, O_NOATIME,
-- O_PATH, O_TMPFILE (the test tries O_CREAT twice).
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/open_by_handle_at_invalid_flags", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local fh = assert(self.child_pidfd2:handle())
for _, flag in ipairs { "async", "creat", "noctty", "creat", "trunc", "append", "sync",
                        "dsync", "direct", "directory", "nofollow", "noatime", "path",
                        "tmpfile" } do
  local pidfd, err = self.P:open_by_handle(fh, { flag }, self.pidfd)
  expect(pidfd == nil, "open_by_handle_at() with O_" .. flag:upper())
  expect_errno(err, "EINVAL", "O_" .. flag:upper())
end
st.pidfd_teardown(self)
