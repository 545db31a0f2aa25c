#!/usr/bin/env python3
"""A fuzzer for nssim: seeded random scenarios over the Lua API, run by
nssim; any outcome other than exit 0, 1 or 2 within the time limit (a
signal, a sanitizer report, a hang) is a crash, minimized to a reproducer.

    fuzz.py NSSIM [--seeds A..B] [--jobs N] [--out DIR] [--timeout S]

Each seed gives one scenario: a random kernel variant, CPU count and
lazy-TLB mode, then a random sequence of calls (valid and invalid
arguments, wrong types, stale objects after exit/reap/close, extreme
integers, coroutines and sim.process callbacks, __gc finalizers, errors
inside callbacks, setns left in flight).  Build nssim with
-Db_sanitize=address,undefined to make memory errors and undefined
behaviour crashes (ASAN_OPTIONS/UBSAN_OPTIONS are set here).  The suite
runs a fixed slice of seeds; long runs go through `ninja fuzz` or this
script (docs/reliability.md).  Exit 1 if anything crashed.
"""
import concurrent.futures
import os
import random
import re
import subprocess
import sys
import tempfile

BIG = ["math.maxinteger", "math.mininteger", "-1", "0", "2^53", "1e308", "0/0", "-0.0",
       "'x'", "nil", "{}", "true", "sim.init"]
FLAGS = ['', '"newuser"', '"newpid"', '"newnet"', '"newnet", "newuser"', '"newns"',
         '"newuts", "newipc"', '"newcgroup"', '"newtime"', '"pidfd"', '"thread", "vm", "sighand"',
         '"files"', '"fs"', '"vm"', '"bogus"', '"newuser", "newpid", "newnet", "newns"']
NS = ["net", "user", "pid", "mnt", "uts", "ipc", "cgroup", "time", "pid_for_children",
      "time_for_children", "bogus"]


