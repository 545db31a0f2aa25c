#!/usr/bin/env python3
"""Bash completion for nssim, from `nssim --help` and each command's --help.

Usage: completion.py NSSIM OUTPUT

Commands come from the Commands: list, each command's options (with and
without an argument) from its options list, what its positional argument
is from its usage line (SCENARIO.lua, DB, TRACE.db).  Option arguments
complete by their name (--db: *.db, --scripts and other DIR: directories,
FILE: any file) or, for the enumerations below, by value; the build fails
if a value listed here is not in the option's own help, so the two stay
the same.  Kernel names come from --kernel's help.
"""
import os
import re
import subprocess
import sys

VALUES = {
    "audit": ["off", "incremental", "full"],
    "lazy-tlb": ["refcount", "shootdown"],
    ("export", "format"): ["c", "jsonl", "perfetto"],
    ("report", "format"): ["text", "json", "csv"],
}
KERNEL_RE = re.compile(r"\b\d+\.\d+(?:-[a-z][a-z-]*[a-z])?\b")


def helptext(nssim, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    return subprocess.run([nssim, *args], capture_output=True, text=True, env=env,
                          check=True).stdout


def commands(nssim):
    text = helptext(nssim, "--help")
    block = text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def options(text):
    """[(short or None, long, metavar or None, help)] of a GOption --help"""
    out = []
    for m in re.finditer(r"^  (?:-(\w), )?--([\w-]+)(?:=(\S+))?\s+(.*)$", text, re.M):
        out.append((m.group(1), m.group(2), m.group(3), m.group(4)))
    return out


def positional(text):
    m = re.search(r"Usage:\s*nssim \w+(?: \[OPTION\S*\])?(.*)", text)
    words = m.group(1).split() if m else []
    kinds = set()
    for w in words:
        for alt in w.split("|"):
            if alt.endswith(".lua"):
                kinds.add("lua")
            elif alt.endswith(".db") or alt == "DB":
                kinds.add("db")
    return sorted(kinds)


def quote(words):
    return '"' + " ".join(words) + '"'


def main():
    nssim, output = sys.argv[1:]
    cmds = commands(nssim)
    per_cmd = {}
    kernels = []
    for c in cmds:
        text = helptext(nssim, c, "--help")
        opts = options(text)
        per_cmd[c] = (opts, positional(text))
        for _, name, _, h in opts:
            if name == "kernel":
                kernels += [k for k in KERNEL_RE.findall(h) if k not in kernels]
    if not kernels:
        sys.exit("completion.py: no kernel names in any --kernel help")

    lines = [
        "# bash completion for nssim(1); generated from its --help by data/completion.py",
        "",
        "_nssim_files()",
        "{",
        "\t# directories, and the files matching the globs given",
        "\tlocal IFS=$'\\n' glob",
        "\tcompopt -o filenames 2>/dev/null",
        "\tCOMPREPLY=($(compgen -d -- \"$cur\"))",
        "\tfor glob; do",
        "\t\tCOMPREPLY+=($(compgen -f -X \"!$glob\" -- \"$cur\"))",
        "\tdone",
        "}",
        "",
        "_nssim()",
        "{",
        "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i",
        "\t(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}",
        "\t# --opt=value: bash splits at '='",
        "\tif [[ $cur == = ]]; then",
        "\t\tcur=",
        "\telif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then",
        "\t\tprev=${COMP_WORDS[COMP_CWORD-2]}",
        "\tfi",
        "\tfor ((i = 1; i < COMP_CWORD; i++)); do",
        "\t\tcase ${COMP_WORDS[i]} in",
        "\t\t-*) ;;",
        "\t\t*) cmd=${COMP_WORDS[i]}; break ;;",
        "\t\tesac",
        "\tdone",
        "\tCOMPREPLY=()",
        "\tif [[ -z $cmd ]]; then",
        "\t\tCOMPREPLY=($(compgen -W " + quote(cmds + ["--help", "--version"])
        + " -- \"$cur\"))",
        "\t\treturn",
        "\tfi",
        "\tcase $cmd in",
    ]
    for c in cmds:
        opts, pos = per_cmd[c]
        lines.append(f"\t{c})")
        arg_cases = {}
        for short, name, meta, h in opts:
            if not meta:
                continue
            vals = VALUES.get((c, name)) or VALUES.get(name)
            if vals:
                for v in vals:
                    if not re.search(r"\b" + re.escape(v) + r"\b", h):
                        sys.exit(f"completion.py: nssim {c} --{name}: '{v}' is not in "
                                 f"its help: {h}")
                action = f"COMPREPLY=($(compgen -W {quote(vals)} -- \"$cur\"))"
            elif name == "kernel":
                action = f"COMPREPLY=($(compgen -W {quote(kernels)} -- \"$cur\"))"
            elif name == "db":
                action = "_nssim_files '*.db'"
            elif meta == "DIR":
                action = "_nssim_files"
            elif meta == "FILE":
                action = "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))"
            else:
                action = ":"   # a number, a pattern, KEY=VALUE: nothing to offer
            pats = [f"--{name}"] + ([f"-{short}"] if short else [])
            arg_cases.setdefault(action, []).extend(pats)
        if arg_cases:
            lines.append("\t\tcase $prev in")
            for action, pats in arg_cases.items():
                lines.append(f"\t\t{'|'.join(pats)})")
                lines.append(f"\t\t\t{action}")
                lines.append("\t\t\treturn ;;")
            lines.append("\t\tesac")
        longs = [f"--{name}" for _, name, _, _ in opts]
        if "--help" not in longs:
            longs.append("--help")
        lines.append("\t\tif [[ $cur == -* ]]; then")
        lines.append(f"\t\t\tCOMPREPLY=($(compgen -W {quote(longs)} -- \"$cur\"))")
        if pos:
            lines.append("\t\telse")
            lines.append("\t\t\t_nssim_files " + " ".join(f"'*.{k}'" for k in pos))
        lines.append("\t\tfi")
        lines.append("\t\t;;")
    lines += [
        "\tesac",
        "}",
        "complete -F _nssim nssim",
        "",
    ]
    with open(output, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
