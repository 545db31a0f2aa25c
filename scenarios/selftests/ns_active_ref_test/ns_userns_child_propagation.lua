-- ns_active_ref_test/ns_userns_child_propagation
-- A child user namespace keeps its parent user namespace active: with the
-- child held, the parent opens; after the child is released the parent
-- still opens through its own fd, and after that fd is closed it does not.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the first open fails and the test SKIPs there.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_userns_child_propagation", kernel = "6.19" }

local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C: setup_userns -> UA; setup_userns -> UB; send the ids; exit
local C = P:clone {}
local idUA = pat.setup_userns_id(C, "UA")
local idUB = pat.setup_userns_id(C, "UB")

-- Racy in the real test (SKIP if C has exited first); here P opens first.
local fUB = pat.open_by_ids_while_alive(P, "6.18: id-only handle rejected; the test SKIPs",
  { idUB, "open UB by id (failure: SKIP)" })
if not fUB then return end
C:exit(0)
expect_eq(P:wait(C), C, "C reaped")

local fUA = pat.open_by_id(P, idUA, "UA opens: UB keeps it active")
fUB:close()
pat.opens_by_id(P, idUA, "UA still opens after UB is released (fUA)")
if fUA then fUA:close() end
pat.no_open_by_id(P, idUA, "UA no longer opens once every fd is closed (errno not checked)")