def gen(seed):
    r = random.Random(seed)
    kern = r.choice(["6.19", "6.19-prefix", "6.19-nsset-bug", "6.18", "7.1"])
    hdr = 'scenario { name = "fuzz %d", kernel = "%s", cpus = %d, lazy_tlb = "%s"%s }' % (
        seed, kern, r.choice([1, 2, 4, 4]), r.choice(["refcount", "shootdown"]),
        r.choice(["", ", rcu_latency = 0", ", rcu_latency = 0", ", rcu_latency = math.maxinteger",
                  ", work_latency = 1"]))
    lines = [hdr,
             "local T, F, O, H = { sim.init }, {}, {}, {}",
             "local function pick(t) if #t == 0 then return nil end return t[sim.rand(1, #t)] end",
             "local function try(f, ...) return pcall(f, ...) end"]

    def task():
        return "pick(T)"

    ops = []
    for _ in range(r.randrange(10, 90)):
        k = r.randrange(36)
        if k >= 32:   # the scheduler and time, more often: their bugs need both
            k = r.choice([6, 11, 15, 17])
        if k < 4:
            ops.append("do local p = %s; if p then local c, f = p:clone { %s }; "
                       "if c then T[#T+1] = c end; if f then F[#F+1] = f end end end"
                       % (task(), r.choice(FLAGS)))
        elif k == 4:
            ops.append("do local p = %s; if p then p:exit(%s) end end" % (task(), r.choice(["0", "3", "255"])))
        elif k == 5:
            ops.append("do local p = %s; if p then p:exit_thread(0) end end" % task())
        elif k == 6:
            # a given child, or any: reaps make the frees that stale pointers meet
            ops.append(r.choice(["do local p, c = %s, %s; if p and c then p:wait(c, { nohang = true }) end end"
                                 % (task(), task()),
                                 "for _, p in ipairs(T) do p:wait(nil, { nohang = true }) end"]))
        elif k == 7:
            ops.append("do local p = %s; if p then local f = p:open_ns(%r, %s); if f then F[#F+1] = f end end end"
                       % (task(), r.choice(NS), task()))
        elif k == 8:
            ops.append("do local p = %s; if p then local f = p:open_ns(%r); if f then "
                       "local id = p:setns_begin(f); if math.type(id) == 'integer' then O[#O+1] = { p, id } end end end end"
                       % (task(), r.choice(NS)))
        elif k == 9:
            ops.append("do local o = pick(O); if o then o[1]:setns_finish(o[2]) end end")
        elif k == 10:
            ops.append("do local p = %s; if p then local f = p:open_ns(%r); if f then p:setns(f) end end end"
                       % (task(), r.choice(NS)))
        elif k == 11:
            ops.append("do local p = %s; if p then p:run_on(sim.rand(0, sim.cpus() - 1)) end end" % task())
        elif k == 12:
            ops.append("do local p = %s; if p then p:execve() end end" % task())
        elif k == 13:
            ops.append("setmetatable({}, { __gc = function() local p = %s; if p then local c = p:clone {}; "
                       "if c then T[#T+1] = c end end end })" % task())
        elif k == 14:
            ops.append("for i = 1, %d do local g = { i } end" % r.choice([100, 5000]))
        elif k == 15:
            ops.append("sim.sleep(%s)" % r.choice(["0", "1", "1000", "25000000", "sim.ms(100)"]))
        elif k == 16:
            ops.append("do local f = pick(F); if f then f:close() end end")
        elif k == 17:
            # another task, or itself (its own death inside the call)
            ops.append("do local p = %s; local c = %s; if p and c then p:kill(c, %s) end end"
                       % (task(), r.choice([task(), "p"]), r.choice(["9", "9", "0", "15", "65"])))
        elif k == 18:
            ops.append("do local p = %s; if p then p:unshare { %s } end end" % (task(), r.choice(FLAGS)))
        elif k == 19:
            ops.append("do local f = pick(F); if f then local h = f:handle(); if h then H[#H+1] = h end end end")
        elif k == 20:
            ops.append("do local p, h = %s, pick(H); if p and h then local f = p:open_by_handle(h, %s); "
                       "if f then F[#F+1] = f end end end"
                       % (task(), r.choice(["{}", '{ "cloexec" }', '{ "rdwr" }', "0x40000000"])))
        elif k == 21:
            ops.append("do local f = pick(F); if f then f:ioctl(%r) end end"
                       % r.choice(["NS_GET_USERNS", "NS_GET_PARENT", "NS_GET_NSTYPE", "NS_GET_ID",
                                   "PIDFD_GET_NET_NAMESPACE", "SIOCGSKNS", "NS_MNT_GET_NEXT"]))
        elif k == 22:
            ops.append("do local p = %s; if p then local s = p:socket(%r); if s then F[#F+1] = s end end end"
                       % (task(), r.choice(["unix", "inet", "inet6", "bogus"])))
        elif k == 23:
            ops.append("do local p, c = %s, %s; if p and c then local f = p:pidfd_open(c); if f then F[#F+1] = f end end end"
                       % (task(), task()))
        elif k == 24:
            ops.append("sim.process(function() sim.sleep(%s) local p = %s; if p then p:clone {} end %s end)"
                       % (r.choice(["1", "1000", "sim.ms(30)"]), task(),
                          r.choice(["", "", "", "", "error('in a process')"])))
        elif k == 25:
            ops.append("sim.after(%s, function() local p = %s; if p then p:exit(0) end end)"
                       % (r.choice(["0", "5", "sim.ms(50)"]), task()))
        elif k == 26:
            # wrong types and extreme values into any call
            ops.append("try(function() local p = %s; p:%s(%s) end)"
                       % (task(), r.choice(["clone", "open_ns", "setns", "wait", "kill", "run_on", "unshare",
                                            "setresuid", "listns", "open_by_handle", "setuid", "pidfd_open"]),
                          r.choice(BIG)))
        elif k == 27:
            ops.append("try(sim.%s, %s)" % (r.choice(["sleep", "after", "rand", "ms", "ns", "cpu", "fail_next"]),
                                            r.choice(BIG)))
        elif k == 28:
            ops.append("do local co = coroutine.wrap(function() local p = %s; if p then p:clone {} end "
                       "coroutine.yield() end) co() end" % task())
        elif k == 29:
            ops.append("do local p = %s; if p then p:setresuid(%s, %s, -1) end end"
                       % (task(), r.choice(["0", "1000", "65534"]), r.choice(["0", "1000"])))
        elif k == 30:
            ops.append("do local p = %s; if p then p:listns { max = %s } end end"
                       % (task(), r.choice(["0", "1", "1000", "5"])))
        else:
            ops.append("sim.fail_next(%r)" % r.choice(["alloc_pid", "prepare_creds", "ns_common_init",
                                                       "dup_mm", "create_new_namespaces", "bogus"]))
    # most calls in a protected call, so that a raised error (a bad argument,
    # on purpose) ends only that call and the run goes on
    lines += [op if r.randrange(8) == 0 else "try(function() %s end)" % op for op in ops]
    lines.append("sim.run()")
    return "\n".join(lines) + "\n"


