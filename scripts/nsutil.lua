-- nsutil: small helpers for scenarios.  local nsutil = require "nsutil"
local M = {}

-- "P,A" of a namespace, or nil when it is freed: compact to compare.
function M.pa(id)
  local n = sim.ns(id)
  return n and (n.ref .. "," .. n.active)
end

-- true while the namespace is active (visible: listns, file handles).
function M.active(id)
  local n = sim.ns(id)
  return n ~= nil and n.active > 0
end

-- Exit a task and reap it from its parent.
function M.exit_and_reap(parent, task, code)
  assert(task:exit(code or 0))
  return parent:wait(task)
end

return M
