#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential fault simulation (docs/test-vectors.md, "Failure paths").

    run_faultdiff.py NSSIM CC OUTDIR SCENARIO...

For each scenario and each kernel with fail-nth that runs a variant nssim
models (the UML kernels of ../shared/kernels; the host's if it has
fail-nth):

  * the model side: one run per (site, pass) of the scenario with that pass
    failed (`nssim run --fail SITE:N`), each giving the faulted call's
    outcome: its step, errno, which namespaces open by handle after it,
    whether the model predicts a kernel warning;
  * the kernel side: the unfaulted run's vector with `--fault-sweep`: every
    clone(), unshare() and setns() replayed with fail-nth = 1, 2, ... until
    the call passes fewer fault-injection points.

Every real outcome must be one the model produces at that step (or, if
the call succeeds although an allocation failed, the unfaulted one); the
vector lists the others as `not ok`.  Exit 0 all matched, 1 a mismatch or
an error, 77 nothing could run (no kernel with fail-nth here).

NSSIM_FAULTDIFF_MAX (default 16) caps the passes failed per site.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402

VARIANTS = ['6.19', '7.1']


def site_passes(nssim, variant, scen):
    r = subprocess.run([nssim, 'run', '--kernel', variant, '--count-sites', '--no-trace', scen],
                       capture_output=True, text=True)
    m = re.search(r'^site passes: (.*)$', r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise RuntimeError('%s on %s: the unfaulted run failed (exit %d): %s'
                           % (scen, variant, r.returncode, r.stderr.strip()))
    return [(k, int(v)) for k, v in (p.split('=') for p in m.group(1).split())]


def model_outcome(nssim, variant, scen, site, n):
    with tempfile.NamedTemporaryFile(suffix='.outcome') as f:
        subprocess.run([nssim, 'run', '--kernel', variant, '--fail', '%s:%d' % (site, n),
                        '--no-trace', '--ignore-expectations', '--audit=full', '--export-quiet',
                        '--fault-outcome=' + f.name, scen], capture_output=True, text=True)
        line = open(f.name).read().strip()
    return '%s %s:%d' % (line, site, n) if line else None


def prepare(nssim, cc, outdir, variant, scen, cap, pool):
    """The vector and the model's outcomes of @scen for @variant: (exe, file)."""
    base = os.path.join(outdir, '%s_%s' % (re.sub(r'\W', '_', os.path.basename(scen)[:-4]),
                                           variant.replace('.', '_').replace('-', '_')))
    r = subprocess.run([nssim, 'export', '--kernel', variant, '-o', base + '.c', scen],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('%s: export --kernel %s exit %d: %s'
                           % (scen, variant, r.returncode, r.stderr.strip()))
    jobs = [(s, n) for s, passes in site_passes(nssim, variant, scen)
            for n in range(1, min(passes, cap) + 1)]
    lines = [l for l in pool.map(lambda j: model_outcome(nssim, variant, scen, *j), jobs) if l]
    with open(base + '.outcomes', 'w') as f:
        f.write('# step errno handles warn site:pass, from %d faulted runs of %s\n'
                % (len(jobs), scen))
        f.write(''.join(l + '\n' for l in lines))
    err = kernels.compile_all(cc, [base + '.c'])[base + '.c']
    if err:
        raise RuntimeError('%s.c does not compile:\n%s' % (base, err))
    return base, base + '.outcomes', len(jobs), len(lines)


def crash_report(out):
    """The kernel's panic line and the first functions of its call trace."""
    m = re.search(r'console: (\S+)\)', out)
    if not m:
        return 'no console'
    console = m.group(1)
    try:
        text = open(console, errors='replace').read()
    except OSError:
        return 'no console'
    finally:
        d = os.path.dirname(console)
        if os.path.basename(d).startswith('uml-run.'):
            subprocess.run(['rm', '-rf', d])
    panic = re.search(r'(Kernel panic[^\n]*)', text)
    funcs = re.findall(r'\] (?!\? )([a-z_0-9.]+)\+', text)[:6]
    return '%s in %s' % (panic.group(1) if panic else 'the kernel died', ' < '.join(funcs))


def sweep(target, exe, outcomes):
    """Run the sweep of one vector on @target, across kernel crashes: each
    crash is a result of its own and the sweep resumes after it."""
    frm, lines, crashes = None, [], []
    while True:
        args = ['--fault-sweep', outcomes] + ([str(x) for x in frm] if frm else [])
        rc, out = kernels.run_batch(target, [exe], timeout=1500, args={exe: args})[exe]
        lines += out.splitlines()
        if rc != 125:
            return rc, lines, crashes
        at = [l for l in out.splitlines() if l.startswith('# at step ')]
        if not at:
            return rc, lines, crashes
        step, nth = (int(x) for x in re.match(r'# at step (\d+) fail-nth (\d+)', at[-1]).groups())
        crashes.append('step %d fail-nth %d: %s' % (step, nth, crash_report(out)))
        frm = (step, nth + 1)


def load_known(path):
    known = []
    with open(path) as f:
        for l in f:
            if l.strip() and not l.startswith('#'):
                pat, why = l.rstrip('\n').split('\t', 1)
                known.append((re.compile(pat), why.strip()))
    return known


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    nssim, cc, outdir, scens = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    cap = int(os.environ.get('NSSIM_FAULTDIFF_MAX', '16'))
    known = load_known(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    'faultdiff-known.txt'))
    os.makedirs(outdir, exist_ok=True)
    ran = bad = 0
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for target in kernels.targets(VARIANTS, nssim):
            if target.kernel is None and not os.path.exists('/proc/self/fail-nth'):
                print('kernel %s (variant %s): skipped: no fail-nth' % (target.name, target.variant))
                continue
            if target.skip:
                print('kernel %s (variant %s): skipped: %s' % (target.name, target.variant,
                                                              target.skip))
                continue
            jobs = []
            for scen in scens:
                try:
                    jobs.append((scen,) + prepare(nssim, cc, outdir, target.variant, scen, cap, pool))
                except RuntimeError as e:
                    print('FAIL %s' % e)
                    bad += 1
            with concurrent.futures.ThreadPoolExecutor(4) as boots:
                results = list(boots.map(lambda j: sweep(target, j[1], j[2]), jobs))
            totals = [0, 0, 0, 0, 0]
            for (scen, exe, _, runs, found), (rc, lines, crashes) in zip(jobs, results):
                name = os.path.basename(scen)
                summary = [l for l in lines if l.startswith('# fault sweep: ') and 'call(s)' in l]
                if rc == 4:
                    print('skip %s: %s' % (name, lines[-1] if lines else '?'))
                    continue
                ran += 1
                if not summary or rc not in (0, 1):
                    print('FAIL %s: exit %d\n%s' % (name, rc, '\n'.join(lines[-30:])))
                    bad += 1
                    continue
                # one sweep may span several boots (a crash each): count the lines
                calls = sum(1 for l in lines if re.match(r'# step \d+ .*fault-injection point', l))
                inj = sum(1 for l in lines if re.match(r'(not )?ok \d+ step ', l))
                misses = [l for l in lines if l.startswith('not ok')]
                misses += ['not ok: the kernel crashed at ' + c for c in crashes]
                unknown, seen = 0, {}
                for l in misses:
                    why = next((w for p, w in known if p.search('%s: %s' % (name, l))), None)
                    if why is None:
                        unknown += 1
                        print('    %s\n      NOT KNOWN' % l)
                    else:
                        seen.setdefault(why, []).append(l)
                for why, ls in seen.items():
                    print('    %d known, e.g. %s\n      %s' % (len(ls), ls[0], why))
                totals = [a + b for a, b in zip(totals, (calls, inj, len(misses), len(crashes),
                                                         unknown))]
                print('%s %s: %d calls swept, %d injected failures, %d outside the model '
                      '(%d kernel crashes), %d not known; model: %d outcomes from %d faulted runs'
                      % ('ok  ' if not unknown else 'FAIL', name, calls, inj, len(misses),
                         len(crashes), unknown, found, runs))
                bad += unknown != 0
            print('kernel %s (variant %s): fault sweep of %d scenario(s): %d calls, '
                  '%d injected failures, %d outside the model (%d kernel crashes), %d not known'
                  % (target.name, target.variant, len(jobs), *totals))
    if not ran:
        print('SKIP: no kernel with fail-nth could run the sweep')
        return 77
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
