-- Dumpability decides /proc access, as a 6.18 kernel answers; the model
-- lacked it until the differential check (docs/test-vectors.md) showed the
-- kernel refusing these calls.  A task that changed its uid has an
-- undumpable mm, and so have its forks: their /proc/<pid>/ns links need
-- CAP_SYS_PTRACE over the mm's user namespace (EACCES), and their
-- /proc/<pid>/uid_map belongs to root (EACCES).  A zombie has no mm: v6.19.0
-- skips the test and the open fails later, ENOENT (seen on linux-6.19-um);
-- 6.18.y stable and 7.1 keep the last dumpability at exit_mm() ("ptrace:
-- slightly saner 'get_dumpable()' logic") and still refuse, EACCES.  After
-- execve() the mm is dumpable again.
-- variants: 6.19 6.18
scenario { name = "dumpable", kernel = "6.19" }

local init = sim.init
local a = init:clone {}
assert(a:setuid(1000))
assert(a:unshare { "newuser", "newnet" })
local b = a:clone { "newnet" }
expect_errno(select(2, a:open_ns("net", b)), "EACCES", "a live fork of an undumpable task")
local c = a:clone {}
expect_errno(select(2, a:uid_map(c, 0, 1000, 1)), "EACCES", "its uid_map belongs to root")
assert(b:exit(0))
if sim.kernel == "6.19" or sim.kernel == "6.19-prefix" then
  expect_errno(select(2, a:open_ns("net", b)), "ENOENT", "v6.19.0: a zombie has no mm to test")
else
  expect_errno(select(2, a:open_ns("net", b)), "EACCES", "a zombie keeps its mm's dumpability")
end
assert(a:wait(b))

local d = init:clone {}
assert(d:setuid(1000))
assert(d:execve())
local e = d:clone {}
local f = d:open_ns("net", e)
expect(f, "after execve() the mm and its forks are dumpable again")
assert(e:exit(0))
expect_errno(select(2, d:open_ns("net", e)), "ENOENT", "the zombie has no net namespace left")
d:wait(e)
