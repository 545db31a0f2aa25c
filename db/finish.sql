-- Run when a run closes: indexes for the questions users ask, and views.
-- The run appends to event and transition without any index to keep up to
-- date; their rows come in (run, seq) order, which is also their rowid
-- order, so transition needs no (run, seq) index of its own.
CREATE UNIQUE INDEX IF NOT EXISTS event_seq ON event (run, seq);
CREATE INDEX IF NOT EXISTS transition_obj ON transition (run, kind, obj, counter, seq);
CREATE INDEX IF NOT EXISTS transition_event ON transition (run, event);
CREATE INDEX IF NOT EXISTS violation_run ON violation (run, event);

-- Every transition with the virtual time of its event.
CREATE VIEW IF NOT EXISTS transition_time AS
SELECT t.run, t.seq, t.event, e.time_ns, t.kind, t.obj, t.counter, t.old, t.new, t.site
FROM transition t JOIN event e ON e.run = t.run AND e.seq = t.event;

-- Per namespace: when it was created, last went inactive, was freed, and for
-- how long it was alive (in memory) but invisible (A == 0, P > 0) after it
-- last went inactive (NULL while it is active again or was never inactive).
CREATE VIEW IF NOT EXISTS ns_lifetime AS
SELECT n.run, n.id, n.type, n.initial,
       n.created_event, ce.time_ns AS created_ns,
       n.inactive_event, ie.time_ns AS inactive_ns,
       n.freed_event, fe.time_ns AS freed_ns,
       CASE WHEN ie.time_ns IS NOT NULL AND
                 (SELECT t.new FROM transition t WHERE t.run = n.run AND t.kind = 'ns'
                    AND t.obj = n.id AND t.counter = 'active'
                  ORDER BY t.seq DESC LIMIT 1) = 0
            THEN COALESCE(fe.time_ns, (SELECT max(time_ns) FROM event e WHERE e.run = n.run))
                 - ie.time_ns END AS invisible_ns
FROM namespace n
LEFT JOIN event ce ON ce.run = n.run AND ce.seq = n.created_event
LEFT JOIN event ie ON ie.run = n.run AND ie.seq = n.inactive_event
LEFT JOIN event fe ON fe.run = n.run AND fe.seq = n.freed_event;

-- (ref, active) of a namespace after each event that moved either; for the
-- counts at event N take the last row with event <= N.  A counter that has
-- not moved yet is NULL (initial namespaces: their static values).
CREATE VIEW IF NOT EXISTS ns_counts_at AS
SELECT e.run, e.event, e.ns,
       (SELECT t.new FROM transition t WHERE t.run = e.run AND t.kind = 'ns' AND t.obj = e.ns
          AND t.counter = 'ref' AND t.event <= e.event ORDER BY t.seq DESC LIMIT 1) AS ref,
       (SELECT t.new FROM transition t WHERE t.run = e.run AND t.kind = 'ns' AND t.obj = e.ns
          AND t.counter = 'active' AND t.event <= e.event ORDER BY t.seq DESC LIMIT 1) AS active
FROM (SELECT DISTINCT run, event, obj AS ns FROM transition WHERE kind = 'ns') e;

