-- nssim trace schema.  Several runs share one database; every row names its run.
-- Tables are created when a database is opened; indexes and views when a run closes.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS run (
  id          INTEGER PRIMARY KEY,
  scenario    TEXT NOT NULL,
  kernel      TEXT NOT NULL,
  seed        INTEGER NOT NULL,
  config      TEXT NOT NULL,            -- JSON: cpus, lazy_tlb, audit, latencies, params
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'violated')),
  error       TEXT,
  fingerprint TEXT,                     -- FNV-1a 64 of the ordered transition stream
  events      INTEGER,
  transitions INTEGER,
  sweep       TEXT                      -- the sweep that made it (sweep.id); NULL for nssim run
);

-- Every parameter of every run, one row each: the scenario's (config.params)
-- and cpus, lazy_tlb, kernel, seed.  value is INTEGER or REAL when its text is
-- a decimal number, else TEXT (kernel always TEXT): db/params.c.
CREATE TABLE IF NOT EXISTS run_param (
  run   INTEGER NOT NULL,
  name  TEXT NOT NULL,
  value,
  PRIMARY KEY (run, name)
);

-- One row per nssim sweep.
CREATE TABLE IF NOT EXISTS sweep (
  id          TEXT PRIMARY KEY,
  scenario    TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT,                     -- NULL until every run is merged
  plan        TEXT                      -- JSON: parameters and their values, seeds, kernel, runs
);

-- One row per event: a scenario call or a piece of deferred kernel work.
CREATE TABLE IF NOT EXISTS event (
  run     INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  op      TEXT NOT NULL,                 -- clone, setns, ... or put_cred_rcu, cleanup_net ...
  task    INTEGER,                       -- calling task id; NULL for kernel work
  args    TEXT,
  result  INTEGER,                       -- value, or -errno
  errno   TEXT,                          -- EPERM ... when result < 0
  src     TEXT                           -- scenario file:line
);                                       -- unique (run, seq): index event_seq, made at close

-- Every counter move, in order, with the kernel function it models.
CREATE TABLE IF NOT EXISTS transition (
  run     INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  event   INTEGER NOT NULL,
  kind    TEXT NOT NULL,                 -- ns, nsproxy, cred, pid, file, inode, mm, files, fs, cpu
  obj     INTEGER NOT NULL,              -- ns_id for namespaces, CPU number, model id otherwise
  counter TEXT NOT NULL,                 -- ref, active, count, usage, users, mm_count, ipis
  old     INTEGER NOT NULL,
  new     INTEGER NOT NULL,
  site    TEXT NOT NULL
);                                       -- (run, seq) is unique and the rowid order

CREATE TABLE IF NOT EXISTS namespace (
  run            INTEGER NOT NULL,
  id             INTEGER NOT NULL,
  type           TEXT NOT NULL,
  inum           INTEGER NOT NULL,
  owner          INTEGER,                -- owning user ns id; NULL for init_user_ns
  parent         INTEGER,                -- pid and user ns
  initial        INTEGER NOT NULL,
  created_event  INTEGER,                -- NULL for the initial namespaces (boot)
  inactive_event INTEGER,                -- last time __ns_ref_active reached 0
  freed_event    INTEGER,
  label          TEXT,                   -- the same on every kernel: init_net, user2 ... or sim.label()
  PRIMARY KEY (run, id)
);

CREATE TABLE IF NOT EXISTS task (
  run           INTEGER NOT NULL,
  id            INTEGER NOT NULL,
  pid           INTEGER,                 -- pid number in its own pid namespace
  parent        INTEGER,
  created_event INTEGER,
  exited_event  INTEGER,
  reaped_event  INTEGER,
  PRIMARY KEY (run, id)
);

CREATE TABLE IF NOT EXISTS violation (
  run      INTEGER NOT NULL,
  event    INTEGER NOT NULL,
  rule     TEXT NOT NULL,
  kind     TEXT NOT NULL,
  obj      INTEGER NOT NULL,
  expected INTEGER,
  actual   INTEGER,
  detail   TEXT
);

-- The kernel's own assertions (WARN_ON_ONCE, VFS_WARN_ON_ONCE, refcount_t).
CREATE TABLE IF NOT EXISTS warning (
  run    INTEGER NOT NULL,
  event  INTEGER NOT NULL,
  rule   TEXT NOT NULL,
  site   TEXT NOT NULL,
  kind   TEXT NOT NULL,
  obj    INTEGER NOT NULL,
  detail TEXT
);

CREATE TABLE IF NOT EXISTS expectation (
  run     INTEGER NOT NULL,
  event   INTEGER NOT NULL,             -- the last event before the check
  src     TEXT NOT NULL,
  ok      INTEGER NOT NULL,
  message TEXT
);

-- The Lua text each run executed: its scenario and every module it
-- required, so that export and replay need nothing but the database.  The
-- text is stored once per content (a sweep's runs share it).
CREATE TABLE IF NOT EXISTS source_blob (
  sha256 TEXT PRIMARY KEY,
  size   INTEGER NOT NULL,
  text   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS run_source (
  run    INTEGER NOT NULL,
  role   TEXT NOT NULL CHECK (role IN ('scenario', 'module')),
  name   TEXT NOT NULL,                 -- the scenario's path as given, or the module name
  path   TEXT NOT NULL,                 -- the file it was read from
  sha256 TEXT NOT NULL,
  PRIMARY KEY (run, role, name)
);

-- The runs a sweep merged, by job, so that a sweep killed part way through
-- the merge resumes without merging a run twice (sim/sweep.c).
CREATE TABLE IF NOT EXISTS sweep_run (
  sweep TEXT NOT NULL,                   -- the sweep's id, kept while it is unfinished
  job   INTEGER NOT NULL,                -- its place in combination order
  run   INTEGER NOT NULL,
  PRIMARY KEY (sweep, job)
);
