-- ns_active_ref_test/ns_multilevel_hierarchy
-- An active grandchild user namespace keeps both its parent and its
-- grandparent user namespaces active (reachable by id) after every task
-- in them has gone.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the first open fails and the test SKIPs there.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_multilevel_hierarchy", kernel = "6.19" }

local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C: setup_userns three times: GP -> Pa -> Ch; send the three ids; exit
local C = P:clone {}
local idGP = pat.setup_userns_id(C, "GP")
local idPa = pat.setup_userns_id(C, "Pa")
local idCh = pat.setup_userns_id(C, "Ch")

-- Racy in the real test (SKIP if C has exited first); here P opens first.
local fCh = pat.open_by_ids_while_alive(P, "6.18: id-only handle rejected; the test SKIPs",
  { idCh, "open Ch by id (failure: SKIP)" })
if not fCh then return end
C:exit(0)
expect_eq(P:wait(C), C, "C reaped")

local fPa = pat.open_by_id(P, idPa, "Pa opens: kept active by Ch")
local fGP = pat.open_by_id(P, idGP, "GP opens: kept active by Pa")
if fGP then fGP:close() end
if fPa then fPa:close() end
fCh:close()
