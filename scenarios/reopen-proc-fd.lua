-- Reopening an fd through /proc/<pid>/fd/<n> (the kernel's tests do it to
-- get a second file on a namespace): a new file on the same inode, which
-- takes a dentry reference and no namespace reference; nsfs opens for
-- reading only (EPERM), a pidfd either way, a socket not at all (ENXIO);
-- another user's fds need ptrace access (EACCES).
scenario { name = "reopen through /proc/<pid>/fd", kernel = "6.19" }
local init = sim.init
local c = assert(init:clone { "newuser", "newnet" })
local N = c:ns("net")
local f = assert(init:open_ns("net", c))
local g = assert(init:reopen(init, f.fd))
expect_eq(g:ioctl("NS_GET_ID"), N, "the same namespace")
expect_eq(sim.ns(N).ref, 2, "P: the nsproxy and one nsfs inode, whatever the number of files")
expect_errno(select(2, init:reopen(init, f.fd, { "rdwr" })), "EPERM", "nsfs: read only")
assert(f:close())
expect_eq(sim.ns(N).ref, 2, "the reopened file keeps the inode")
assert(g:close())
expect_eq(sim.ns(N).ref, 1, "the last file gone, the inode with it")
local s = assert(c:socket("inet"))
expect_errno(select(2, init:reopen(c, s.fd)), "ENXIO", "a socket")
local _, pfd = init:clone { "pidfd" }
assert(init:reopen(init, pfd.fd, { "rdwr", "cloexec" }))
local u = assert(init:clone {})
assert(u:setresuid(1000, 1000, 1000))
expect_errno(select(2, u:reopen(c, s.fd)), "EACCES", "another user's fds")
-- u is not dumpable any more (it changed its uid): its /proc files are
-- root's, but a task may always enter its own /proc/<pid>/fd
local uf = assert(u:memfd())
assert(u:reopen(u, uf.fd), "its own fds (proc_fd_permission)")
