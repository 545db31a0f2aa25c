-- Run when a run closes: indexes for the questions users ask, and views.
CREATE INDEX IF NOT EXISTS transition_obj ON transition (run, kind, obj, counter, seq);
CREATE INDEX IF NOT EXISTS transition_event ON transition (run, event);
CREATE INDEX IF NOT EXISTS violation_run ON violation (run, event);

-- Per namespace: when it was created, last went inactive, was freed, and for
-- how long it was alive (in memory) but invisible (A == 0, P > 0).
CREATE VIEW IF NOT EXISTS ns_lifetime AS
SELECT n.run, n.id, n.type, n.initial,
       n.created_event, ce.time_ns AS created_ns,
       n.inactive_event, ie.time_ns AS inactive_ns,
       n.freed_event, fe.time_ns AS freed_ns,
       CASE WHEN ie.time_ns IS NOT NULL
            THEN COALESCE(fe.time_ns, (SELECT max(time_ns) FROM event e WHERE e.run = n.run))
                 - ie.time_ns END AS invisible_ns
FROM namespace n
LEFT JOIN event ce ON ce.run = n.run AND ce.seq = n.created_event
LEFT JOIN event ie ON ie.run = n.run AND ie.seq = n.inactive_event
LEFT JOIN event fe ON fe.run = n.run AND fe.seq = n.freed_event;

-- Counter values after each event that moved them: query with
--   WHERE run = ? AND obj = ? AND event <= ? ORDER BY event DESC LIMIT 1
CREATE VIEW IF NOT EXISTS ns_counts_at AS
SELECT t.run, t.event, t.obj AS ns,
       (SELECT t2.new FROM transition t2 WHERE t2.run = t.run AND t2.kind = 'ns'
          AND t2.obj = t.obj AND t2.counter = 'ref' AND t2.seq <= max(t.seq)
          ORDER BY t2.seq DESC LIMIT 1) AS ref,
       (SELECT t2.new FROM transition t2 WHERE t2.run = t.run AND t2.kind = 'ns'
          AND t2.obj = t.obj AND t2.counter = 'active' AND t2.seq <= max(t.seq)
          ORDER BY t2.seq DESC LIMIT 1) AS active
FROM transition t
WHERE t.kind = 'ns'
GROUP BY t.run, t.event, t.obj;
