#!/usr/bin/env python3
"""Differential check against real kernels: nssim explore writes random
operation sequences as scenarios (--emit), and each runs as a C test vector
on every kernel of that variant we can run (the host's, and the User-Mode
Linux kernels of ../shared/kernels, through run_vectors.py).  A failure is a
disagreement between the model and the kernel on a sequence nobody wrote by
hand.

    run_differential.py NSSIM CC OUTDIR [SEED [DEPTH [COUNT]]]
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402


def main():
    nssim, cc, outdir = sys.argv[1:4]
    seed, depth, count = (sys.argv[4:] + ['1', '16', '60'][len(sys.argv[4:]):])[:3]
    here = os.path.dirname(os.path.abspath(__file__))
    want = os.environ.get('NSSIM_VARIANTS')
    variants, no_time = [], set()
    for tg in kernels.targets(want.split(',') if want else None, nssim):
        if tg.skip:
            print('kernel %s (variant %s): SKIPPED: %s' % (tg.name, tg.variant, tg.skip))
            continue
        if tg.variant not in variants:
            variants.append(tg.variant)
        if not tg.time_ns:
            no_time.add(tg.variant)
    if not variants:
        print('SKIP: no kernel to run the differential check on')
        return 77
    rc = 0
    for variant in variants:
        seqs = os.path.join(outdir, variant, 'sequences')
        shutil.rmtree(seqs, ignore_errors=True)
        r = subprocess.run([nssim, 'explore', '--kernel', variant, '--seed', seed, '--depth', depth,
                            '--time-limit', '5', '--emit', count, '--emit-dir', seqs]
                           + (['--no-time'] if variant in no_time else []),
                           capture_output=True, text=True)
        # exit 1: explore found invariant violations, as it must on a buggy
        # variant; the sequences are written all the same
        if r.returncode not in (0, 1) or not os.path.isdir(seqs):
            print(r.stdout + r.stderr)
            return 1
        print('== variant %s: %s sequences (seed %s, depth %s%s)' % (
            variant, count, seed, depth, ', no time namespaces' if variant in no_time else ''))
        sys.stdout.flush()
        r = subprocess.run([sys.executable, os.path.join(here, 'run_vectors.py'), nssim, cc,
                            os.path.join(outdir, variant, 'vectors'), seqs],
                           env=dict(os.environ, NSSIM_VARIANTS=variant))
        if r.returncode not in (0, 77):
            rc = 1
    return rc


if __name__ == '__main__':
    sys.exit(main())
