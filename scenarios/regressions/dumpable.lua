-- Dumpability decides /proc access, as a 6.18 kernel answers; the model
-- lacked it until the differential check (docs/test-vectors.md) showed the
-- kernel refusing these calls.  A task that changed its uid has an
-- undumpable mm, and so have its forks: their /proc/<pid>/ns links need
-- CAP_SYS_PTRACE over the mm's user namespace (EACCES), also once they are
-- zombies, and their /proc/<pid>/uid_map belongs to root (EACCES).  After
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
expect_errno(select(2, a:open_ns("net", b)), "EACCES", "a zombie keeps its mm's dumpability")
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
