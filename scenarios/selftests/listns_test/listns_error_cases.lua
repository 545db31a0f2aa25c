-- listns_test/listns_error_cases
-- Argument checks of listns(): flags 0xFFFF -> EINVAL; a NULL id buffer
-- with nr 10 must fail (EFAULT in practice, errno not checked); spare = 1
-- -> EINVAL; nr = 2 000 000 must fail (EOVERFLOW in practice, the limit is
-- 1 000 000; errno not checked).
-- On 6.18 every call gives ENOSYS (kernel-6.18-observed.md row 4).
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_error_cases", kernel = "6.19" }

local init = sim.init
local P = init:clone {}
local old = sim.kernel == "6.18"

local r, err = P:listns { max = 10, flags = 0xFFFF }
if old then
  expect_errno(err, "ENOSYS", "6.18: flags 0xFFFF")
else
  expect(not r, "flags 0xFFFF fails")
  expect_errno(err, "EINVAL", "flags 0xFFFF")
end

r, err = P:listns { max = 10, buf = false }
if old then
  expect_errno(err, "ENOSYS", "6.18: NULL buffer")
else
  expect(not r, "a NULL buffer with nr 10 fails (errno " .. tostring(err) .. ", EFAULT in practice)")
end

r, err = P:listns { max = 10, spare = 1 }
if old then
  expect_errno(err, "ENOSYS", "6.18: spare 1")
else
  expect(not r, "spare = 1 fails")
  expect_errno(err, "EINVAL", "spare = 1")
end

r, err = P:listns { max = 2000000 }
if old then
  expect_errno(err, "ENOSYS", "6.18: nr 2000000")
else
  expect(not r, "nr = 2000000 fails (errno " .. tostring(err) .. ", EOVERFLOW in practice)")
end

P:exit(0)
init:wait(P)
