-- File handles beyond the selftests: what name_to_handle_at() gives for
-- each kind of file and flag, what open_by_handle_at() does with each
-- mount fd and open flag, and what an unprivileged caller may decode.
-- Every outcome here was seen on linux-6.19-um and linux-7.1-um
-- (docs/scenario-api.md, "Handles").
scenario { name = "file handles", kernel = "6.19" }
local init = sim.init
local P = init:clone {}
local c, pfd = P:clone { "pidfd" }
local net = assert(P:open_ns("net"))
local sock = assert(P:socket("unix", "stream"))
local rd, wr = assert(P:pipe())
local mfd = assert(P:memfd())

-- name_to_handle_at(): flags and path
expect_errno(select(2, net:handle(128, { flags = {} })), "ENOENT", "empty path, no AT_EMPTY_PATH")
expect_errno(select(2, net:handle(128, { path = "x" })), "ENOTDIR", "a name below an nsfs file")
expect_errno(select(2, pfd:handle(128, { flags = { "handle_connectable" }, path = "x" })),
             "ENOTDIR", "a connectable handle of a name below a pidfd")
expect_errno(select(2, net:handle(128, { flags = { "empty_path", "handle_connectable" } })),
             "EINVAL", "AT_HANDLE_CONNECTABLE with AT_EMPTY_PATH")
expect_errno(select(2, net:handle(128, { flags = { "handle_fid", "handle_connectable" } })),
             "EINVAL", "AT_HANDLE_CONNECTABLE with AT_HANDLE_FID")
expect_errno(select(2, net:handle(128, { flags = 0x1004 })), "EINVAL", "an unknown flag")
local h = assert(net:handle(128, { flags = { "empty_path", "handle_mnt_id_unique",
                                             "symlink_follow" } }))
expect_eq(h.fh_type, 0xf1, "FILEID_NSFS")

-- files whose file system has no export operations: only a fid
expect_errno(select(2, sock:handle()), "EOPNOTSUPP", "a socket")
expect_errno(select(2, rd:handle()), "EOPNOTSUPP", "a pipe")
for _, f in ipairs { sock, rd } do
  local fid = assert(f:handle(128, { flags = { "empty_path", "handle_fid" } }))
  expect_eq(fid.bytes, 12)
  expect_eq(fid.fh_type, 0x81, "FILEID_INO64_GEN")
  expect_errno(select(2, f:handle(8, { flags = { "empty_path", "handle_fid" } })), "EOVERFLOW")
end

-- a pidfs handle and the size it needs
local ph, perr = pfd:handle(4)
expect(ph == nil)
expect_errno(perr, "EOVERFLOW", "a pidfs handle needs 8 bytes")
ph = assert(pfd:handle(8))

-- the mount fd decides which file system decodes
expect(P:open_by_handle(h, {}, "nsfs_root"))
expect(P:open_by_handle(h, {}, net))
expect_errno(select(2, P:open_by_handle(h, {}, "pidfs_root")), "ESTALE")
expect_errno(select(2, P:open_by_handle(h, {}, pfd)), "ESTALE")
expect_errno(select(2, P:open_by_handle(ph, {}, "nsfs_root")), "ESTALE")
expect_errno(select(2, P:open_by_handle(ph, {}, net)), "ESTALE")
for _, m in ipairs { "cwd", sock, rd } do
  expect_errno(select(2, P:open_by_handle(h, {}, m)), "ESTALE", "root decodes elsewhere")
end
expect_errno(select(2, P:open_by_handle(h, {}, -1)), "EBADF")
expect_errno(select(2, P:open_by_handle(h, {}, 99)), "EBADF")
expect_errno(select(2, P:open_by_handle(ph, { "trunc" }, "pidfs_root")), "EINVAL",
             "pidfs checks the flags before it decodes")
expect_errno(select(2, P:open_by_handle(sim.handle(0x7ffffff, { bytes = 8, fh_type = 0xfe }), {},
                                        "pidfs_root")), "ESTALE", "no such pid")

-- open flags on an nsfs handle
for _, case in ipairs {
  { { "creat" } }, { { "excl" } }, { { "creat", "excl" }, "EEXIST" }, { { "append" } },
  { { "append", "wronly" }, "EPERM" }, { { "direct", "wronly" }, "EPERM" },
  { { "wronly", "directory" }, "ENOTDIR" }, { { "creat", "directory" }, "EINVAL" },
  { { "path" } }, { { "path", "wronly", "trunc" } }, { { "path", "directory" }, "ENOTDIR" },
  { { "tmpfile", "rdwr" }, "ENOTDIR" }, { { "noatime" } }, { { "nonblock", "cloexec" } },
  { { "sync" } }, { { "nofollow", "largefile", "noctty", "async", "dsync" } },
} do
  local fd, err = P:open_by_handle(h, case[1])
  if case[2] then
    expect(fd == nil)
    expect_errno(err, case[2], table.concat(case[1], "|"))
  else
    expect(fd, table.concat(case[1], "|"))
    fd:close()
  end
end

assert(pfd:send_signal(9))
expect(P:wait(c))
expect_errno(select(2, P:open_by_handle(ph, {}, "pidfs_root")), "ESTALE", "reaped")

local sh = assert(assert(P:pidfd_open(P)):handle())
-- a caller without capabilities: O_NOATIME wants the inode's owner, and
-- file systems without a permission hook want CAP_DAC_READ_SEARCH
assert(P:setresuid(1000, 1000, 1000))
expect_errno(select(2, P:open_by_handle(h, { "noatime" })), "EPERM")
expect(P:open_by_handle(h), "its own net namespace")
expect(P:open_by_handle(sh, {}, "pidfs_root"), "pidfs needs no privilege")
for _, m in ipairs { "cwd", sock, rd, mfd } do
  expect_errno(select(2, P:open_by_handle(h, {}, m)), "EPERM", "may_decode_fh")
end
expect_errno(select(2, P:open_by_handle(h, { "directory" }, "cwd")), "EPERM")
