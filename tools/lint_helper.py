#!/usr/bin/env python3
"""Helpers for tools/lint; not meant to be run by hand.

  lint_helper.py compdb WORKSPACE EXECROOT < aquery.json > compile_commands.json
      Turns `bazel aquery --output=jsonproto` over CppCompile actions into a
      clang compilation database for the project's own .cc files (swim/ sim/
      net/ tools/ bench/ tests/, not tests/consumer/ or third_party/).
      Commands run in Bazel's execution root, so external/ and bazel-out/
      include paths resolve; the source file and the `-iquote .` include
      path point into the work tree, so findings and fixes name the real
      files. g++-only flags and output flags are dropped.

  lint_helper.py report FILE.txt...
      Prints the clang-tidy findings in FILE.txt... (one clang-tidy output
      each, its exit status in FILE.rc) once each (a header's finding shows
      up in every file that includes it), then a count per check; exits 1
      if there was any finding, or if clang-tidy failed without one.
"""

import collections
import json
import os
import re
import sys

PROJECT_DIRS = ("swim/", "sim/", "net/", "tools/", "bench/", "tests/")
EXCLUDED_DIRS = ("tests/consumer/", "third_party/")

# g++ flags clang does not know, and flags that only name outputs.
DROP = {"-fno-canonical-system-headers", "-MD", "-MMD"}
DROP_WITH_VALUE = {"-MF", "-o"}
DROP_PREFIXES = ("-frandom-seed=",)


def is_project_source(path):
    return (path.endswith(".cc") and path.startswith(PROJECT_DIRS) and
            not path.startswith(EXCLUDED_DIRS))


def compdb(workspace, execroot):
    aquery = json.load(sys.stdin)
    entries = {}
    for action in aquery.get("actions", []):
        if action.get("mnemonic") != "CppCompile":
            continue
        args = action["arguments"]
        try:
            source = args[args.index("-c") + 1]
        except (ValueError, IndexError):
            continue
        if not is_project_source(source):
            continue
        command = ["clang++"]
        i = 1
        while i < len(args):
            arg = args[i]
            if arg in DROP or arg.startswith(DROP_PREFIXES):
                i += 1
                continue
            if arg in DROP_WITH_VALUE:
                i += 2
                continue
            if arg == "-iquote" and i + 1 < len(args) and args[i + 1] == ".":
                command += ["-iquote", workspace]
                i += 2
                continue
            if arg == "-c":
                command += ["-c", os.path.join(workspace, source)]
                i += 2
                continue
            command.append(arg)
            i += 1
        # A file compiled by several targets (e.g. twice with other flags) is
        # checked once, with the first command.
        entries.setdefault(source, {
            "directory": execroot,
            "file": os.path.join(workspace, source),
            "arguments": command,
        })
    json.dump([entries[key] for key in sorted(entries)], sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


FINDING = re.compile(r"^(/[^:]+):(\d+):(\d+): (warning|error): .*\[([^\]]+)\]$")
NOISE = re.compile(r"^(\d+ warnings? (generated|treated as errors)\.|"
                   r"Suppressed \d+ warnings.*|Use -header-filter=.*|"
                   r"Error while processing .*|Found compiler errors?.*)$")


def report(paths):
    cwd = os.getcwd() + "/"
    seen = set()
    blocks = []
    other = []
    failed = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        block = None
        found = False
        for line in lines:
            if FINDING.match(line):
                block = [line]
                blocks.append(block)
                found = True
            elif block is not None and not NOISE.match(line):
                block.append(line)
            elif not NOISE.match(line) and line.strip():
                other.append(line)
        rc_path = path[:-len(".txt")] + ".rc"
        if not found and os.path.exists(rc_path):
            with open(rc_path, encoding="utf-8") as f:
                if f.read().strip() != "0":
                    failed.append(path)
    per_check = collections.Counter()
    printed = 0
    for block in blocks:
        key = "\n".join(block)
        if key in seen:
            continue
        seen.add(key)
        match = FINDING.match(block[0])
        checks = [c for c in match.group(5).split(",")
                  if c != "-warnings-as-errors"]
        for check in checks:
            per_check[check] += 1
        printed += 1
        for line in block:
            print(line.replace(cwd, "", 1) if line.startswith(cwd) else line)
    for line in other:
        print(line)
    for path in failed:
        print(f"tools/lint: clang-tidy failed ({os.path.basename(path)})",
              file=sys.stderr)
    if printed:
        print(f"\ntools/lint: {printed} finding(s):", file=sys.stderr)
        for check, count in sorted(per_check.items()):
            print(f"  {count:4d} {check}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "compdb":
        return compdb(os.path.abspath(argv[2]), argv[3])
    if len(argv) >= 2 and argv[1] == "report":
        return report(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
