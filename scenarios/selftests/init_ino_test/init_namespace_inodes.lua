-- init_ino_test/init_namespace_inodes
-- stat() of /proc/1/ns/<type> gives the fixed uapi inode number of each
-- initial namespace: ipc 0xEFFFFFFF, uts 0xEFFFFFFE, user 0xEFFFFFFD,
-- pid 0xEFFFFFFC, cgroup 0xEFFFFFFB, time 0xEFFFFFFA, net 0xEFFFFFF9,
-- mnt 0xEFFFFFF8.  (ENOENT for one type would skip that type alone.)
-- Pre: root.  The stat is modelled as open of /proc/1/ns/<type> and fstat:
-- the same nsfs inode.
-- 6.18: all eight initial inode numbers are already fixed there
-- (kernel-model.md §1 namespace-6.18 pull, §2.3), so the same outcome.
-- variants: 6.19 6.18
scenario { name = "init_ino_test/init_namespace_inodes", kernel = "6.19" }

local init = sim.init                    -- pid 1
local P = init:clone {}                  -- the test process (root), forked by the harness

local want = {
  { "ipc", 0xEFFFFFFF }, { "uts", 0xEFFFFFFE }, { "user", 0xEFFFFFFD },
  { "pid", 0xEFFFFFFC }, { "cgroup", 0xEFFFFFFB }, { "time", 0xEFFFFFFA },
  { "net", 0xEFFFFFF9 }, { "mnt", 0xEFFFFFF8 },
}
for _, w in ipairs(want) do
  local t, ino = w[1], w[2]
  local f, err = P:open_ns(t, init)
  expect(f, "/proc/1/ns/" .. t .. " exists: " .. tostring(err))
  if f then
    local st, serr = f:stat()
    expect(st, "stat /proc/1/ns/" .. t .. ": " .. tostring(serr))
    expect_eq(st and st.ino, ino, string.format("/proc/1/ns/%s inode is 0x%X", t, ino))
    f:close()
  end
end

P:exit(0)
init:wait(P)
