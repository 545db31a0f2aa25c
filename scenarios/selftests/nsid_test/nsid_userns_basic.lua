-- nsid_test/nsid_userns_basic
-- NS_GET_ID on the caller's own user namespace (/proc/self/ns/user) gives a
-- non-zero id, and the same id when asked a second time.
-- 6.18 has NS_GET_ID on all eight types (kernel-6.18-observed.md row 1a);
-- only the values differ (not the fixed 1..8), and none is checked here.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_userns_basic", kernel = "6.19" }

local pat = require "selftest_patterns"

pat.nsid_basic("user")
