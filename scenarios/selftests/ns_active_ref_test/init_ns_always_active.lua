-- ns_active_ref_test/init_ns_always_active
-- The initial net namespace is never inactive: a handle encoded from
-- /proc/1/ns/net opens again after the fd it came from is closed, and it is
-- the same inode as a fresh /proc/1/ns/net (the fixed init net inode).
-- 6.18: a full handle (id, type, inum) opens while __ns_ref > 0, which the
-- initial net ns always has (kernel-6.18-observed.md, consequences); the
-- fixed inode number is only asserted on 6.19 (init_ino_test is a 6.19 test).
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/init_ns_always_active", kernel = "6.19" }

local st = require "selftest"
local init = sim.init
local P = init:clone {}                 -- the test process, root in the initial namespaces

local f1 = P:open_ns("net", init)       -- /proc/1/ns/net
expect(f1, "open /proc/1/ns/net")
local H, herr = f1:handle()
expect(H, "name_to_handle_at works (the test SKIPs on EOPNOTSUPP): " .. tostring(herr))
if not H then return end
f1:close()

local f2, err = P:open_by_handle(H)
expect(f2, "the init net ns opens from its handle: " .. tostring(err))
f1 = P:open_ns("net", init)
expect(f1, "reopen /proc/1/ns/net")
if f2 and f1 then
  expect_eq(f2:stat().ino, f1:stat().ino, "same inode as /proc/1/ns/net")
  if sim.kernel ~= "6.18" then
    expect_eq(f2:stat().ino, st.init_ino.net, "the fixed init net inode 0xEFFFFFF9")
  end
  f2:close()
end
f1:close()
