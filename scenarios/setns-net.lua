-- A successful setns() into another task's network namespace: the path
-- that `nssim faultsim` fails at every site.  With validate_ns failing,
-- 6.19-prefix takes the put_nsset() path of kernel-model.md §9.1:
--   nssim faultsim --kernel 6.19-prefix --sites 'validate*' scenarios/setns-net.lua
scenario { name = "setns into a net namespace", kernel = "6.19" }

local pa = require("nsutil").pa

local c = assert(sim.init:clone { "newuser", "newnet" })
local d = assert(sim.init:clone {})
local N = c:ns("net")
local fd = assert(d:open_ns("net", c))
expect_eq(pa(N), "2,2", "N: c's nsproxy and the nsfs inode")

assert(d:setns(fd, { "net" }))
expect_eq(d:ns("net"), N, "d is in c's net ns")
expect_eq(pa(N), "3,3", "and d's nsproxy counts, passive and active")

assert(fd:close())
expect_eq(pa(N), "2,2", "the inode is gone with its only file")
