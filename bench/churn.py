#!/usr/bin/env python3
"""Cost per event of a default `nssim run` (incremental audit), untraced and
traced, in a small world and in a world 100 times larger, side by side in
one run (bench/README.md).

    churn.py NSSIM [--callgrind]

The same number of churn rounds (clone, nsfs open and close, exit, reap) runs
with 100 and with 10,000 live tasks; the ratio of the cost per event says
whether it grows with the world.  With --callgrind, instructions per event
under valgrind (slow, but not disturbed by other load); else CPU time.
"""
import os
import re
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(nssim, tasks, rounds, traced, callgrind):
    with tempfile.TemporaryDirectory() as tmp:
        args = [nssim, "run", os.path.join(HERE, "churn.lua"), "-p", "tasks=%d" % tasks,
                "-p", "rounds=%d" % rounds]
        args += ["--db", os.path.join(tmp, "t.db")] if traced else ["--no-trace"]
        if callgrind:
            out = os.path.join(tmp, "cg.out")
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out]
                               + args, capture_output=True, text=True, check=True)
            cost = int(re.search(r"Collected : (\d+)", r.stderr).group(1))
        else:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = subprocess.run(args, capture_output=True, text=True, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cost = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        events = int(re.search(r"events: (\d+)", r.stdout).group(1))
        return cost / events, events


def main():
    nssim = sys.argv[1]
    callgrind = "--callgrind" in sys.argv
    unit = "instructions" if callgrind else "us"
    scale = 1 if callgrind else 1e6
    for traced in (False, True):
        small, ev_s = measure(nssim, 100, 100, traced, callgrind)
        big, ev_b = measure(nssim, 10000, 1, traced, callgrind)
        print("%-9s 100 tasks: %9.1f %s/event (%d events); 10000 tasks: %9.1f %s/event "
              "(%d events); ratio %.2f" % ("traced" if traced else "untraced", small * scale,
                                           unit, ev_s, big * scale, unit, ev_b, big / small))


if __name__ == "__main__":
    main()
