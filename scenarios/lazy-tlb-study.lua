-- What-if: how long do idle CPUs keep user namespaces alive through lazy-TLB
-- mm references?  Containers (user+pid+net+mnt) arrive and die on a machine
-- whose CPUs idle a lot; every container's task execs, so its mm belongs to
-- its user namespace, and the last CPU it ran on keeps that mm while idle.
-- Parameters: `nssim run scenarios/lazy-tlb-study.lua --help` lists them
-- (and cpus, lazy_tlb as run settings).  docs/what-if-lazy-tlb.md has the
-- study and its sweep.
scenario {
  name = "lazy-TLB what-if", kernel = "6.19", cpus = 8, lazy_tlb = "refcount",
  params = {
    rate = { 40, "container arrivals per second" },
    lifetime = { "100ms", "mean container lifetime" },
    idle = { "200ms", "mean idle period of a CPU" },
    busy = { "5ms", "mean busy period of a CPU" },
    duration = { "2s", "how long containers keep arriving" },
  },
}
local wl = require "workloads"

wl.idle_cpus {}
local users = wl.container_churn {}
sim.run()
-- The machine eventually runs a user task on every CPU; until then an idle
-- CPU may still borrow a dead container's mm (the report counts the pins
-- that lasted to here as lasting until here).
local sweeper = sim.init:clone {}
for cpu = 0, sim.cpus() - 1 do sweeper:run_on(cpu) end
sweeper:exit(0); sim.init:wait(sweeper)
sim.run()

-- every container's user namespace is gone in the end, whatever held it
local left = 0
for _, u in ipairs(users) do
  if sim.ns(u) then left = left + 1 end
end
expect(#users > 0, "containers were started")
expect_eq(left, 0, "no container user namespace survives the run")
