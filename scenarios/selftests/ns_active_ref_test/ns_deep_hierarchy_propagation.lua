-- ns_active_ref_test/ns_deep_hierarchy_propagation
-- Active references propagate up two user namespace levels
-- (init -> UA -> UB -> net N): with N held, UB and UA open; releasing N,
-- then UB, then UA one by one keeps each remaining level reachable while
-- it still has a direct fd, and the last release makes UA unreachable.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the first open fails and the test SKIPs there.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_deep_hierarchy_propagation", kernel = "6.19" }

local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C: setup_userns -> UA; setup_userns -> UB; unshare NET -> N; send; exit
local C = P:clone {}
local idUA = pat.setup_userns_id(C, "UA")
local idUB = pat.setup_userns_id(C, "UB")
local idN = pat.unshare_id(C, "net", "N")

-- Racy in the real test (SKIP if C has exited first); here P opens first.
local fN = pat.open_by_ids_while_alive(P, "6.18: id-only handle rejected; the test SKIPs",
  { idN, "open N by id (failure: SKIP)" })
if not fN then return end
C:exit(0)
expect_eq(P:wait(C), C, "C reaped")

local fUB = pat.open_by_id(P, idUB, "UB opens (N keeps it active)")
local fUA = pat.open_by_id(P, idUA, "UA opens (UB keeps it active)")
if not (fUB and fUA) then return end

fN:close()
pat.opens_by_id(P, idUB, "UB still opens after N is released (fUB)")
fUB:close()
pat.opens_by_id(P, idUA, "UA still opens after UB is released (fUA)")
fUA:close()
pat.no_open_by_id(P, idUA, "UA no longer opens once every fd is closed (errno not checked)")
