#!/usr/bin/env python3
"""`meson install` into a DESTDIR, the tree then moved elsewhere, and the
installed nssim used from there: it runs an installed scenario that
require()s an installed module, finds its modules in its own tree (not
the source tree, not the configured prefix), sweep and faultsim re-execute
it, every command has a man page that renders cleanly, and the bash
completion completes commands and each command's options.

Usage: test_install.py MESON BUILDDIR
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

MESON = BUILD = None
TMP = ROOT = None       # the moved install: ROOT + PREFIX is the prefix
OPT = {}


def path(*parts):
    """An installed path, in the moved tree."""
    return os.path.join(ROOT + OPT["prefix"], *parts)


def nssim(args, cwd, env=None):
    """The installed nssim; without NSSIM_SCRIPTS unless @env sets it."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "NSSIM_SCRIPTS"}
    return subprocess.run([path(OPT["bindir"], "nssim")] + args, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def setUpModule():
    global TMP, ROOT
    TMP = tempfile.mkdtemp(prefix="nssim-install-")
    dest = os.path.join(TMP, "destdir")
    subprocess.run([MESON, "install", "-C", BUILD, "--no-rebuild", "--quiet",
                    "--destdir", dest], check=True, capture_output=True, text=True)
    for o in json.loads(subprocess.run([MESON, "introspect", "--buildoptions", BUILD],
                                       check=True, capture_output=True, text=True).stdout):
        if o["name"] in ("prefix", "bindir", "datadir", "mandir"):
            OPT[o["name"]] = o["value"]
    # moved after installing: the binary must find its tree from where it is
    ROOT = os.path.join(TMP, "moved")
    os.rename(dest, ROOT)


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


class Installed(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(dir=TMP, prefix="cwd-")
        self.scripts = path(OPT["datadir"], "nssim", "scripts")
        self.scenarios = path(OPT["datadir"], "nssim", "scenarios")

    def test_layout(self):
        for p in [path(OPT["bindir"], "nssim"),
                  os.path.join(self.scripts, "nsutil.lua"),
                  os.path.join(self.scenarios, "worked-example.lua"),
                  os.path.join(self.scenarios, "selftests"),
                  path(OPT["datadir"], "doc", "nssim", "README.md"),
                  path(OPT["datadir"], "doc", "nssim", "docs", "scenario-api.md"),
                  path(OPT["mandir"], "man1", "nssim-run.1"),
                  path(OPT["datadir"], "bash-completion", "completions", "nssim")]:
            self.assertTrue(os.path.exists(p), p)

    def test_installed_scenario_with_require(self):
        scen = os.path.join(self.scenarios, "worked-example.lua")
        with open(scen) as f:
            self.assertRegex(f.read(), r'require\s*\(?\s*"nsutil"')
        r = nssim(["run", "--db", "t.db", scen], self.work)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        con = sqlite3.connect(os.path.join(self.work, "t.db"))
        try:
            (status, events), = con.execute("SELECT status, events FROM run").fetchall()
        finally:
            con.close()
        self.assertEqual(status, "ok")
        self.assertGreater(events, 0)

    def probe(self, where, value):
        with open(os.path.join(where, "installprobe.lua"), "w") as f:
            f.write(f'return "{value}"\n')

    def test_modules_come_from_its_own_tree(self):
        # a module only the moved install has; NSSIM_SCRIPTS, then --scripts, win
        self.probe(self.scripts, "installed")
        other = tempfile.mkdtemp(dir=TMP)
        self.probe(other, "env")
        scen = os.path.join(self.work, "probe.lua")
        with open(scen, "w") as f:
            f.write('expect_eq(require("installprobe"), sim.param.want, "module")\n')
        try:
            run = ["run", "--no-trace", "--param", "want=installed", scen]
            r = nssim(run, self.work)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            env = dict(os.environ, NSSIM_SCRIPTS=other)
            r = nssim(["run", "--no-trace", "--param", "want=env", scen], self.work, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            r = nssim(["run", "--no-trace", "--scripts", self.scripts, "--param",
                       "want=installed", scen], self.work, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            os.unlink(os.path.join(self.scripts, "installprobe.lua"))

    def test_commands_that_rerun_nssim(self):
        scen = os.path.join(self.scenarios, "worked-example.lua")
        r = nssim(["sweep", "--db", "s.db", "--seeds", "1..2", "--jobs", "1", scen], self.work)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 runs (2 ok", r.stdout)
        r = nssim(["faultsim", "--jobs", "1", "--sites", "alloc_pid", scen], self.work)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"faultsim: [1-9]\d* faulted runs")
        r = nssim(["export", "--format", "jsonl", scen], self.work)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(len(r.stdout.splitlines()), 1)

    def commands(self):
        out = nssim(["--help"], self.work).stdout
        block = out.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
        return [line.split()[0] for line in block.splitlines()]

    def test_man_pages(self):
        pages = [path(OPT["mandir"], "man1", "nssim.1")] + \
                [path(OPT["mandir"], "man1", f"nssim-{c}.1") for c in self.commands()]
        for p in pages:
            self.assertTrue(os.path.exists(p), p)
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MANPAGER="cat", PAGER="cat")
        if shutil.which("man"):
            render = ["man", "--warnings", "-E", "UTF-8", "-l"]
        elif shutil.which("groff"):
            render = ["groff", "-man", "-Tutf8", "-ww"]
        else:
            self.skipTest("neither man nor groff to render the pages with")
        for p in pages:
            r = subprocess.run(render + [p], capture_output=True, text=True, env=env)
            self.assertEqual((r.returncode, r.stderr), (0, ""), p)
            name = os.path.basename(p)[:-2]
            self.assertIn(name.upper() + "(1)", r.stdout)
        r = subprocess.run(render + [path(OPT["mandir"], "man1", "nssim-run.1")],
                           capture_output=True, text=True, env=env)
        self.assertIn("NSSIM_SCRIPTS", r.stdout)
        self.assertIn("--scripts", r.stdout)

    def complete(self, *words):
        """What `nssim WORDS...<TAB>` offers, in the work directory."""
        script = ('source "$1"; shift\n'
                  'COMP_WORDS=(nssim "$@"); COMP_CWORD=$#\n'
                  'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}\n'
                  'f=$(complete -p nssim | sed -n "s/.* -F \\([^ ]*\\) .*/\\1/p")\n'
                  '"$f" && printf "%s\\n" "${COMPREPLY[@]}"\n')
        comp = path(OPT["datadir"], "bash-completion", "completions", "nssim")
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", comp,
                            *words], cwd=self.work, capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        return sorted(r.stdout.split())

    def test_bash_completion(self):
        self.assertEqual(self.complete("r"), ["report", "run"])
        self.assertEqual(self.complete(""), sorted(self.commands() + ["--help", "--version"]))
        self.assertEqual(self.complete("run", "--ke"), ["--kernel"])
        self.assertIn("7.1", self.complete("run", "--kernel", ""))
        self.assertEqual(self.complete("run", "--audit", ""), ["full", "incremental", "off"])
        # each command's options are those its --help lists
        for c in self.commands():
            help_opts = re.findall(r"^  (?:-\w, )?(--[\w-]+)", nssim([c, "--help"], self.work).stdout,
                                   re.M)
            self.assertEqual(self.complete(c, "--"), sorted(set(help_opts) | {"--help"}), c)
        # scenarios where a scenario goes, databases where a database goes
        os.mkdir(os.path.join(self.work, "sub"))
        for f in ("a.lua", "b.db", "c.txt"):
            open(os.path.join(self.work, f), "w").close()
        self.assertEqual(self.complete("run", ""), ["a.lua", "sub"])
        self.assertEqual(self.complete("tree", ""), ["b.db", "sub"])
        self.assertEqual(self.complete("export", ""), ["a.lua", "b.db", "sub"])
        self.assertEqual(self.complete("run", "--db", ""), ["b.db", "sub"])
        self.assertEqual(self.complete("run", "--scripts", ""), ["sub"])


if __name__ == "__main__":
    MESON, BUILD = sys.argv[1:3]
    unittest.main(argv=sys.argv[:1], verbosity=2)
