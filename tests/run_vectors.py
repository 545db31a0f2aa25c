#!/usr/bin/env python3
"""Real-kernel check: export every shipped scenario as a C test vector for
each kernel we can run, compile it, run it as root and fail if any vector
fails (docs/test-vectors.md).

    run_vectors.py NSSIM CC OUTDIR SCENARIO_OR_DIR...

The kernels: the running one when it is a variant nssim models (6.18, 6.19),
and the User-Mode Linux kernels of ../shared/kernels (NSSIM_KERNELS), each
booted once for the whole batch: linux-6.19-um runs the 6.19 vectors,
linux-6.19-prefix-um the 6.19-nsset-bug ones, linux-7.1-um the 7.1 ones.
A kernel that is missing or cannot start is reported as skipped, with the
reason.  One summary line per kernel.

A scenario that cannot be a vector (nssim export exit 3: the scheduler
model ...) is listed with the reason and not counted as a failure.  A vector
that skips (exit 4: not root, no time namespaces ...) is listed as skipped.
With NSSIM_VECTOR_REPEAT=N each vector runs N times.  NSSIM_VARIANTS=a,b
limits the variants.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402


def scenarios(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in sorted(os.walk(a)):
                for f in sorted(files):
                    if f.endswith('.lua'):
                        yield os.path.join(root, f)
        else:
            yield a


def export_all(nssim, cc, variant, scs, outdir):
    """Export and compile every scenario for @variant: (vectors, unexportable, failed)."""
    d = os.path.join(outdir, variant)
    os.makedirs(d, exist_ok=True)
    vectors, unexportable, failed, sources = {}, [], [], {}
    for sc in scs:
        name = re.sub(r'[^A-Za-z0-9]+', '_', os.path.splitext(sc)[0]).strip('_')
        src = os.path.join(d, name + '.c')
        r = subprocess.run([nssim, 'export', '--kernel', variant, '-o', src, sc],
                           capture_output=True, text=True)
        if r.returncode == 3:
            unexportable.append((sc, r.stderr.strip().split(': ', 2)[-1]))
        elif r.returncode != 0:
            failed.append((sc, 'export failed (%d): %s' % (r.returncode, r.stderr.strip())))
        else:
            sources[src] = sc
    for src, err in kernels.compile_all(cc, list(sources)).items():
        if err:
            failed.append((sources[src], 'does not compile:\n' + err))
        else:
            vectors[src[:-2]] = sources[src]
    return vectors, unexportable, failed


def main():
    nssim, cc, outdir = sys.argv[1:4]
    os.environ['NSSIM'] = os.path.abspath(nssim)
    scs = list(scenarios(sys.argv[4:]))
    want = os.environ.get('NSSIM_VARIANTS')
    targets = kernels.targets(want.split(',') if want else None, nssim)
    repeat = int(os.environ.get('NSSIM_VECTOR_REPEAT', '1'))
    os.makedirs(outdir, exist_ok=True)
    exported = {}
    summaries, any_failed, ran = [], False, 0
    for tg in targets:
        if tg.skip:
            summaries.append('kernel %s (variant %s): SKIPPED: %s' % (tg.name, tg.variant, tg.skip))
            continue
        t0 = time.time()
        if tg.variant not in exported:
            exported[tg.variant] = export_all(nssim, cc, tg.variant, scs, outdir)
        vectors, unexportable, failed = exported[tg.variant]
        failed = list(failed)
        passed, skipped = [], []
        results = {}
        for i in range(repeat):
            todo = [e for e in vectors if e not in results or results[e][0] == 0]
            for exe, (rc, out) in kernels.run_batch(tg, todo).items():
                if exe not in results or rc != 0:
                    results[exe] = (rc, out, i + 1)
        for exe, sc in vectors.items():
            rc, out, i = results[exe]
            if rc == 0:
                passed.append(sc)
            elif rc == 4:
                skipped.append((sc, (out.strip().splitlines() or [''])[-1]))
            else:
                failed.append((sc, 'run %d: exit %d\n  %s' % (
                    i, rc, '\n  '.join(kernels.failure_lines(out)[-6:]))))
        print('== kernel %s (variant %s)' % (tg.name, tg.variant))
        for sc, why in unexportable:
            print('not a vector: %s: %s' % (sc, why))
        for sc, why in skipped:
            print('skipped: %s: %s' % (sc, why))
        for sc, why in failed:
            print('FAILED: %s: %s' % (sc, why))
        summaries.append('kernel %s (variant %s): %d vectors passed%s, %d failed, %d skipped, '
                         '%d scenarios not exportable; %.1f s'
                         % (tg.name, tg.variant, len(passed),
                            ' (x%d each)' % repeat if repeat > 1 else '', len(failed),
                            len(skipped), len(unexportable), time.time() - t0))
        any_failed |= bool(failed)
        ran += 1
    for line in summaries:
        print(line)
    if not ran:
        print('SKIP: no kernel to run vectors on')
        return 77
    return 1 if any_failed else 0


if __name__ == '__main__':
    sys.exit(main())
