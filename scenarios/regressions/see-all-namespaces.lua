-- What 7.0 changed in what a caller sees (docs/fidelity.md, the 7.1 table).
-- listns() and nsfs file handles show a namespace that is not the caller's
-- own only to may_see_all_namespaces() (kernel/nscommon.c): a caller in
-- the initial pid namespace with CAP_SYS_ADMIN in the initial user
-- namespace.  The init of a new pid namespace, root in the initial user
-- namespace, saw everything on 6.19; on 7.1 it sees only its own, and a
-- handle of any other namespace opens nowhere (EPERM, ESTALE to
-- userspace).  And /proc/<pid>/ns/pid_for_children opens before the pid
-- namespace has an init since 7.0 (pidns_for_children_get()); on 6.19
-- that is ENOENT.  Run it with --kernel 6.19 and --kernel 7.1.
scenario { name = "may_see_all_namespaces and pid_for_children", kernel = "7.1" }
local gate = sim.kernel == "7.1"
if sim.kernel == "6.18" then
  -- no listns() and no nsfs handles yet: nothing here to compare
  return
end

local a = assert(sim.init:clone { "newnet" })
local N = a:ns("net")
local p = assert(sim.init:clone { "newpid" })
local function lists(task, id)
  for _, x in ipairs(assert(task:listns { types = { "net" } })) do
    if x == id then return true end
  end
  return false
end
expect_eq(lists(p, N), not gate, "a's net ns is listed for p only before 7.0")
expect_eq(lists(p, p:ns("net")), true, "p's own net ns is listed")
expect_eq(lists(sim.init, N), true, "the initial pid ns sees all")
local fd, err = p:open_by_handle(sim.handle(N))
if gate then
  expect_errno(err, "ESTALE", "7.1: may_see_all_namespaces() refuses p")
else
  expect(fd, "6.19: p is capable over the owner, init_user_ns")
  assert(fd:close())
end
local own = assert(p:open_by_handle(sim.handle(p:ns("net"))))
assert(own:close())

local q = assert(sim.init:clone {})
assert(q:unshare { "newpid" })
local pfc, err2 = sim.init:open_ns("pid_for_children", q)
if gate then
  expect(pfc, "7.1: the pid ns opens before its init exists")
  assert(pfc:close())
else
  expect_errno(err2, "ENOENT", "6.19: no init yet, no link")
end

for _, t in ipairs { a, p, q } do
  t:exit(0)
  sim.init:wait(t)
end
