#!/usr/bin/env python3
"""Run every scenario under scenarios/selftests/ with the full audit.

Each file runs on the kernels its header names, e.g.
    -- variants: 6.19 6.18
(default: 6.19), and must exit 0 on each: every expectation held and no
invariant was violated.  Usage: run_selftests.py NSSIM SCENARIO_DIR
"""
import glob
import os
import re
import subprocess
import sys


def variants(path):
    with open(path) as f:
        for line in f:
            m = re.match(r"--\s*variants:\s*(.+)", line)
            if m:
                return m.group(1).split()
            if line.strip() and not line.startswith("--"):
                break
    return ["6.19"]


def main():
    nssim, root = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(root, "**", "*.lua"), recursive=True))
    failed = []
    runs = 0
    for path in files:
        for kernel in variants(path):
            runs += 1
            r = subprocess.run([nssim, "run", "--no-trace", "--audit", "full",
                                "--kernel", kernel, path],
                               capture_output=True, text=True, timeout=120)
            status = "ok" if r.returncode == 0 else "FAIL (exit %d)" % r.returncode
            print("%-70s %-12s %s" % (os.path.relpath(path, root), kernel, status))
            if r.returncode != 0:
                failed.append(path)
                sys.stdout.write(r.stdout + r.stderr)
    print("%d runs of %d scenarios, %d failed" % (runs, len(files), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
