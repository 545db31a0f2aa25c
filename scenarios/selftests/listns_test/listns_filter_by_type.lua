-- listns_test/listns_filter_by_type
-- listns() with the type mask CLONE_NEWNET returns net namespaces: at least
-- one.  For the first five ids the test builds a handle with handle_type 0
-- (not FILEID_NSFS), ns_type NET and inode 0, and tries open_by_handle_at;
-- such a malformed handle is expected to fail and that failure is not
-- checked, but if it does open, NS_GET_NSTYPE must say CLONE_NEWNET.
-- On 6.18 listns gives ENOSYS (kernel-6.18-observed.md row 4): skip.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_filter_by_type", kernel = "6.19" }

local CLONE_NEWNET = 0x40000000
local init = sim.init
local P = init:clone {}

local ids, err = P:listns { types = { "net" }, max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
  return
end
expect(ids, "listns(NET) succeeds: " .. tostring(err))
ids = ids or {}
expect(#ids > 0, "at least one net namespace (init_net) is listed")

for i = 1, math.min(#ids, 5) do
  local h = sim.handle(ids[i], "net", 0, { fh_type = 0 })
  local fd = P:open_by_handle(h)        -- failure tolerated, not asserted
  if fd then
    local v = fd:ioctl("NS_GET_NSTYPE")
    if v then
      expect_eq(v, CLONE_NEWNET, "an opened handle for listed id " .. ids[i] .. " is a net ns")
    end
    fd:close()
  end
end

P:exit(0)
init:wait(P)
