-- setuid() whose new cred cannot be allocated (prepare_creds): ENOMEM,
-- the task keeps its cred.
scenario { name = "fault: prepare_creds", kernel = "6.19" }
local c = sim.init:clone {}
sim.fail_next("prepare_creds")
local ok, err = c:setuid(1000)
expect_errno(err, "ENOMEM", "prepare_creds failed")
assert(c:setuid(1000))
c:exit(0)
sim.init:wait(c)
