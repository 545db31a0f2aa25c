#!/usr/bin/env python3
"""Real-kernel check: export every shipped scenario as a C test vector for
the variant that matches the running kernel, compile it, run it as root and
fail if any vector fails (docs/test-vectors.md).

    run_vectors.py NSSIM CC OUTDIR SCENARIO_OR_DIR...

A scenario that cannot be a vector (nssim export exit 3: it uses the
scheduler model, injected faults, threads ...) is listed with the reason and
not counted as a failure.  A vector that skips (exit 4: not root, kernel not
the variant's) is listed as skipped.  Each vector runs in its own process;
only its forked children change namespaces.  With NSSIM_VECTOR_REPEAT=N each
vector runs N times (to look for timing dependence).
"""
import os
import platform
import re
import subprocess
import sys
import time


def kernel_variant():
    m = re.match(r'(\d+)\.(\d+)', platform.release())
    if not m:
        return None
    v = (int(m.group(1)), int(m.group(2)))
    if v == (6, 18):
        return '6.18'
    if v >= (6, 19):
        return '6.19'
    return None


def scenarios(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in sorted(os.walk(a)):
                for f in sorted(files):
                    if f.endswith('.lua'):
                        yield os.path.join(root, f)
        else:
            yield a


def main():
    nssim, cc, outdir = sys.argv[1:4]
    variant = kernel_variant()
    if variant is None:
        print('SKIP: kernel %s has no matching nssim variant (6.18 or 6.19+)'
              % platform.release())
        return 77
    repeat = int(os.environ.get('NSSIM_VECTOR_REPEAT', '1'))
    os.makedirs(outdir, exist_ok=True)
    passed, failed, skipped, unexportable = [], [], [], []
    t0 = time.time()
    for sc in scenarios(sys.argv[4:]):
        name = re.sub(r'[^A-Za-z0-9]+', '_', os.path.splitext(sc)[0]).strip('_')
        src = os.path.join(outdir, name + '.c')
        exe = os.path.join(outdir, name)
        r = subprocess.run([nssim, 'export', '--kernel', variant, '-o', src, sc],
                           capture_output=True, text=True)
        if r.returncode == 3:
            unexportable.append((sc, r.stderr.strip().split(': ', 2)[-1]))
            continue
        if r.returncode != 0:
            failed.append((sc, 'export failed (%d): %s' % (r.returncode, r.stderr.strip())))
            continue
        r = subprocess.run([cc, '-O2', '-Wall', '-Wextra', '-Werror', '-o', exe, src],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failed.append((sc, 'does not compile:\n' + r.stderr))
            continue
        for i in range(repeat):
            r = subprocess.run([exe], capture_output=True, text=True, timeout=600)
            if r.returncode == 4:
                skipped.append((sc, r.stdout.strip().splitlines()[-1]))
                break
            if r.returncode != 0:
                bad = [l for l in r.stdout.splitlines()
                       if l.startswith('not ok') or l.startswith('# ') or 'Bail' in l]
                failed.append((sc, 'run %d: exit %d\n  %s' % (i + 1, r.returncode,
                                                             '\n  '.join(bad[-6:]))))
                break
        else:
            passed.append(sc)
    for sc, why in unexportable:
        print('not a vector: %s: %s' % (sc, why))
    for sc, why in skipped:
        print('skipped: %s: %s' % (sc, why))
    for sc, why in failed:
        print('FAILED: %s: %s' % (sc, why))
    print('kernel %s (variant %s): %d vectors passed%s, %d failed, %d skipped, '
          '%d scenarios not exportable; %.1f s'
          % (platform.release(), variant, len(passed),
             ' (x%d each)' % repeat if repeat > 1 else '', len(failed), len(skipped),
             len(unexportable), time.time() - t0))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
