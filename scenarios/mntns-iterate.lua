-- Iterating mount namespaces as filesystems/nsfs/iterate_mntns.c does:
-- NS_MNT_GET_INFO gives a mount namespace's id, NS_MNT_GET_NEXT and
-- NS_MNT_GET_PREV open the adjoining one in id order (over which the caller
-- has CAP_SYS_ADMIN), ENOENT past the ends.  Opening an inactive one makes
-- it active again, as any new nsfs inode does.  On 7.1 (and 6.18.y, which
-- has the backport) only a caller that may see all namespaces may iterate
-- (EPERM otherwise).
scenario { name = "NS_MNT_GET_NEXT/PREV", kernel = "6.19" }
local a = assert(sim.init:clone { "newns" })
local b = assert(sim.init:clone { "newns" })
local A, B = a:ns("mnt"), b:ns("mnt")
local fa = assert(sim.init:open_ns("mnt", a))
expect_eq(fa:ioctl("NS_MNT_GET_INFO"), A, "mnt_ns_id")
-- 6.18 takes ids from per-CPU batches: on a machine with more than one CPU
-- their order is the CPUs' (seen on the host), so it skips the walk
if sim.kernel ~= "6.18" then
  local fb = assert(fa:ioctl("NS_MNT_GET_NEXT"))
  expect_eq(fb:ioctl("NS_GET_ID"), B, "the next mount namespace is b's")
  expect_errno(select(2, fb:ioctl("NS_MNT_GET_NEXT")), "ENOENT", "b's is the last")
  local back = assert(fb:ioctl("NS_MNT_GET_PREV"))
  expect_eq(back:ioctl("NS_GET_ID"), A, "and the previous one a's again")
end
local net = assert(sim.init:open_ns("net", a))
expect_errno(select(2, net:ioctl("NS_MNT_GET_NEXT")), "EINVAL", "not a mount namespace")
-- a task in a new pid ns: 7.1 refuses it the iteration
local p = assert(sim.init:clone { "newpid" })
local pa_fd = assert(p:open_ns("mnt", p))
local nx, err = pa_fd:ioctl("NS_MNT_GET_NEXT")   -- kdevtmpfs's, id 10
if sim.kernel == "7.1" or sim.kernel == "6.18" then
  expect_errno(err, "EPERM", "7.1, 6.18.y: only may_see_all_namespaces()")
else
  expect(nx, "6.19: CAP_SYS_ADMIN over the owner suffices")
end
for _, t in ipairs { a, b, p } do
  t:exit(0)
  sim.init:wait(t)
end
