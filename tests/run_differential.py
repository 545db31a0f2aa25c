#!/usr/bin/env python3
"""Differential check against the running kernel: nssim explore writes random
operation sequences as scenarios (--emit), and each runs as a C test vector
on this kernel (tests/run_vectors.py).  A failure is a disagreement between
the model and the kernel on a sequence nobody wrote by hand.

    run_differential.py NSSIM CC OUTDIR [SEED [DEPTH [COUNT]]]
"""
import os
import platform
import shutil
import subprocess
import sys


def main():
    nssim, cc, outdir = sys.argv[1:4]
    seed, depth, count = (sys.argv[4:] + ['1', '16', '60'][len(sys.argv[4:]):])[:3]
    here = os.path.dirname(os.path.abspath(__file__))
    release = platform.release().split('.')
    variant = '6.18' if release[:2] == ['6', '18'] else '6.19'
    seqs = os.path.join(outdir, 'sequences')
    shutil.rmtree(seqs, ignore_errors=True)
    r = subprocess.run([nssim, 'explore', '--kernel', variant, '--seed', seed, '--depth', depth,
                        '--time-limit', '5', '--emit', count, '--emit-dir', seqs],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        return 1
    return subprocess.run([sys.executable, os.path.join(here, 'run_vectors.py'), nssim, cc,
                           os.path.join(outdir, 'vectors'), seqs]).returncode


if __name__ == '__main__':
    sys.exit(main())
