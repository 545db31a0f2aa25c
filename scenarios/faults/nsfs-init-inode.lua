-- The first open of a namespace's /proc link allocates its nsfs inode
-- (path_from_stashed); failing it gives ENOMEM and leaves nothing stashed.
scenario { name = "fault: nsfs_init_inode", kernel = "6.19" }
local c = assert(sim.init:clone { "newuser", "newnet" })
sim.fail_next("nsfs_init_inode")
local fd, err = c:open_ns("net")
expect_errno(err, "ENOMEM", "the nsfs inode could not be allocated")
fd = assert(c:open_ns("net"))
fd:close()
c:exit(0)
sim.init:wait(c)
