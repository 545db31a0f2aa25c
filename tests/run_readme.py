#!/usr/bin/env python3
"""The README's examples, run as a reader would type them (docs match the
binary, issue 15): every command line of its sh blocks, in order, in one
scratch directory, so that the files one block writes (trace.db, sweep.db)
are there for the next.  A line's exit status must be the one its comment
names ("exit N"; "violated" is 1), else 0.

Skipped: the quick start and install blocks (they set up and install,
which the other tests do), lines that need root for a real kernel when we
are not root, and comment lines.

Usage: run_readme.py NSSIM SOURCE_ROOT
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile


def sh_blocks(text):
    for m in re.finditer(r"^```sh\n(.*?)^```", text, re.M | re.S):
        yield m.group(1)


def commands(block):
    """(command, comment) per logical line, continuation lines joined."""
    line = ""
    for raw in block.splitlines():
        if raw.rstrip().endswith("\\"):
            line += raw.rstrip()[:-1] + " "
            continue
        line += raw
        code, _, comment = line.partition(" #")
        if line.lstrip().startswith("#"):
            code, comment = "", line
        try:
            shlex.split(code)
        except ValueError:
            line += "\n"       # a quoted string goes on on the next line
            continue
        if code.strip():
            yield code.strip(), comment
        line = ""


def expected_status(comment):
    m = re.search(r"exit (\d+)", comment)
    if m and "pass" not in comment:
        return {int(m.group(1))}
    if "exit 0 pass" in comment:
        return {0, 4}      # a vector: pass, or skip on a kernel that is not its variant
    if "violated" in comment:
        return {1}
    return {0}


def main():
    nssim, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    text = open(os.path.join(root, "README.md")).read()
    failures, ran = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for block in sh_blocks(text):
            if ".ci/setup" in block or "meson install" in block or "/usr/local/" in block:
                continue
            for code, comment in commands(block):
                words = shlex.split(code)
                if words[0] == "./vector" and os.geteuid() != 0:
                    continue
                words = [nssim if w == "build/sim/nssim" else
                         os.path.join(root, w) if w.startswith("scenarios/") else w
                         for w in words]
                # && chains (cc ... && ./vector) run as one shell line
                cmd = " ".join(shlex.quote(w) if w != "&&" else w for w in words)
                r = subprocess.run(cmd, shell=True, cwd=tmp, capture_output=True, text=True,
                                   timeout=600)
                ran += 1
                want = expected_status(comment)
                if r.returncode not in want:
                    failures.append("README: `%s` exited %d, expected %s\n%s%s"
                                    % (code, r.returncode, sorted(want), r.stdout[-2000:],
                                       r.stderr[-2000:]))
    print("README: %d command lines run" % ran)
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
