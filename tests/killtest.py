#!/usr/bin/env python3
"""SIGKILL at random moments: nothing finished is lost (docs/reliability.md).

    killtest.py NSSIM SOURCE_ROOT [KILLS]

- `nssim run` of bench/churn.lua into one database, killed KILLS times at
  random moments: the database must pass PRAGMA integrity_check every
  time, keep every run row, and hold events for every run that got past
  its first committed batch.
- `nssim sweep` of a small study into one database, killed KILLS times at
  random moments and started again each time, then let finish: the
  database must hold each run of the study exactly once, and no temporary
  file may be left.
Random moments come from a fixed seed.  Exit 1 on the first failure.
"""
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def killed(cmd, delay):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(p.pid, 9)
    except ProcessLookupError:
        pass
    p.wait()
    return p.returncode


def main():
    nssim, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    kills = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    r = random.Random(12)
    churn = os.path.join(root, "bench", "churn.lua")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "run.db")
        for i in range(kills):
            killed([nssim, "run", "--db", db, churn, "-p", "rounds=2000"], r.uniform(0.05, 0.6))
            con = sqlite3.connect(db)
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            runs = con.execute("SELECT count(*) FROM run").fetchone()[0]
            con.close()
            if ok != "ok":
                fail("run killed %d: integrity_check says %s" % (i + 1, ok))
            if runs > i + 1:
                fail("run killed %d: %d run rows" % (i + 1, runs))
        print("run: %d kills, database intact every time" % kills)

        scen = os.path.join(tmp, "slow.lua")
        with open(scen, "w") as f:
            f.write("scenario { name = 'slow', n = 1 }\n"
                    "local c = sim.init:clone {}\n"
                    "for i = 1, sim.param.n * 3000 do\n"
                    "  local f = sim.init:open_ns('net', c) f:close()\n"
                    "end\n")
        sdb = os.path.join(tmp, "sweep.db")
        cmd = [nssim, "sweep", scen, "--db", sdb, "--param", "n=1,2,3,4,5,6", "--seeds", "1..2",
               "-j", "3"]
        for i in range(kills):
            killed(cmd, r.uniform(0.02, 0.5))
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            fail("the last sweep: exit %d: %s" % (done.returncode, done.stderr))
        con = sqlite3.connect(sdb)
        rows = con.execute("SELECT count(*), count(DISTINCT config || seed) FROM run"
                           " WHERE status = 'ok'").fetchone()
        con.close()
        # each kill may also have left finished runs that the next start merged
        # (a different plan never happens here: same study every time)
        if rows[1] != 12:
            fail("sweep: %d distinct runs of the 12, %d rows" % (rows[1], rows[0]))
        if rows[0] != 12:
            fail("sweep: %d runs for the 12 of the study: merged twice" % rows[0])
        left = [f for f in os.listdir(tmp) if f not in ("run.db", "run.db-wal", "run.db-shm",
                                                         "sweep.db", "slow.lua")]
        if left:
            fail("sweep: left behind: %s" % left)
        print("sweep: %d kills, then 12 runs, each once, nothing left behind" % kills)
    return 0


if __name__ == "__main__":
    sys.exit(main())