def crashed(rc, out):
    if rc in (0, 1, 2):
        return None
    m = re.search(r"(ERROR: AddressSanitizer: [\w-]+|runtime error: [^\n]*|LeakSanitizer)", out)
    if m:
        return m.group(1)
    return "exit %s" % rc


def run_one(nssim, text, timeout, tmp):
    path = os.path.join(tmp, "s.lua")
    with open(path, "w") as f:
        f.write(text)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:exitcode=99",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=98")
    try:
        r = subprocess.run([nssim, "run", "--no-trace", "--audit", "full", "--max-time", "20", path],
                           capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return "hang"
    return crashed(r.returncode, r.stdout + r.stderr)


def minimize(nssim, text, why, timeout):
    """Drop lines (not the header and helpers) while the same crash happens."""
    lines = text.splitlines()
    head, body = lines[:4], lines[4:]
    with tempfile.TemporaryDirectory() as tmp:
        chunk = max(1, len(body) // 2)
        while chunk >= 1:
            i = 0
            while i < len(body):
                cand = body[:i] + body[i + chunk:]
                if run_one(nssim, "\n".join(head + cand) + "\n", timeout, tmp) == why:
                    body = cand
                else:
                    i += chunk
            chunk //= 2
    return "\n".join(head + body) + "\n"


def check(args):
    nssim, seed, timeout = args
    text = gen(seed)
    with tempfile.TemporaryDirectory() as tmp:
        return seed, run_one(nssim, text, timeout, tmp)


def main():
    nssim = os.path.abspath(sys.argv[1])
    a, b, jobs, out, timeout = 1, 200, os.cpu_count() or 2, None, 60
    argv = sys.argv[2:]
    while argv:
        opt = argv.pop(0)
        if opt == "--seeds":
            a, b = (int(x) for x in argv.pop(0).split(".."))
        elif opt == "--jobs":
            jobs = int(argv.pop(0))
        elif opt == "--out":
            out = argv.pop(0)
        elif opt == "--timeout":
            timeout = int(argv.pop(0))
        else:
            sys.exit("fuzz.py: unknown option " + opt)
    found = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for seed, why in ex.map(check, [(nssim, s, timeout) for s in range(a, b + 1)]):
            if why and why not in found:
                found[why] = seed
                print("seed %d: %s" % (seed, why), flush=True)
    for why, seed in found.items():
        small = minimize(nssim, gen(seed), why, timeout)
        if out:
            os.makedirs(out, exist_ok=True)
            path = os.path.join(out, "crash-%d.lua" % seed)
            with open(path, "w") as f:
                f.write("-- %s (fuzz.py seed %d, minimized)\n" % (why, seed) + small)
            print("  reproducer: " + path)
        else:
            print("  reproducer:\n" + small)
    print("fuzz: %d scenarios (seeds %d..%d), %d distinct crash(es)" % (b - a + 1, a, b, len(found)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
