#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_faultsim.py NSSIM SCENARIOS_DIR: `nssim faultsim --kernel 6.19` over
every shipped scenario, in parallel; every one must end with no violation.

NSSIM_FAULTSIM_MAX (default 64, the faultsim default) caps the passes
failed per site; CI's sanitizer build lowers it to keep the run short.
"""
import concurrent.futures
import os
import re
import subprocess
import sys


def faultsim(nssim, path, cap):
    r = subprocess.run([nssim, "faultsim", "--kernel", "6.19", "--max-per-site", cap, path],
                       capture_output=True, text=True, timeout=1200)
    m = re.search(r"faultsim: (\d+) faulted runs \((\d+) injected", r.stdout)
    return path, r.returncode, m, r.stdout + r.stderr


def main():
    nssim, root = sys.argv[1], sys.argv[2]
    cap = os.environ.get("NSSIM_FAULTSIM_MAX", "64")
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root)
                   for f in fs if f.endswith(".lua"))
    bad = runs = 0
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for path, rc, m, out in pool.map(lambda p: faultsim(nssim, p, cap), paths):
            rel = os.path.relpath(path, root)
            if rc != 0 or not m or m.group(1) != m.group(2):
                bad += 1
                print(f"FAIL {rel}: exit {rc}\n{out}")
                continue
            runs += int(m.group(1))
            print(f"ok   {rel}: {m.group(1)} faulted runs")
    print(f"{len(paths)} scenarios, {runs} faulted runs, {bad} failed")
    assert len(paths) > 50, "scenarios not found"
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
