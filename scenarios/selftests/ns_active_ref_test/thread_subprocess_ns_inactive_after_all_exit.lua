-- ns_active_ref_test/thread_subprocess_ns_inactive_after_all_exit
-- A child process with two threads shares a user and a net namespace with
-- them: while they live both open by id and both are listed by listns;
-- once the threads are joined and the child exited and was reaped, both
-- are INACTIVE to open_by_handle and no longer listed.
-- 6.18: id-only handles {id,0,0} give ESTALE (kernel-6.18-observed.md row
-- 2d), so the first opens fail there (the test fails); listns gives ENOSYS
-- (row 4), with which the test skips its listns checks.
-- variants: 6.19 6.18
scenario { name = "ns_active_ref_test/thread_subprocess_ns_inactive_after_all_exit", kernel = "6.19" }

local st = require "selftest"
local pat = require "selftest_patterns"
local P = sim.init:clone {}             -- the test process (root)

local function listed(t, typ, id)
  local ids, err = t:listns { types = { typ }, max = 256 }   -- owner 0: global
  if not ids then return nil, err end
  for _, v in ipairs(ids) do
    if v == id then return true end
  end
  return false
end

-- C: setup_userns -> U; unshare NET -> N; send both ids; two threads
-- blocked on a socketpair read
local C = P:clone {}
local idU = pat.setup_userns_id(C, "U")
local idN = pat.unshare_id(C, "net", "N")
local T1 = C:clone { "thread", "sighand", "vm", "fs", "files" }
local T2 = C:clone { "thread", "sighand", "vm", "fs", "files" }

-- P: open both by id, then list
local a, ea = P:open_by_handle(st.mkH(idU))
local b, eb = P:open_by_handle(st.mkH(idN))
if sim.kernel == "6.18" then
  expect_errno(ea, "ESTALE", "6.18: id-only handle for U rejected")
  expect_errno(eb, "ESTALE", "6.18: id-only handle for N rejected")
  local _, lerr = P:listns { types = { "user" }, max = 256 }
  expect_errno(lerr, "ENOSYS", "6.18: no listns (the test skips the listns checks)")
  return
end
expect(a, "U opens while C lives: " .. tostring(ea))
expect(b, "N opens while C lives: " .. tostring(eb))
if a then a:close() end
if b then b:close() end

local lu, lerr = listed(P, "user", idU)
expect(lu, "listns(USER) contains U: " .. tostring(lerr))
local ln, lerr2 = listed(P, "net", idN)
expect(ln, "listns(NET) contains N: " .. tostring(lerr2))

-- write 2 bytes: both threads return; C joins them and exits 0; P reaps
T1:exit_thread(0)
T2:exit_thread(0)
expect_eq(T1:state(), "gone", "T1 joined")
expect_eq(T2:state(), "gone", "T2 joined")
C:exit(0)
expect_eq(P:wait(C), C, "C reaped (exit 0)")

local x, ex = P:open_by_handle(st.mkH(idU))
expect(not x and st.inactive(ex), "U INACTIVE after reap: " .. tostring(ex))
local y, ey = P:open_by_handle(st.mkH(idN))
expect(not y and st.inactive(ey), "N INACTIVE after reap: " .. tostring(ey))
local lu2 = listed(P, "user", idU)
expect_eq(lu2, false, "listns(USER) no longer contains U")
local ln2 = listed(P, "net", idN)
expect_eq(ln2, false, "listns(NET) no longer contains N")
