-- listns_test/listns_hierarchical_visibility
-- While a task sits in a nested user namespace Cu (child of Pu, both made
-- by setup_userns), a global listns of USER namespaces contains both Cu
-- and its parent Pu: Cu is active through the task's cred, Pu through its
-- active child.
-- On 6.18 listns gives ENOSYS (kernel-6.18-observed.md row 4): skip.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_hierarchical_visibility", kernel = "6.19" }

local st = require "selftest"
local init = sim.init
local P = init:clone {}

local C = P:clone {}
expect(st.setup_userns(C), "setup_userns -> Pu")
local f = C:open_ns("user")
local Pu = f:ioctl("NS_GET_ID")
f:close()
expect(st.setup_userns(C), "setup_userns -> Cu (nested)")
f = C:open_ns("user")
local Cu = f:ioctl("NS_GET_ID")
f:close()
expect(Pu and Cu and Pu ~= Cu, "two distinct user ns ids")

-- P lists while C waits on the sync.
local ids, err = P:listns { types = { "user" }, max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
else
  expect(ids, "listns(USER) succeeds: " .. tostring(err))
  local fp, fc = false, false
  for _, id in ipairs(ids or {}) do
    fp = fp or id == Pu
    fc = fc or id == Cu
  end
  expect(fc, "the nested user ns Cu is listed")
  expect(fp, "its parent Pu is listed (kept active by Cu)")
end

C:exit(0)
expect_eq(P:wait(C), C, "reap C")
P:exit(0)
init:wait(P)
