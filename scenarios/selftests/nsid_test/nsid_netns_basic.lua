-- nsid_test/nsid_netns_basic
-- The caller's net namespace id (NS_GET_ID, non-zero and the same when
-- asked twice) equals SO_NETNS_COOKIE of an AF_UNIX stream socket made in
-- it; the cookie option is 8 bytes long.
-- 6.18 is not named: whether SO_NETNS_COOKIE equals the ns id on 6.18 is
-- UNVERIFIED (kernel-model.md §2.4, §14 item 15).
-- variants: 6.19
scenario { name = "nsid_test/nsid_netns_basic", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process, forked by the harness

local f, err = P:open_ns("net")
expect(f, "open /proc/self/ns/net: " .. tostring(err))
local a, aerr = f:ioctl("NS_GET_ID")
expect(a, "NS_GET_ID: " .. tostring(aerr))
expect(a and a ~= 0, "the net ns id is not zero")

local sock, serr = P:socket("unix")      -- socket(AF_UNIX, SOCK_STREAM, 0)
expect(sock, "socket: " .. tostring(serr))
local cookie, cerr = sock:netns_cookie()
-- getsockopt(SO_NETNS_COOKIE) with optlen 8: netns_cookie() returns the u64,
-- so a successful call stands for "optlen == sizeof(__u64)".
expect(cookie, "getsockopt(SO_NETNS_COOKIE) succeeds with an 8-byte value: " .. tostring(cerr))
expect_eq(cookie, a, "the netns cookie equals the net ns id")

local b, berr = f:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID again: " .. tostring(berr))
expect_eq(b, a, "the same id the second time")
sock:close()
f:close()

P:exit(0)
init:wait(P)
