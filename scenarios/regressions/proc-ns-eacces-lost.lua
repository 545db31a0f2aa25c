-- A v7.1.5 kernel bug, found by the differential check on linux-7.1-um
-- (explore --kernel 7.1 --seed 1 --depth 16, sequence 40): opening
-- /proc/<pid>/ns/<type> when the ptrace check refuses it.  v6.19 answers
-- EACCES.  7.1's proc_ns_get_link() (fs/proc/namespaces.c) takes
-- exec_update_lock into the same variable that held -EACCES, so a refused
-- check returns 0: no link and no jump, and open() goes on with the
-- /proc/<pid>/ns directory itself, which its owner may read.  The fd is
-- not a namespace: its ioctls are ENOTTY, setns() refuses it (EINVAL).
-- Here c is root in a new user namespace without capabilities over the
-- initial one, and init's /proc directory is owned by the same kuid 0.
scenario { name = "7.1: a refused /proc ns open opens the ns directory", kernel = "7.1" }
local c = assert(sim.init:clone { "newuser" })
local fd, err = c:open_ns("uts", sim.init)
if sim.kernel == "7.1" then
  expect(fd, "the refused open succeeds")
  expect_errno(select(2, fd:ioctl("NS_GET_NSTYPE")), "ENOTTY", "on the directory, not nsfs")
  expect_errno(select(2, c:setns(fd)), "EINVAL", "not a namespace")
  assert(fd:close())
else
  expect_errno(err, "EACCES", "ptrace_may_access() refuses it")
end
c:exit(0)
sim.init:wait(c)
