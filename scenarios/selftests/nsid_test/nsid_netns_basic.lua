-- nsid_test/nsid_netns_basic
-- The caller's net namespace id (NS_GET_ID, non-zero and the same when
-- asked twice) equals SO_NETNS_COOKIE of an AF_UNIX stream socket made in
-- it; the cookie option is 8 bytes long.
-- 6.18 is not named: whether SO_NETNS_COOKIE equals the ns id on 6.18 is
-- UNVERIFIED (kernel-model.md §2.4, §14 item 15).
-- variants: 6.19
scenario { name = "nsid_test/nsid_netns_basic", kernel = "6.19" }

local pat = require "selftest_patterns"

-- between the two NS_GET_ID: the SO_NETNS_COOKIE of an AF_UNIX socket made
-- in P's net ns equals the id; the socket is closed after the second one
pat.nsid_basic("net", {
  between = function(P, a)
    local sock, serr = P:socket("unix")  -- socket(AF_UNIX, SOCK_STREAM, 0)
    expect(sock, "socket: " .. tostring(serr))
    local cookie, cerr = sock:netns_cookie()
    -- getsockopt(SO_NETNS_COOKIE) with optlen 8: netns_cookie() returns the
    -- u64, so a successful call stands for "optlen == sizeof(__u64)".
    expect(cookie, "getsockopt(SO_NETNS_COOKIE) succeeds with an 8-byte value: " .. tostring(cerr))
    expect_eq(cookie, a, "the netns cookie equals the net ns id")
    return function() sock:close() end
  end,
})
