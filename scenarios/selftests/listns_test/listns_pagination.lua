-- listns_test/listns_pagination
-- Paging: a first batch of two ids, then a second batch of two resumed
-- from the last id of the first; every id of the second batch is above the
-- cursor.
-- On 6.18 listns gives ENOSYS (kernel-6.18-observed.md row 4): skip.
-- variants: 6.19 6.18
scenario { name = "listns_test/listns_pagination", kernel = "6.19" }

local init = sim.init
local P = init:clone {}

local b1, err = P:listns { max = 2 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS", "6.18 has no listns: the test skips")
  return
end
expect(b1, "first batch: " .. tostring(err))
b1 = b1 or {}
expect(#b1 > 0, "the first batch is not empty (else the test skips)")
if #b1 == 2 then
  local b2, err2 = P:listns { after = b1[2], max = 2 }
  expect(b2, "second batch from the cursor succeeds (count >= 0): " .. tostring(err2))
  if b2 and #b2 > 0 then
    expect(b2[1] > b1[2], "the second batch starts above the cursor " .. b1[2])
  end
end

P:exit(0)
init:wait(P)
