-- workloads: reusable generators for what-if studies.  Every parameter has
-- a default and can be set from the scenario{} header or --param.
--   local wl = require "workloads"
--   wl.container_churn { rate = 50, lifetime = sim.ms(200), duration = sim.s(2) }
local M = {}

local function opt(o, k, default)
  local v = o and o[k]
  if v == nil then v = sim.param[k] end
  if v == nil then v = default end
  return v
end
M.opt = opt

-- A duration drawn from a distribution with this mean: "exp" or "uniform"
-- (between 0 and twice the mean) or "fixed".
function M.draw(dist, mean)
  if dist == "uniform" then return math.floor(sim.uniform(0, 2 * mean)) end
  if dist == "fixed" then return math.floor(mean) end
  return sim.exp(mean)
end

-- Containers arrive as a Poisson process (rate per second) for `duration`;
-- each gets new user, pid, net and mount namespaces, execs (its mm then
-- belongs to its user namespace), runs on its CPU for a lifetime drawn from
-- `lifetime_dist` with mean `lifetime`, blocking now and then, and exits; the
-- parent reaps it.  Returns a table of the containers' user namespace ids.
function M.container_churn(o)
  local rate = opt(o, "rate", 20)
  local lifetime = opt(o, "lifetime", sim.ms(100))
  local dist = opt(o, "lifetime_dist", "exp")
  local duration = opt(o, "duration", sim.s(1))
  local flags = (o and o.flags) or { "newuser", "newpid", "newnet", "newns" }
  local parent = (o and o.parent) or sim.init
  local userns = {}
  sim.process(function()
    local stop = sim.now() + duration
    while true do
      sim.sleep(sim.exp(1e9 / rate))
      if sim.now() >= stop then break end
      local c = parent:clone(flags)
      if c then
        userns[#userns + 1] = c:ns("user")
        sim.process(function()
          assert(c:execve())
          local left = M.draw(dist, lifetime)
          while left > 0 do           -- run, block, run again on its CPU
            local slice = math.min(left, sim.exp(sim.ms(10)))
            sim.sleep(slice)
            left = left - slice
            if left > 0 then c:block(); sim.sleep(sim.us(100)); c:run_on(c:cpu()) end
          end
          c:exit(0)
          parent:wait(c)
        end)
      end
    end
  end)
  return userns
end

-- Idle-heavy CPUs: on each CPU a service task alternates between running
-- (busy periods with mean `busy`) and blocking (idle periods with mean
-- `idle`), so the CPU's idle task holds whatever mm ran there last until
-- the service runs again.  CPU 0 is left to init unless `all_cpus`.
function M.idle_cpus(o)
  local busy = opt(o, "busy", sim.ms(5))
  local idle = opt(o, "idle", sim.ms(50))
  local dist = opt(o, "idle_dist", "exp")
  local duration = opt(o, "duration", sim.s(1))
  local first = opt(o, "all_cpus", false) and 0 or 1
  for cpu = first, sim.cpus() - 1 do
    local svc = assert(sim.init:clone {})
    sim.process(function()
      local stop = sim.now() + duration
      svc:run_on(cpu)
      while sim.now() < stop do
        sim.sleep(M.draw("exp", busy))
        svc:block()
        sim.sleep(M.draw(dist, idle))
        svc:run_on(cpu)
      end
      svc:exit(0)
      sim.init:wait(svc)
    end)
  end
end

-- A fork-heavy service: short-lived children (no new namespaces) that exec
-- and exit, at `fork_rate` per second for `duration`.
function M.fork_heavy(o)
  local rate = opt(o, "fork_rate", 200)
  local duration = opt(o, "duration", sim.s(1))
  local life = opt(o, "child_life", sim.ms(2))
  sim.process(function()
    local stop = sim.now() + duration
    while sim.now() < stop do
      sim.sleep(sim.exp(1e9 / rate))
      local c = sim.init:clone {}
      if c then
        sim.process(function()
          c:execve()
          sim.sleep(sim.exp(life))
          c:exit(0)
          sim.init:wait(c)
        end)
      end
    end
  end)
end

return M
