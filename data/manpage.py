#!/usr/bin/env python3
"""The man page of nssim or of one of its commands, made by help2man from
the command's --help.

Usage: manpage.py HELP2MAN NSSIM COMMAND VERSION DATADIR OUTPUT [INCLUDE.x...]

COMMAND is 'nssim' for nssim(1), else a command name (nssim-run(1) ...).
The INCLUDE files are help2man include files (extra sections, coreutils'
man/*.x style); @PKGDATADIR@ and @DOCDIR@ in them become the installed
paths under DATADIR.

help2man wants `Usage: PROG ...` on one line and an `Options:` heading;
GOption prints `Usage:` with the synopsis on the next line and `Help
Options:` / `Application Options:`.  So the help text is rewritten into
that form and given to help2man through a stand-in executable named
nssim-COMMAND (the page's name), and the synopsis is given as an include.
"""
import os
import re
import subprocess
import sys
import tempfile


def nssim_output(nssim, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("NSSIM_SCRIPTS", None)
    r = subprocess.run([nssim, *args], capture_output=True, text=True, env=env, check=True)
    return r.stdout.replace("\u2026", "...")


def description(nssim, command):
    """The command's line in `nssim --help`, lower-cased like a NAME line."""
    for line in nssim_output(nssim, "--help").splitlines():
        m = re.match(r"  (\S+) +(\S.*)$", line)
        if m and m.group(1) == command:
            d = m.group(2)
            return d[0].lower() + d[1:]
    sys.exit(f"manpage.py: '{command}' is not in nssim --help")


def roff_synopsis(usage):
    """'nssim run [OPTION...] SCENARIO.lua' as a SYNOPSIS: command bold,
    arguments italic, brackets and dots roman."""
    words = usage.split()
    n = 2 if len(words) > 1 and words[1].islower() else 1
    out = [".B " + " ".join(words[:n])]
    args = []
    for w in words[n:]:
        w = re.sub(r"([A-Z][A-Za-z0-9_.]*)", r"\\fI\1\\fR", w)
        args.append(w.replace("-", "\\-"))
    if args:
        out.append(" ".join(args))
    return "\n".join(out) + "\n"


def split_help(text):
    """(synopsis, help text in help2man's form)"""
    m = re.match(r"Usage:[ \n]\s*(.*)\n", text)
    if not m:
        sys.exit("manpage.py: no 'Usage:' at the start of the help text")
    usage = m.group(1).strip()
    rest = text[m.end():]
    # -h is the only help option: one Options list, -h first
    rest = re.sub(r"\nHelp Options:\n(  .*\n)+", "\n", rest)
    rest = rest.replace("\nApplication Options:\n",
                        "\nOptions:\n  -h, --help                Show this help\n")
    return usage, rest.strip("\n") + "\n"


def main():
    help2man, nssim, command, version, datadir, output, *includes = sys.argv[1:]
    page = "nssim" if command == "nssim" else "nssim-" + command
    subst = {"@PKGDATADIR@": os.path.join(datadir, "nssim"),
             "@DOCDIR@": os.path.join(datadir, "doc", "nssim")}

    with tempfile.TemporaryDirectory() as tmp:
        if command == "nssim":
            usage, text = split_help(nssim_output(nssim, "--help"))
            name = None  # from the include
        else:
            usage, text = split_help(nssim_output(nssim, command, "--help"))
            name = description(nssim, command)
        with open(os.path.join(tmp, "help.txt"), "w") as f:
            f.write(text)
        prog = os.path.join(tmp, page)
        with open(prog, "w") as f:
            f.write("#!/bin/sh\ncat \"$(dirname \"$0\")/help.txt\"\n")
        os.chmod(prog, 0o755)

        include = os.path.join(tmp, "page.x")
        with open(include, "w") as f:
            f.write("[SYNOPSIS]\n" + roff_synopsis(usage))
            for inc in includes:
                with open(inc) as i:
                    t = i.read()
                for k, v in subst.items():
                    t = t.replace(k, v)
                f.write(t if t.endswith("\n") else t + "\n")

        args = [help2man, "--no-info", "--section=1", "--source=nssim " + version,
                "--version-string=" + version,
                "--include=" + include, "--output=" + output]
        if name:
            args.append("--name=" + name)
        args.append(prog)
        subprocess.run(args, check=True)


if __name__ == "__main__":
    main()
