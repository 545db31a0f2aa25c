-- A user namespace kept alive by an idle CPU's lazy-TLB reference to an mm
-- (kernel-model.md §8.2).  The container's task runs on CPU 1, blocks (CPU 1
-- goes idle and keeps the task's mm as its active_mm), then moves to CPU 0
-- and exits there.  Through mm->user_ns the container's user namespace stays
-- in memory, invisible, until CPU 1 runs a user task again.  With
-- lazy_tlb = "shootdown" there is no such pin: __mmdrop sends CPU 1 an IPI.
--   nssim run scenarios/lazy-tlb-pin.lua
--   nssim run --lazy-tlb shootdown scenarios/lazy-tlb-pin.lua
scenario { name = "lazy-TLB pin", kernel = "6.19", cpus = 2, lazy_tlb = "refcount" }

local init = sim.init
local c = init:clone { "newuser", "newnet" }
assert(c:run_on(1))
assert(c:execve())                  -- its mm now belongs to its user ns
local U = c:ns("user")
assert(c:block())                   -- CPU 1: nothing to run, idle borrows the mm
expect(sim.cpu(1).curr == nil, "CPU 1 runs its idle task")
assert(c:run_on(0))
c:exit(0)
init:wait(c)                        -- init runs on CPU 0: CPU 0's borrow goes
sim.run()                           -- every RCU and workqueue free done

if sim.lazy_tlb == "refcount" then
  expect_eq(sim.cpu(1).ipis, 0, "no IPIs with refcounted lazy TLB")
  expect(sim.cpu(1).lazy_mm ~= nil, "CPU 1 idles on the dead task's mm")
  expect_eq(sim.ns(U).active, 0, "the user ns is invisible...")
  expect_eq(sim.ns(U).ref, 1, "...held by one reference: the mm's")
  local t = init:clone {}
  assert(t:run_on(1))               -- finish_task_switch drops the borrowed mm
  sim.sleep(sim.ms(1))              -- free_user_ns runs from a workqueue
  expect_eq(sim.ns(U), nil, "freed once CPU 1 ran a user task")
  t:exit(0); init:wait(t)
else
  expect_eq(sim.cpu(1).ipis, 1, "__mmdrop shot CPU 1 down with an IPI")
  expect_eq(sim.ns(U), nil, "freed at the last real mmdrop")
  expect_eq(sim.cpu(1).lazy_mm, nil, "CPU 1 was switched to init_mm")
end
