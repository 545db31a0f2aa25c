"""The kernels a vector can run on: the machine's own, and the User-Mode Linux
builds in ../shared/kernels (README.md there), each booted once for a whole
batch of vectors.  Shared by run_vectors.py, run_differential.py and
run_oracle.py.

A kernel that is missing or cannot start is a stated skip, never a pass.
"""
import os
import platform
import re
import shlex
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))

# nssim variant -> the UML kernel that is that variant
UML_KERNELS = {
    '6.19': 'linux-6.19-um',
    '6.19-nsset-bug': 'linux-6.19-prefix-um',
    '7.1': 'linux-7.1-um',
}
UML_CONFIG = {
    'linux-6.19-um': 'config-6.19',
    'linux-6.19-prefix-um': 'config-6.19-prefix',
    'linux-7.1-um': 'config-7.1',
}


def kernels_dir():
    d = os.environ.get('NSSIM_KERNELS')
    if d:
        return d
    return os.path.normpath(os.path.join(HERE, '..', '..', 'shared', 'kernels'))


def host_variant():
    """The nssim variant of the running kernel, or None."""
    m = re.match(r'(\d+)\.(\d+)', platform.release())
    if not m:
        return None
    v = (int(m.group(1)), int(m.group(2)))
    if v == (6, 18):
        return '6.18'
    if v == (6, 19):
        return '6.19'
    if v >= (7, 1) and variant_known('7.1'):
        return '7.1'
    return None


_known = {}


def variant_known(variant, nssim=None):
    """Whether this nssim models @variant (7.1 arrives with issue 12)."""
    nssim = nssim or os.environ.get('NSSIM')
    if not nssim:
        return variant in ('6.18', '6.19', '6.19-prefix', '6.19-nsset-bug')
    if (nssim, variant) not in _known:
        r = subprocess.run([nssim, 'run', '--help'], capture_output=True, text=True)
        _known[(nssim, variant)] = variant in r.stdout
    return _known[(nssim, variant)]


class Target:
    """Where vectors of one variant run: 'host' or a UML kernel file."""

    def __init__(self, variant, kernel=None, skip=None):
        self.variant = variant
        self.kernel = kernel          # path of the UML kernel, None for the host
        self.skip = skip              # why nothing runs here, or None
        self.release = platform.release() if kernel is None else None
        self.debug_vfs = False
        self.time_ns = os.path.exists('/proc/self/ns/time')
        if kernel:
            cfg = os.path.join(os.path.dirname(kernel), UML_CONFIG.get(os.path.basename(kernel), ''))
            try:
                with open(cfg) as f:
                    text = f.read()
                self.debug_vfs = 'CONFIG_DEBUG_VFS=y' in text
                self.time_ns = 'CONFIG_TIME_NS=y' in text
            except OSError:
                pass

    @property
    def name(self):
        return os.path.basename(self.kernel) if self.kernel else 'host %s' % platform.release()

    def env(self):
        e = {}
        if self.debug_vfs:
            e['NSSIM_VECTOR_KERNEL_WARNS'] = '1'
        for k in ('NSSIM_VECTOR_SETTLE_MS',):
            if k in os.environ:
                e[k] = os.environ[k]
        return e


def uml_can_start(kernel):
    """None if @kernel boots here, else why not (asked once per kernel)."""
    if os.geteuid() != 0:
        return 'needs root'
    run_um = os.path.join(os.path.dirname(kernel), 'run-um.sh')
    if not os.access(kernel, os.X_OK) or not os.path.exists(run_um):
        return 'no %s' % kernel
    try:
        r = subprocess.run([run_um, kernel, 'true'], capture_output=True, text=True,
                           timeout=120, env=dict(os.environ, UML_TIMEOUT='60'))
    except subprocess.TimeoutExpired:
        return 'did not boot within 120 s'
    if r.returncode != 0:
        return 'does not boot here (exit %d: %s)' % (r.returncode, r.stderr.strip()[-200:])
    return None


def targets(variants=None, nssim=None):
    """The host (if its kernel is a variant) and every UML kernel of a known variant."""
    out = []
    hv = host_variant()
    if hv and (variants is None or hv in variants):
        out.append(Target(hv))
    kdir = kernels_dir()
    for variant, kfile in UML_KERNELS.items():
        if variants is not None and variant not in variants:
            continue
        path = os.path.join(kdir, kfile)
        if not variant_known(variant, nssim):
            out.append(Target(variant, path, 'nssim has no variant %s yet' % variant))
        elif os.environ.get('NSSIM_NO_UML'):
            out.append(Target(variant, path, 'NSSIM_NO_UML is set'))
        elif not os.path.exists(path):
            out.append(Target(variant, path, 'no %s (../shared/kernels missing)' % path))
        else:
            out.append(Target(variant, path, uml_can_start(path)))
    return out


def compile_all(cc, sources, jobs=None):
    """Compile each C vector statically (UML runs host binaries); returns
    {source: error or None}."""
    def one(src):
        exe = src[:-2]
        r = subprocess.run([cc, '-static', '-O1', '-Wall', '-Wextra', '-Werror', '-o', exe, src],
                           capture_output=True, text=True)
        return src, (r.stderr if r.returncode else None)
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as ex:
        return dict(ex.map(one, sources))


def run_batch(target, exes, timeout=600, args=None):
    """Run each vector once on @target: {exe: (exit status, output)}; @args,
    if given, maps an exe to its arguments."""
    results = {}
    args = args or {}
    env = dict(os.environ, **target.env())
    if target.kernel is None:
        for exe in exes:
            try:
                r = subprocess.run([exe] + args.get(exe, []), capture_output=True, text=True,
                                   timeout=timeout, env=env)
                results[exe] = (r.returncode, r.stdout + r.stderr)
            except subprocess.TimeoutExpired as e:
                results[exe] = (124, (e.stdout or b'').decode(errors='replace') + '\n# timed out')
        return results
    # One boot for the batch: each vector's output and status go to files
    # beside it (the guest's / is the host's).
    with tempfile.NamedTemporaryFile('w', suffix='.sh', delete=False, dir='/tmp') as f:
        script = f.name
        for k, v in target.env().items():
            f.write('export %s=%s\n' % (k, shlex.quote(v)))
        for exe in exes:
            q = shlex.quote(exe)
            a = ''.join(' ' + shlex.quote(x) for x in args.get(exe, []))
            f.write('%s%s > %s.out 2>&1; echo $? > %s.rc\n' % (q, a, q, q))
    for exe in exes:
        for ext in ('.out', '.rc'):
            if os.path.exists(exe + ext):
                os.unlink(exe + ext)
    run_um = os.path.join(os.path.dirname(target.kernel), 'run-um.sh')
    t0 = time.time()
    r = subprocess.run([run_um, target.kernel, 'sh', script], capture_output=True, text=True,
                       env=dict(env, UML_TIMEOUT=str(timeout)))
    os.unlink(script)
    for exe in exes:
        try:
            with open(exe + '.rc') as f:
                rc = int(f.read().strip() or '125')
            with open(exe + '.out') as f:
                out = f.read()
        except (OSError, ValueError):
            # what it printed before the guest died (a kernel crash) comes first
            try:
                with open(exe + '.out') as f:
                    partial = f.read()
            except OSError:
                partial = ''
            rc, out = 125, partial + 'no result from the guest (boot exit %d after %.0f s): %s' % (
                r.returncode, time.time() - t0, (r.stdout + r.stderr)[-300:])
        results[exe] = (rc, out)
    return results


def failure_lines(out):
    return [l for l in out.splitlines()
            if l.startswith('not ok') or l.startswith('# ') or 'Bail' in l]
