-- ns_active_ref_test/ns_multilevel_hierarchy
-- An active grandchild user namespace keeps both its parent and its
-- grandparent user namespaces active (reachable by id) after every task
-- in them has gone.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the first open fails and the test SKIPs there.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_multilevel_hierarchy", kernel = "6.19" }

local st = require "selftest"
local P = sim.init:clone {}             -- the test process (root)

local function ns_id(t, name)
  local f = assert(t:open_ns(name))
  local id = f:ioctl("NS_GET_ID")
  f:close()
  return id
end

-- C: setup_userns three times: GP -> Pa -> Ch; send the three ids; exit
local C = P:clone {}
expect(st.setup_userns(C), "C: setup_userns -> GP")
local idGP = ns_id(C, "user")
expect(st.setup_userns(C), "C: setup_userns -> Pa")
local idPa = ns_id(C, "user")
expect(st.setup_userns(C), "C: setup_userns -> Ch")
local idCh = ns_id(C, "user")

-- Racy in the real test (SKIP if C has exited first); here P opens first.
local fCh, err = P:open_by_handle(st.mkH(idCh))
if sim.kernel == "6.18" then
  expect_errno(err, "ESTALE", "6.18: id-only handle rejected; the test SKIPs")
  return
end
expect(fCh, "open Ch by id (failure: SKIP): " .. tostring(err))
if not fCh then return end
C:exit(0)
expect_eq(P:wait(C), C, "C reaped")

local fPa, e1 = P:open_by_handle(st.mkH(idPa))
expect(fPa, "Pa opens: kept active by Ch: " .. tostring(e1))
local fGP, e2 = P:open_by_handle(st.mkH(idGP))
expect(fGP, "GP opens: kept active by Pa: " .. tostring(e2))
if fGP then fGP:close() end
if fPa then fPa:close() end
fCh:close()
