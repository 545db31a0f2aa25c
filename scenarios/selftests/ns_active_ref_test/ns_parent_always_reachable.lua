-- ns_active_ref_test/ns_parent_always_reachable
-- While a child user namespace is active it keeps its parent user
-- namespace active: the parent opens by id, NS_GET_USERNS on the child
-- gives that same parent, the parent stays open after the child's fd is
-- closed as long as other fds hold it, and is unreachable once they are
-- closed too.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the first open fails and the test SKIPs there.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_parent_always_reachable", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C: setup_userns -> Pu, then setup_userns -> Cu (a child of Pu); send ids
local C = P:clone {}
local idP = pat.setup_userns_id(C, "Pu")
local idC = pat.setup_userns_id(C, "Cu")

-- The real test races this open against C's exit (SKIP if it loses); here
-- P's open comes before C exits.
local fC = pat.open_by_ids_while_alive(P, "6.18: id-only handle rejected; the test SKIPs",
  { idC, "open Cu by id (failure: SKIP)" })
if not fC then return end
C:exit(0)
expect_eq(P:wait(C), C, "C reaped")

local fP = pat.open_by_id(P, idP, "Pu opens: Cu (held by fC) keeps it active")
local fP2, err2 = fC:ioctl("NS_GET_USERNS")
expect(fP2, "NS_GET_USERNS on Cu (failure: SKIP): " .. tostring(err2))
if not (fP and fP2) then return end
expect(pat.same(fP, fP2), "NS_GET_USERNS gives the same Pu (same dev and ino)")

fC:close()
pat.opens_by_id(P, idP, "Pu still opens after closing fC (fP, fP2 hold it)")

fP:close()
fP2:close()
local y, erry = P:open_by_handle(st.mkH(idP))
expect(not y and st.inactive(erry), "Pu INACTIVE once every fd is closed: " .. tostring(erry))
