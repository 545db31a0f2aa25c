-- file_handle_test/nsfs_time_handle
-- Checks (Pattern H, X = time): after dropping to uid/gid 65534 (no
-- capabilities left), a task can still encode a file handle for the time
-- namespace it is a member of and reopen it by handle with O_RDONLY from
-- FD_NSFS_ROOT; the reopened file is the very same nsfs inode (equal dev
-- and ino).  Membership alone grants the open; no privilege is needed.
-- The real test skips when /proc/self/ns/time is missing; nssim has it, so
-- its open is expected to succeed.
-- Simplification: the test process P is a forked child of init, so that
-- the drop to nobody does not touch init itself.
-- 6.18: handles exist there; a handle from name_to_handle_at carries type
-- and inum (needed by the per-type lookup) and the caller is in the
-- namespace, which is enough permission, so the outcome is the same.
-- variants: 6.19 6.18
scenario { name = "file_handle_test/nsfs_time_handle", kernel = "6.19" }

local X = "time"
local P = sim.init:clone {}

-- setres_ids_drop(P, 65534): must succeed (P starts as root)
local ok, err = P:setresgid(65534, 65534, 65534)
expect(ok, "setresgid to 65534: " .. tostring(err))
ok, err = P:setresuid(65534, 65534, 65534)
expect(ok, "setresuid to 65534: " .. tostring(err))
expect(not P:has_cap("SYS_ADMIN"), "P runs unprivileged after the drop")

local f, ferr = P:open_ns(X)
expect(f, "open /proc/self/ns/" .. X .. ": " .. tostring(ferr))
if f then
  local H, herr = f:handle()           -- a MAX_HANDLE_SZ buffer
  expect(H, "name_to_handle_at: " .. tostring(herr))
  if H then
    expect(H.bytes > 0, "the handle has a positive size")
    local g, gerr = P:open_by_handle(H, { "rdonly" })
    expect(g, "open_by_handle_at(O_RDONLY) as nobody: " .. tostring(gerr))
    if g then
      local sf, sg = f:stat(), g:stat()
      expect_eq(sg.dev, sf.dev, "same device")
      expect_eq(sg.ino, sf.ino, "same inode")
      g:close()
    end
  end
  f:close()
end

P:exit(0)
sim.init:wait(P)
