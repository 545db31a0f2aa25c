-- nsid_test/nsid_mntns_basic
-- On the caller's own mount namespace, NS_GET_MNTNS_ID gives a non-zero
-- id, and NS_GET_ID gives the same value (asked twice here, as Pattern A).
-- 6.18: NS_GET_ID exists, and NS_GET_MNTNS_ID (_IOR encoding) on a mnt ns
-- equals its NS_GET_ID (kernel-6.18-observed.md rows 1a, 1b).
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_mntns_basic", kernel = "6.19" }

local pat = require "selftest_patterns"

-- NS_GET_MNTNS_ID first; the first NS_GET_ID must then equal it
pat.nsid_basic("mnt", {
  first_id = function(f)
    local m, merr = f:ioctl("NS_GET_MNTNS_ID")
    expect(m, "NS_GET_MNTNS_ID: " .. tostring(merr))
    expect(m and m ~= 0, "the mnt ns id from NS_GET_MNTNS_ID is not zero")
    local a = pat.nsid_get_id(f, "the mnt ns id from NS_GET_ID is not zero")
    expect_eq(a, m, "NS_GET_ID equals NS_GET_MNTNS_ID")
    return a
  end,
})
