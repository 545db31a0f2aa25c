-- nsid_test/nsid_userns_separate
-- A child that unshares USER gets a user namespace whose NS_GET_ID (read by
-- the parent through /proc/<child>/ns/user) is non-zero and differs from the
-- parent's own.  Pre: unprivileged user namespaces allowed; no maps are written, and P
-- opens /proc/<C>/ns/user.
-- 6.18: NS_GET_ID exists and ids are unique (kernel-6.18-observed.md rows
-- 1a, 1d), so the outcome is the same.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_userns_separate", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process (root), forked by the harness

local pf = P:open_ns("user")
local a = pf:ioctl("NS_GET_ID")
expect(a and a ~= 0, "P's own user ns id is not zero")

-- C: unshare(USER); EPERM/EACCES would make the test skip; it reports 'Y'
-- and pauses.
local C = P:clone {}
local ok, err = C:unshare { "user" }
expect(ok, "the child unshares USER (else the test skips): " .. tostring(err))

-- P, after reading 'Y':
local g, gerr = P:open_ns("user", C)
expect(g, "open /proc/<C>/ns/user: " .. tostring(gerr))
local b, berr = g:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID on the child's user ns: " .. tostring(berr))
expect(b and b ~= 0, "the child's user ns id is not zero")
expect(b ~= a, "the child's user ns id differs from the parent's")
pf:close()
g:close()

-- cleanup: SIGTERM the paused child and reap it
P:kill(C, 15)                            -- SIGTERM
expect_eq(P:wait(C), C, "reap C")
P:exit(0)
init:wait(P)
