-- ns_active_ref_test/ns_parent_multiple_children_refcount
-- A user namespace owning two net namespaces stays active until both are
-- inactive: with fds on both it opens, after closing one it still opens,
-- after closing the other it does not.  Deterministic: the child keeps fds
-- on both nets and waits while the parent opens them.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the parent's first open fails (the test fails there).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_parent_multiple_children_refcount", kernel = "6.19" }

local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

-- C: setup_userns -> Pu; unshare NET -> N1 (keep an fd); unshare NET -> N2
-- (keep an fd); send the ids; wait on a sync
local C = P:clone {}
local idPu = pat.setup_userns_id(C, "Pu")
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET) -> N1")
local k1 = C:open_ns("net")
local idN1 = k1:ioctl("NS_GET_ID")
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET) -> N2")
local k2 = C:open_ns("net")
local idN2 = k2:ioctl("NS_GET_ID")

-- P: open both while C is alive (N1 is held only by C's fd k1); signal C:
-- it exits 0 (its fds k1, k2 close with it); reap; then Pu by id
pat.pair_keeps_owner(P, C, {
  owner = idPu, ids = { idN1, idN2 },
  skip618 = "6.18: id-only handle rejected",
  open = { "open N1 by id while C lives", "open N2 by id while C lives" },
  reaped = "C reaped (exit 0)",
  held = "Pu opens while N1 and N2 are held",
  one_left = "Pu still opens: N2 keeps it active",
  none_left = "Pu no longer opens once both nets are released (errno not checked)",
})
