-- listns_test/listns_specific_userns
-- Listing by owner = U works for a user namespace U that a child created
-- with setup_userns (and then unshared NET and UTS in): the call succeeds
-- (count >= 0; any failure other than ENOSYS fails the test).  The test
-- only logs the contents; they should be U's mount, net and UTS namespaces
-- (also a pid ns with the older setup_userns), checked here as well.
-- On 6.18 listns gives ENOSYS (kernel-6.18-observed.md row 4): skip.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_specific_userns", kernel = "6.19" }

local st = require "selftest"
local init = sim.init
local P = init:clone {}

-- C: setup_userns -> U, send U's id, unshare NET and UTS (unchecked), wait.
local C = P:clone {}
expect(st.setup_userns(C), "setup_userns in the child")
local f = C:open_ns("user")
local U = f:ioctl("NS_GET_ID")
f:close()
expect(U and U ~= 0, "U's id")
C:unshare { "net" }
C:unshare { "uts" }

-- P lists while C waits on the sync.
local ids, err = P:listns { user_ns = U, max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
else
  expect(ids, "listns(owner=U) succeeds: " .. tostring(err))
  expect(ids and #ids >= 0, "count >= 0")
  -- logged by the test: what U owns
  local want = {}
  for _, t in ipairs { "mnt", "net", "uts", "pid_for_children" } do
    local id = C:ns(t)
    if id and sim.ns(id).owner == U then want[id] = t end
  end
  local got = {}
  for _, id in ipairs(ids or {}) do got[id] = true end
  for id, t in pairs(want) do
    expect(got[id], "U's " .. t .. " ns (" .. id .. ") is listed")
  end
  for _, id in ipairs(ids or {}) do
    expect(want[id], "listed id " .. id .. " is one of C's namespaces owned by U")
  end
end

-- P signals C (closes the pipe), C exits, P reaps it.
C:exit(0)
expect_eq(P:wait(C), C, "reap C")
P:exit(0)
init:wait(P)
