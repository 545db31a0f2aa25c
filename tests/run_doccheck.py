#!/usr/bin/env python3
"""The docs show what the binary prints: check it.

    run_doccheck.py NSSIM SOURCE_ROOT

- docs/trace-schema.md: builds the database its examples use (the three
  runs it lists) and runs every ```sql block, whose output must be the
  ``` block right after it (sqlite3 -header -column, trailing blanks
  ignored); and every block that starts with `$ build/sim/nssim tree` or
  `ls trace.db ...`, whose output must be the rest of the block.
- Every "seed=N fingerprint=HEX" line in docs/*.md and README.md that
  follows a "$ build/sim/nssim run ..." line of a shipped scenario in the
  same block: the command is run and must print that fingerprint.
"""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile


def norm(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def check_sql(nssim, root, tmp):
    doc = open(os.path.join(root, "docs", "trace-schema.md")).read()
    db = os.path.join(tmp, "trace.db")
    setup = re.search(r"```sh\n((?:build/sim/nssim run --db trace\.db .*\n)+)```", doc)
    if not setup:
        return ["trace-schema.md: the block of runs that makes trace.db is gone"]
    for line in setup.group(1).splitlines():
        args = shlex.split(line.split("#")[0])[1:]
        args = [db if a == "trace.db" else a for a in args]
        subprocess.run([nssim] + args, cwd=root, capture_output=True, timeout=300)
    failures = []
    blocks = re.findall(r"```sql\n(.*?)```\n\n```\n(.*?)```", doc, re.S)
    for query, want in blocks:
        r = subprocess.run(["sqlite3", "-header", "-column", db, query],
                           capture_output=True, text=True, timeout=60)
        if norm(r.stdout) != norm(want):
            failures.append("trace-schema.md: %s\n--- the doc says\n%s\n--- sqlite3 says\n%s%s"
                            % (query.strip().splitlines()[0], norm(want), norm(r.stdout),
                               r.stderr))
    print("trace-schema.md: %d queries checked" % len(blocks))
    return failures + check_readers(nssim, root, doc, db)


def check_readers(nssim, root, doc, db):
    """Every block that starts with `$ build/sim/nssim tree|ls trace.db ...`:
    the rest of the block is what the command prints."""
    failures = []
    checked = 0
    for block in fenced_blocks(doc):
        first, _, want = block.partition("\n")
        if not re.match(r"\$ build/sim/nssim (tree|ls) trace\.db( |$)", first):
            continue
        args = [db if a == "trace.db" else a for a in shlex.split(first)[2:]]
        r = subprocess.run([nssim] + args, cwd=root, capture_output=True, text=True,
                           timeout=60)
        checked += 1
        if r.returncode != 0 or norm(r.stdout) != norm(want):
            failures.append("trace-schema.md: %s\n--- the doc says\n%s\n--- nssim says\n%s%s"
                            % (first, norm(want), norm(r.stdout), r.stderr))
    print("trace-schema.md: %d tree and ls outputs checked" % checked)
    return failures


def fenced_blocks(text):
    """The contents of every ``` block, in order."""
    blocks, cur = [], None
    for line in text.splitlines():
        if line.startswith("```"):
            if cur is None:
                cur = []
            else:
                blocks.append("\n".join(cur) + "\n")
                cur = None
        elif cur is not None:
            cur.append(line)
    return blocks


def check_fingerprints(nssim, root, tmp):
    failures = []
    checked = 0
    files = sorted(glob.glob(os.path.join(root, "docs", "*.md"))) + [os.path.join(root, "README.md")]
    for path in files:
        for block in fenced_blocks(open(path).read()):
            cmd = re.search(r"^\$ build/sim/nssim (run .*)$", block, re.M)
            fp = re.search(r"seed=\d+ fingerprint=([0-9a-f]{16})", block)
            if not cmd or not fp:
                continue
            args = shlex.split(cmd.group(1))
            if not any(a.startswith("scenarios/") and os.path.exists(os.path.join(root, a))
                       for a in args):
                continue   # a scenario shown in the text, not shipped
            args = [os.path.join(tmp, "fp.db") if a == "trace.db" else a for a in args]
            r = subprocess.run([nssim] + args, cwd=root, capture_output=True, text=True,
                               timeout=300)
            got = re.search(r"seed=\d+ fingerprint=([0-9a-f]{16})", r.stdout)
            checked += 1
            if not got or got.group(1) != fp.group(1):
                failures.append("%s: `nssim %s` prints fingerprint %s, the doc says %s"
                                % (os.path.relpath(path, root), cmd.group(1),
                                   got.group(1) if got else "none", fp.group(1)))
    print("fingerprints: %d checked" % checked)
    return failures


def main():
    nssim, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        failures = check_sql(nssim, root, tmp) + check_fingerprints(nssim, root, tmp)
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
