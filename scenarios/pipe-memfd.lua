-- pipe2() and memfd_create(): files that hold no namespace, only their
-- f_cred; a pipe made in a user namespace keeps that namespace's P (through
-- the opener's cred) after its task is gone, as any file does.
scenario { name = "pipe and memfd", kernel = "6.19" }
local init = sim.init
local c = assert(init:clone { "newuser", "files" })   -- shares init's fd table
local U = c:ns("user")
local r, w = c:pipe()
assert(r and w)
local m = assert(c:memfd { "cloexec" })
assert(c:reopen(c, m.fd, { "wronly" })):close()   -- a memfd reopens for writing
c:exit(0)
init:wait(c)
sim.sleep(sim.ms(100))
expect(sim.ns(U), "the files' f_cred keep the cred, and it its user ns")
-- the table is init's too (CLONE_FILES): init closes them
for _, f in ipairs { r, w, m } do
  assert(init:fd(f.fd):close())
end
sim.sleep(sim.ms(100))
expect_eq(sim.ns(U), nil, "the last file gone, the cred and the user ns with it")
