-- listns() into a buffer that faults part-way (listns_efault_test.c): the
-- kernel copies one id at a time with put_user(), so a buffer whose first
-- k entries are writable gives EFAULT once there are more than k ids to
-- list, and a listing that fits in those k succeeds.  On 6.18 there is no
-- listns() (ENOSYS).
scenario { name = "listns EFAULT part-way", kernel = "6.19" }
local ids, err = sim.init:listns { max = 100 }
if sim.kernel == "6.18" then
  expect_errno(err, "ENOSYS")
  return
end
expect(#ids > 3, "every active namespace: the initial ones and kdevtmpfs's")
local _, e2 = sim.init:listns { max = 100, buf = 2 }
expect_errno(e2, "EFAULT", "a third id faults")
local few = assert(sim.init:listns { max = 2, buf = 2 })
expect_eq(#few, 2, "two ids fit in two writable entries")
local _, e0 = sim.init:listns { max = 100, buf = 0 }
expect_errno(e0, "EFAULT", "no writable entry at all")
