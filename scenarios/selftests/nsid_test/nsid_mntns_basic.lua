-- nsid_test/nsid_mntns_basic
-- On the caller's own mount namespace, NS_GET_MNTNS_ID gives a non-zero
-- id, and NS_GET_ID gives the same value (asked twice here, as Pattern A).
-- 6.18: NS_GET_ID exists, and NS_GET_MNTNS_ID (_IOR encoding) on a mnt ns
-- equals its NS_GET_ID (kernel-6.18-observed.md rows 1a, 1b).
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_mntns_basic", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process, forked by the harness

local f, err = P:open_ns("mnt")
expect(f, "open /proc/self/ns/mnt: " .. tostring(err))
local m, merr = f:ioctl("NS_GET_MNTNS_ID")
expect(m, "NS_GET_MNTNS_ID: " .. tostring(merr))
expect(m and m ~= 0, "the mnt ns id from NS_GET_MNTNS_ID is not zero")
local a, aerr = f:ioctl("NS_GET_ID")
expect(a, "NS_GET_ID: " .. tostring(aerr))
expect(a and a ~= 0, "the mnt ns id from NS_GET_ID is not zero")
expect_eq(a, m, "NS_GET_ID equals NS_GET_MNTNS_ID")
local b, berr = f:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID again: " .. tostring(berr))
expect_eq(b, a, "the same id the second time")
f:close()

P:exit(0)
init:wait(P)
