-- file_handle_test/nsfs_open_flags
-- Checks: open_by_handle_at on a valid net-namespace handle validates the
-- open flags.  nsfs inodes are immutable, so asking for write access or
-- truncation is refused with EPERM; O_DIRECT and O_TMPFILE are invalid for
-- them (EINVAL); O_DIRECTORY fails with ENOTDIR as the inode is no
-- directory.  Each flag is tried on its own, in the record's order.
-- Simplification: the test process P is a root child of init.
-- 6.18: handles exist there; kernel-6.18-observed.md row 2c shows O_RDWR
-- giving EPERM, and kernel-model.md §6.4 lists the flag outcomes with no
-- 6.18 difference (the 6.18 differences are the active check, per-type
-- lookup, inum match and permission), so the same errnos are expected.
-- variants: 6.19 6.18
scenario { name = "file_handle_test/nsfs_open_flags", kernel = "6.19" }

local P = sim.init:clone {}
local f = assert(P:open_ns("net"))
local H, herr = f:handle()
expect(H, "name_to_handle_at on /proc/self/ns/net: " .. tostring(herr))

if H then
  local cases = {
    { "wronly", "EPERM" },
    { "rdwr", "EPERM" },
    { "trunc", "EPERM" },
    { "direct", "EINVAL" },
    { "tmpfile", "EINVAL" },
    { "directory", "ENOTDIR" },
  }
  for _, c in ipairs(cases) do
    local g, err = P:open_by_handle(H, { c[1] })
    expect(g == nil, "open_by_handle_at(O_" .. c[1]:upper() .. ") must fail")
    expect_errno(err, c[2], "O_" .. c[1]:upper())
    if g then g:close() end
  end
end

f:close()
P:exit(0)
sim.init:wait(P)
