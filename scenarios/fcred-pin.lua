-- A regular file keeps its opener's cred, and with it the cred's user
-- namespace, in memory: file->f_cred (kernel-model.md §8, kernel-6.18-
-- observed.md row 3a).  A child in a new user namespace opens a file,
-- hands it to init and is reaped.  On 6.18 a handle needs only __ns_ref > 0,
-- so the user namespace still opens by handle; on 6.19 f_cred is a passive
-- pin and the handle is stale.  Closing the file frees the namespace after
-- the cred's RCU grace period.
-- variants: 6.19 6.18
scenario { name = "f_cred pin", kernel = "6.19" }

local init = sim.init
local c = init:clone { "newuser" }
local user = c:ns("user")
local h = assert(c:open_ns("user")):handle()
local f = c:send_fd(init, assert(c:open_file("/etc/hostname")))
c:exit(0); init:wait(c)
sim.run()                         -- the reaped task's own cred is gone now

local fd, err = init:open_by_handle(h)
if sim.kernel == "6.18" then
  expect(fd, "6.18: the file's f_cred keeps the user namespace reachable")
  if fd then fd:close() end
else
  expect_errno(err, "ESTALE", "6.19: f_cred pins memory only, not visibility")
end
expect(sim.ns(user) ~= nil, "the user namespace is still in memory")

f:close()
sim.run()                         -- put_cred_rcu, then the user ns goes
expect(sim.ns(user) == nil, "freed once the file is gone")
expect_errno(select(2, init:open_by_handle(h)), "ESTALE", "the handle is stale")