-- Which kind of holder each counter-moving site stands for, so that the
-- deltas of a namespace's transitions, grouped by holder, say who holds it.
CREATE TABLE IF NOT EXISTS site_holder (site TEXT PRIMARY KEY, holder TEXT NOT NULL);
INSERT OR IGNORE INTO site_holder (site, holder) VALUES
  ('nsproxy_ns_active_get', 'nsproxy'), ('nsproxy_ns_active_put', 'nsproxy'),
  ('copy_mnt_ns', 'nsproxy'), ('copy_utsname', 'nsproxy'), ('copy_ipcs', 'nsproxy'),
  ('copy_pid_ns', 'nsproxy'), ('copy_cgroup_ns', 'nsproxy'), ('copy_net_ns', 'nsproxy'),
  ('copy_time_ns', 'nsproxy'), ('get_time_ns', 'nsproxy'), ('nsproxy_free', 'nsproxy'),
  ('mntns_install', 'nsproxy'), ('utsns_install', 'nsproxy'), ('ipcns_install', 'nsproxy'),
  ('netns_install', 'nsproxy'), ('cgroupns_install', 'nsproxy'), ('pidns_install', 'nsproxy'),
  ('timens_install', 'nsproxy'), ('timens_on_fork', 'nsproxy'),
  ('get_cred_namespaces', 'task'), ('exit_cred_namespaces', 'task'),
  ('switch_cred_namespaces', 'task'),
  ('prepare_creds', 'cred'), ('prepare_exec_creds', 'cred'), ('put_cred_rcu', 'cred'),
  ('userns_install', 'cred'),
  ('alloc_pid', 'struct pid'), ('free_pid', 'struct pid'), ('put_pid', 'struct pid'),
  ('nsfs_init_inode', 'nsfs inode'), ('nsfs_evict', 'nsfs inode'),
  ('ns_get_path', 'nsfs inode'), ('maybe_get_net', 'nsfs inode'), ('ns_get_owner', 'nsfs inode'),
  ('pidns_get_parent', 'nsfs inode'), ('nsfs_fh_to_dentry', 'nsfs inode'),
  ('path_from_stashed', 'nsfs inode'),
  ('sk_alloc', 'socket'), ('__sk_destruct', 'socket'),
  ('mm_init', 'mm'), ('__mmdrop', 'mm'),
  ('__ns_ref_active_get', 'active owned namespaces'),
  ('__ns_ref_active_put', 'active owned namespaces'),
  ('__ns_ref_active_get_owner', 'active owned namespaces'),
  ('__ns_ref_active_put_owner', 'active owned namespaces'),
  ('__ns_ref_active_resurrect', 'active owned namespaces'),
  ('alloc_mnt_ns', 'owned namespaces'), ('clone_uts_ns', 'owned namespaces'),
  ('create_ipc_ns', 'owned namespaces'), ('alloc_cgroup_ns', 'owned namespaces'),
  ('clone_time_ns', 'owned namespaces'), ('create_pid_namespace', 'owned namespaces'),
  ('free_mnt_ns', 'owned namespaces'), ('free_uts_ns', 'owned namespaces'),
  ('free_ipc_ns', 'owned namespaces'), ('free_cgroup_ns', 'owned namespaces'),
  ('free_time_ns', 'owned namespaces'), ('cleanup_net', 'owned namespaces'),
  ('destroy_pid_namespace', 'owned namespaces'), ('put_pid_ns', 'owned namespaces'),
  ('free_user_ns', 'owned namespaces'),
  ('listns', 'lookup'), ('validate_nsset', 'lookup');

-- Per namespace, counter and holder kind: what the holders of that kind hold
-- after each event that moved their share, from that event until before
-- until_event (NULL: to the end of the run).  At event N a kind holds the
-- held of its row with event <= N AND (until_event IS NULL OR until_event > N);
-- a row with held 0 says the kind let go.  The holder kind is the site's in
-- site_holder, with three exceptions the site alone cannot tell: the creation
-- reference (__ns_common_init) belongs to the nsproxy slot, or for a user
-- namespace to its creator's cred; copy_net_ns on a user namespace is the new
-- net namespace's reference on its owner; a user namespace's reference on its
-- parent is inherited from that cred without a transition, so it shows as
-- 'cred' until free_user_ns drops it as 'owned namespaces'.  Sites without a
-- site_holder row stand for themselves.
CREATE VIEW IF NOT EXISTS ns_holders_at AS
SELECT run, ns, counter, held_by, event,
       sum(delta) OVER w AS held,
       lead(event) OVER w AS until_event
FROM (SELECT t.run, t.obj AS ns, t.counter,
             CASE WHEN t.site = '__ns_common_init' THEN
                       CASE WHEN n.type = 'user' THEN 'cred' ELSE 'nsproxy' END
                  WHEN t.site = 'copy_net_ns' AND n.type = 'user' THEN 'owned namespaces'
                  ELSE COALESCE(h.holder, t.site) END AS held_by,
             t.event, sum(t.new - t.old) AS delta
      FROM transition t
      JOIN namespace n ON n.run = t.run AND n.id = t.obj
      LEFT JOIN site_holder h ON h.site = t.site
      WHERE t.kind = 'ns'
      GROUP BY t.run, t.obj, t.counter, held_by, t.event)
WINDOW w AS (PARTITION BY run, ns, counter, held_by ORDER BY event);

-- Per namespace, counter and holder kind: what the holders of that kind
-- still hold at the end of the run; ns_holders_at's last rows, so that the
-- two cannot disagree.
CREATE VIEW IF NOT EXISTS ns_holders AS
SELECT run, ns, counter, held_by, held
FROM ns_holders_at
WHERE until_event IS NULL AND held != 0;
