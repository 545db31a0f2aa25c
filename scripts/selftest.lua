-- selftest: the helpers of tools/testing/selftests/namespaces, in nssim
-- terms (see ../shared/docs/selftest-cases.md, "Shared helpers").
--   local st = require "selftest"
local M = {}

-- setup_userns(t): unshare USER and MNT, map inside 0 to t's own uid, deny
-- setgroups, map inside 0 to t's own gid (one id each), as the selftests'
-- helper does (a gid map of one's own gid needs setgroups denied first).
-- Returns true, or nil and the errno of the step that failed.
function M.setup_userns(t, uid, gid)
  local ok, err = t:unshare { "user", "mnt" }
  if not ok then return nil, err end
  ok, err = t:uid_map(t, 0, uid or 0, 1)
  if not ok then return nil, err end
  ok, err = t:setgroups(t, "deny")
  if not ok then return nil, err end
  ok, err = t:gid_map(t, 0, gid or 0, 1)
  if not ok then return nil, err end
  return true
end

-- userns_fd(parent, inside, outside, range): a helper child in a new user
-- and mount ns, its maps written by the parent, /proc/<helper>/ns/user
-- opened by the parent, the helper killed and reaped.  The returned Fd is
-- then the only thing keeping that user namespace alive and active.
function M.userns_fd(parent, inside, outside, range)
  local helper, err = parent:clone { "newuser", "newns" }
  if not helper then return nil, err end
  assert(parent:uid_map(helper, inside or 0, outside or 0, range or 1))
  assert(parent:gid_map(helper, inside or 0, outside or 0, range or 1))
  local fd, err2 = parent:open_ns("user", helper)
  parent:kill(helper)
  parent:wait(helper)
  return fd, err2
end

-- mkH(id): a handle synthesized from a bare id (ns_type and ns_inum 0).
function M.mkH(id)
  return sim.handle(id)
end

-- The fixed ids and inode numbers of the initial namespaces (6.19).
M.init_id = { ipc = 1, uts = 2, user = 3, pid = 4, cgroup = 5, time = 6, net = 7, mnt = 8 }
M.init_ino = {
  ipc = 0xEFFFFFFF, uts = 0xEFFFFFFE, user = 0xEFFFFFFD, pid = 0xEFFFFFFC,
  cgroup = 0xEFFFFFFB, time = 0xEFFFFFFA, net = 0xEFFFFFF9, mnt = 0xEFFFFFF8,
}

-- INACTIVE: open_by_handle_at failed with ENOENT or ESTALE.
function M.inactive(err)
  return err == "ESTALE" or err == "ENOENT"
end

-- pidfd_file_handle_test's fixture: the test process P (a root child of
-- init) with a pidfd on itself, and three children that pause, made with
-- CLONE_NEWUSER, CLONE_NEWUSER|CLONE_NEWPID and again
-- CLONE_NEWUSER|CLONE_NEWPID, each with a pidfd in P.
function M.pidfd_fixture()
  local P = sim.init:clone {}
  local self = {
    P = P,
    pidfd = assert(P:pidfd_open(P)),
  }
  self.child1, self.child_pidfd1 = P:clone { "newuser", "pidfd" }
  self.child2, self.child_pidfd2 = P:clone { "newuser", "newpid", "pidfd" }
  self.child3, self.child_pidfd3 = P:clone { "newuser", "newpid", "pidfd" }
  assert(self.child1 and self.child2 and self.child3)
  return self
end

-- The fixture's teardown: SIGKILL through each child's pidfd, close it,
-- reap the child.
function M.pidfd_teardown(self)
  expect(self.pidfd:close())
  for i = 1, 3 do
    local pfd = self["child_pidfd" .. i]
    if pfd then
      expect(pfd:send_signal(9))
      expect(pfd:close())
      expect(self.P:wait(self["child" .. i]))
    end
  end
end

-- fstat() of two fds: the same pidfs inode (st_dev and st_ino)
function M.same_inode(f1, f2)
  local a, b = f1:stat(), f2:stat()
  return a.dev == b.dev and a.ino == b.ino
end

return M
