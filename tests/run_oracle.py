#!/usr/bin/env python3
"""A vector catches a real kernel bug (issue 11, item 4).

    run_oracle.py NSSIM CC OUTDIR SCENARIOS_DIR

scenarios/setns-failure-path.lua exported for 6.19 must pass on
linux-6.19-um and fail on linux-6.19-prefix-um (v6.19 with the put_nsset()
fix undone): there the caller's net namespace goes ESTALE while in use, and
then the kernel warns.  The same scenario exported for the variant that
models that kernel, 6.19-nsset-bug, must pass on it, kernel warning
included, and fail on linux-6.19-um, which has the fix.  Exit 77 (skip) when the UML kernels cannot run here.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402


def main():
    nssim, cc, outdir, scdir = sys.argv[1:5]
    os.makedirs(outdir, exist_ok=True)
    scen = os.path.join(scdir, 'setns-failure-path.lua')
    tg = {t.variant: t for t in kernels.targets(['6.19', '6.19-nsset-bug'], nssim)}
    for v in ('6.19', '6.19-nsset-bug'):
        if tg[v].skip:
            print('SKIP: kernel %s: %s' % (tg[v].name, tg[v].skip))
            return 77
    srcs = {}
    for v in ('6.19', '6.19-nsset-bug'):
        src = os.path.join(outdir, 'setns_failure_path_%s.c' % v.replace('.', '_').replace('-', '_'))
        r = subprocess.run([nssim, 'export', '--kernel', v, '-o', src, scen],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print('export --kernel %s failed (%d): %s' % (v, r.returncode, r.stderr))
            return 1
        srcs[v] = src
    errs = kernels.compile_all(cc, list(srcs.values()))
    for src, err in errs.items():
        if err:
            print('%s does not compile:\n%s' % (src, err))
            return 1
    v619, vbug = srcs['6.19'][:-2], srcs['6.19-nsset-bug'][:-2]
    # a prefix-um target that runs with the 6.19 target's settings
    runs = [
        (tg['6.19'], v619, 0, 'the 6.19 vector on linux-6.19-um'),
        (tg['6.19-nsset-bug'], v619, 1, 'the 6.19 vector on linux-6.19-prefix-um'),
        (tg['6.19-nsset-bug'], vbug, 0, 'the 6.19-nsset-bug vector on linux-6.19-prefix-um'),
        (tg['6.19'], vbug, 1, 'the 6.19-nsset-bug vector on linux-6.19-um'),
    ]
    ok = True
    results = {}
    for target in (tg['6.19'], tg['6.19-nsset-bug']):
        exes = [exe for t, exe, _, _ in runs if t is target]
        results[target.name] = kernels.run_batch(target, exes)
    for target, exe, want, what in runs:
        rc, out = results[target.name][exe]
        verdict = 'as expected' if rc == want else 'WRONG'
        print('%s: exit %d (want %d), %s' % (what, rc, want, verdict))
        for line in kernels.failure_lines(out)[-4:]:
            print('  ' + line)
        ok &= rc == want
        if want == 1 and rc == 1:
            # the failure must be the bug, seen where the model and kernel part
            bug_seen = ('opens by handle' in out or 'does not open by handle' in out or
                        'kernel logged' in out)
            print('  the bug is what failed it: %s' % ('yes' if bug_seen else 'NO'))
            ok &= bug_seen
        if want == 0 and exe == vbug:
            warned = 'with a kernel warning)' in out and ' 0 with a kernel warning' not in out
            print('  the kernel warning the model predicts was logged: %s' % ('yes' if warned else 'NO'))
            ok &= warned
    rc = 0 if ok else 1
    for name in ('see-all-namespaces', 'proc-ns-eacces-lost'):
        rc |= kernel_71(nssim, cc, outdir, scdir, name)
    return rc


def kernel_71(nssim, cc, outdir, scdir, name):
    """regressions/NAME.lua: the 7.1 vector passes on linux-7.1-um and
    fails on linux-6.19-um, the 6.19 vector the other way round: what 7.0
    changed in listns(), handles and pid_for_children (see-all-namespaces),
    and 7.1.5's lost EACCES in proc_ns_get_link() (proc-ns-eacces-lost)."""
    scen = os.path.join(scdir, 'regressions', name + '.lua')
    tg = {t.variant: t for t in kernels.targets(['6.19', '7.1'], nssim)}
    for v in ('6.19', '7.1'):
        if tg[v].skip:
            print('SKIP: the 7.1 check: kernel %s: %s' % (tg[v].name, tg[v].skip))
            return 0
    exes = {}
    for v in ('6.19', '7.1'):
        src = os.path.join(outdir, '%s_%s.c' % (name.replace('-', '_'), v.replace('.', '_')))
        r = subprocess.run([nssim, 'export', '--kernel', v, '-o', src, scen],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print('export --kernel %s failed (%d): %s' % (v, r.returncode, r.stderr))
            return 1
        exes[v] = src[:-2]
    for src, err in kernels.compile_all(cc, [e + '.c' for e in exes.values()]).items():
        if err:
            print('%s does not compile:\n%s' % (src, err))
            return 1
    ok = True
    for kv in ('6.19', '7.1'):
        res = kernels.run_batch(tg[kv], list(exes.values()))
        for vv, exe in exes.items():
            rc, out = res[exe]
            want = 0 if vv == kv else 1
            print('the %s vector of %s.lua on %s: exit %d (want %d), %s'
                  % (vv, name, tg[kv].name, rc, want, 'as expected' if rc == want else 'WRONG'))
            for line in kernels.failure_lines(out)[-3:]:
                print('  ' + line)
            ok &= rc == want
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
