-- listns_test/listns_only_active
-- Only active namespaces are listed: a child's new net namespace shows up
-- while the child lives (the NET listing does not shrink) and is gone from
-- the NET listing after the child has exited and been reaped (plus the
-- test's 100 ms grace sleep).
-- On 6.18 the first listns gives ENOSYS (kernel-6.18-observed.md row 4):
-- the test skips.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_only_active", kernel = "6.19" }

local init = sim.init
local P = init:clone {}                      -- root, as the record requires

local before, err = P:listns { types = { "net" }, max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
  return
end
expect(before, "listns(NET) before: " .. tostring(err))
before = before or {}

-- C: unshare(NET), read its id through /proc/self/ns/net, send it.
local C = P:clone {}
expect(C:unshare { "net" }, "the root child unshares NET")
local f = C:open_ns("net")
local N = f:ioctl("NS_GET_ID")
f:close()
expect(N and N ~= 0, "the child's net ns id")

-- Deterministic order of the concurrent steps: P lists right after the
-- read of the id, while C is in its usleep(100000); C then exits.
local during, derr = P:listns { types = { "net" }, max = 100 }
expect(during, "listns(NET) during: " .. tostring(derr))
during = during or {}
expect(#during >= #before, "during: at least as many net namespaces as before")
local seen = false
for _, id in ipairs(during) do seen = seen or id == N end
expect(seen, "the child's net ns is listed while the child lives")

sim.sleep(sim.ms(100))                       -- C's usleep(100000)
C:exit(0)
expect_eq(P:wait(C), C, "reap C")
sim.sleep(sim.ms(100))                       -- P's grace period after reap

local after, aerr = P:listns { types = { "net" }, max = 100 }
expect(after, "listns(NET) after: " .. tostring(aerr))
local found = false
for _, id in ipairs(after or {}) do found = found or id == N end
expect(not found, "the child's net ns is not listed after exit and reap")

P:exit(0)
init:wait(P)
