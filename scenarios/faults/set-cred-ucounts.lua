-- unshare(CLONE_NEWUSER | CLONE_NEWNET) whose new cred's ucounts cannot be
-- allocated (set_cred_ucounts, after unshare_nsproxy_namespaces()): EAGAIN.
-- Until a98621a0f187 (7.0, in 6.18.y stable) ksys_unshare() skipped the
-- new nsproxy on this path: it leaks, and the net namespace in it is never freed, nor the new
-- user namespace that owns it, though no handle opens either (their
-- active counts stay 0).
scenario { name = "fault: set_cred_ucounts in unshare", kernel = "6.19" }
local pa = require("nsutil").pa
local c = sim.init:clone {}
assert(c:setresuid(1000, 0, 0))   -- real uid 1000, still root (euid 0)
local before = {}
for _, id in ipairs(sim.ns_ids()) do before[id] = true end
sim.fail_next("set_cred_ucounts")
local _, err = c:unshare { "newuser", "newnet" }
expect_errno(err, "EAGAIN", "set_cred_ucounts failed")
expect_eq(c:ns("net"), sim.init:ns("net"), "c keeps its net namespace")
local new = {}
for _, id in ipairs(sim.ns_ids()) do
  if not before[id] then new[sim.ns(id).type] = id end
end
local U, N = new.user, new.net
expect(U and N, "the new user and net namespaces are still there")
expect_eq(sim.ns(N).owner, U)
c:exit(0)
sim.init:wait(c)
sim.sleep(sim.ms(100))
if sim.kernel == "6.19" or sim.kernel == "6.19-prefix" or sim.kernel == "6.19-nsset-bug" then
  expect_eq(pa(N), "1,0", "the leaked nsproxy's P, no A: never visible, never freed")
  expect_eq(pa(U), "2,0", "the net ns's P on its owner and its charge's ucounts keep the user ns")
else
  -- 6.18.y and 7.x put the nsproxy.  On 7.x that is deactivate_nsproxy(),
  -- which drops A it never took: the net ns goes to A = -1 and is freed
  -- with it (two kernel warnings, seen on linux-7.1-um); nssim exits 1.
  expect_eq(sim.ns(N), nil, "the new net ns is freed")
  expect_eq(sim.ns(U), nil, "and its user ns")
end
