-- ns_active_ref_test/ns_parent_multiple_children_refcount
-- A user namespace owning two net namespaces stays active until both are
-- inactive: with fds on both it opens, after closing one it still opens,
-- after closing the other it does not.  Deterministic: the child keeps fds
-- on both nets and waits while the parent opens them.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the parent's first open fails (the test fails there).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/ns_parent_multiple_children_refcount", kernel = "6.19" }

local st = require "selftest"
local P = sim.init:clone {}             -- the test process (root)

local function ns_id(t, name)
  local f = assert(t:open_ns(name))
  local id = f:ioctl("NS_GET_ID")
  f:close()
  return id
end

-- C: setup_userns -> Pu; unshare NET -> N1 (keep an fd); unshare NET -> N2
-- (keep an fd); send the ids; wait on a sync
local C = P:clone {}
expect(st.setup_userns(C), "C: setup_userns -> Pu")
local idPu = ns_id(C, "user")
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET) -> N1")
local k1 = C:open_ns("net")
local idN1 = k1:ioctl("NS_GET_ID")
expect(C:unshare { "net" }, "C: unshare(CLONE_NEWNET) -> N2")
local k2 = C:open_ns("net")
local idN2 = k2:ioctl("NS_GET_ID")

-- P: open both while C is alive (N1 is held only by C's fd k1)
local f1, e1 = P:open_by_handle(st.mkH(idN1))
if sim.kernel == "6.18" then
  expect_errno(e1, "ESTALE", "6.18: id-only handle rejected")
  return
end
local f2, e2 = P:open_by_handle(st.mkH(idN2))
expect(f1, "open N1 by id while C lives: " .. tostring(e1))
expect(f2, "open N2 by id while C lives: " .. tostring(e2))
if not (f1 and f2) then return end

-- signal C: it exits 0 (its fds k1, k2 close with it); reap
C:exit(0)
expect_eq(P:wait(C), C, "C reaped (exit 0)")

local a, ea = P:open_by_handle(st.mkH(idPu))
expect(a, "Pu opens while N1 and N2 are held: " .. tostring(ea))
if a then a:close() end
f1:close()
local b, eb = P:open_by_handle(st.mkH(idPu))
expect(b, "Pu still opens: N2 keeps it active: " .. tostring(eb))
if b then b:close() end
f2:close()
local c, ec = P:open_by_handle(st.mkH(idPu))
expect(not c, "Pu no longer opens once both nets are released (errno not checked): " .. tostring(ec))
if c then c:close() end
