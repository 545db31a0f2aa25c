-- nsid_test/nsid_timens_basic
-- NS_GET_ID on the caller's own time namespace (/proc/self/ns/time) gives a
-- non-zero id, and the same id when asked a second time.
-- 6.18 has NS_GET_ID on all eight types (kernel-6.18-observed.md row 1a);
-- only the values differ (not the fixed 1..8), and none is checked here.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_timens_basic", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process, forked by the harness

local f, err = P:open_ns("time")
-- the test skips when /proc/self/ns/time is absent; nssim models time ns
expect(f, "open /proc/self/ns/time: " .. tostring(err))
local a, aerr = f:ioctl("NS_GET_ID")
expect(a, "NS_GET_ID: " .. tostring(aerr))
expect(a and a ~= 0, "the time ns id is not zero")
local b, berr = f:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID again: " .. tostring(berr))
expect_eq(b, a, "the same id the second time")
f:close()

P:exit(0)
init:wait(P)
