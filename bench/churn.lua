-- A churn workload for measuring cost per event (bench/README.md): `tasks`
-- live tasks, each slot replaced `rounds` times: a clone with some
-- namespaces, an nsfs open and close, exit, reap.  Each round is 5 events,
-- so the events measured are rounds * tasks * 5 whatever the world's size;
-- compare a run with tasks = N against one with tasks = 10 N and the same
-- total (rounds scaled down) to see whether cost per event grows with the
-- world.
scenario { name = "churn", kernel = "6.19", tasks = 100, rounds = 20 }
local init = sim.init
local flags = { {}, { "newnet" }, { "newuser", "newnet" }, { "newpid" }, { "newuts", "newipc" } }
local pool = {}
for i = 1, sim.param.tasks do
  pool[i] = assert(init:clone(flags[i % #flags + 1]))
end
for r = 1, sim.param.rounds do
  for i = 1, sim.param.tasks do
    local c = pool[i]
    local f = assert(init:open_ns("net", c))
    f:close()
    assert(c:exit(0))
    assert(init:wait(c))
    pool[i] = assert(init:clone(flags[(i + r) % #flags + 1]))
  end
end
