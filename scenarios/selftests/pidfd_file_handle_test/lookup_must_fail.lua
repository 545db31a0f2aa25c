-- pidfd_file_handle_test/lookup_must_fail
-- Checks: pidfs has no names under a pidfd: name_to_handle_at() with a
-- path relative to the pidfd fails with ENOTDIR, with and without
-- AT_EMPTY_PATH.
-- variants: 6.19 6.18 7.1
scenario { name = "pidfd_file_handle_test/lookup_must_fail", kernel = "6.19" }
local st = require "selftest"
local self = st.pidfd_fixture()

local path = "lookup-is-not-possible-with-pidfs"
for _, flags in ipairs { { "empty_path" }, {} } do
  local h, err = self.child_pidfd2:handle(128, { path = path, flags = flags })
  expect(h == nil, "no lookup below a pidfd")
  expect_errno(err, "ENOTDIR")
end
st.pidfd_teardown(self)
