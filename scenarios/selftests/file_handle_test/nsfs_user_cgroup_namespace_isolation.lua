-- file_handle_test/nsfs_user_cgroup_namespace_isolation
-- Checks (Pattern I, X = cgroup): a handle encoded for the initial cgroup
-- namespace cannot be opened from inside a child user namespace that has
-- its own cgroup namespace: the caller is not a member and has no
-- CAP_SYS_ADMIN over the initial user namespace, so open_by_handle_at
-- fails with ESTALE (reported 'P' by the real test; 'S' = success and
-- 'F' = another errno would be failures).
-- Simplification: P, the test process, is a root child of init; the pipe
-- that carries the result back is replaced by expectations in place, in
-- the order the real processes run (handle, fork, unshares, open, exits).
-- 6.18: the handle carries type and inum; the caller is neither in the
-- initial cgroup namespace nor capable over its owner (init_user_ns), and
-- every decode failure reaches userspace as ESTALE, so the outcome is the
-- same there.
-- variants: 6.19 6.18
scenario { name = "file_handle_test/nsfs_user_cgroup_namespace_isolation", kernel = "6.19" }

local X = "cgroup"
local P = sim.init:clone {}

-- P: H = n2h(open_ns(self, X)) in the initial namespaces
local pf = assert(P:open_ns(X))
local H, herr = pf:handle()
expect(H, "name_to_handle_at on the initial " .. X .. " ns: " .. tostring(herr))
pf:close()

-- C: unshare USER, map "0 <uid> 1" (uid 0 here, setgroups deny), unshare X
local C = P:clone {}
local ok, err = C:unshare { "user" }
expect(ok, "unshare(CLONE_NEWUSER): " .. tostring(err))
ok, err = C:uid_map(C, 0, 0, 1)
expect(ok, "uid_map 0 0 1: " .. tostring(err))
ok, err = C:gid_map(C, 0, 0, 1)
expect(ok, "gid_map 0 0 1: " .. tostring(err))
ok, err = C:unshare { X }
expect(ok, "unshare(" .. X .. "): " .. tostring(err))
expect(C:ns(X) ~= P:ns(X), "C is outside the initial " .. X .. " ns")

if H then
  local r, rerr = C:open_by_handle(H)
  expect(r == nil, "open_by_handle_at from C must fail ('S' = it succeeded)")
  expect_errno(rerr, "ESTALE", "result 'P': ancestor's " .. X .. " ns from a child user ns")
end

C:exit(0)
P:wait(C)
P:exit(0)
sim.init:wait(P)
