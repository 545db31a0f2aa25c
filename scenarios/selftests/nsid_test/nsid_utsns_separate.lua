-- nsid_test/nsid_utsns_separate
-- A child that unshares UTS gets a uts namespace whose NS_GET_ID (read by
-- the parent through /proc/<child>/ns/uts) is non-zero and differs from the
-- parent's own.  Pre: root.
-- 6.18: NS_GET_ID exists and ids are unique (kernel-6.18-observed.md rows
-- 1a, 1d), so the outcome is the same.
-- variants: 6.19 6.18
scenario { name = "nsid_test/nsid_utsns_separate", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                  -- the test process (root), forked by the harness

local pf = P:open_ns("uts")
local a = pf:ioctl("NS_GET_ID")
expect(a and a ~= 0, "P's own uts ns id is not zero")

-- C: unshare(UTS); EPERM/EACCES would make the test skip; it reports 'Y'
-- and pauses.
local C = P:clone {}
local ok, err = C:unshare { "uts" }
expect(ok, "the child unshares UTS (else the test skips): " .. tostring(err))

-- P, after reading 'Y':
local g, gerr = P:open_ns("uts", C)
expect(g, "open /proc/<C>/ns/uts: " .. tostring(gerr))
local b, berr = g:ioctl("NS_GET_ID")
expect(b, "NS_GET_ID on the child's uts ns: " .. tostring(berr))
expect(b and b ~= 0, "the child's uts ns id is not zero")
expect(b ~= a, "the child's uts ns id differs from the parent's")
pf:close()
g:close()

-- cleanup: SIGTERM the paused child and reap it
P:kill(C, 15)                            -- SIGTERM
expect_eq(P:wait(C), C, "reap C")
P:exit(0)
init:wait(P)
