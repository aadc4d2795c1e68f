#!/usr/bin/env python3
"""New TypeScript errors between two bench/barrels/typecheck.sh runs.

usage: tsc-diff.py BEFORE_DIR AFTER_DIR

Errors are compared per package as (file, code, message) — line numbers
move when imports are rewritten — counting repeats. Prints the errors only
AFTER has and exits 1 when there is any. In a message, the members of an
object type are compared as a set: tsc prints an inferred type's
properties in the order it met them, which moves when the files are
checked in another order (`{ id; name; metadata; theme }` before,
`{ id; name; theme; metadata }` after, the same error).
"""
import collections
import os
import re
import sys

OBJECT = re.compile(r"\{ ([^{}]*) \}")


def canonical(msg):
    """The message with every innermost `{ a; b; ... }` member list sorted."""
    def sort(m):
        return "{{ {} }}".format("; ".join(sorted(x.strip() for x in m.group(1).split(";") if x.strip())))
    prev = None
    while prev != msg:
        prev, msg = msg, OBJECT.sub(lambda m: sort(m).replace("{", "\x00").replace("}", "\x01"), msg)
    return msg.replace("\x00", "{").replace("\x01", "}")


LINE = re.compile(r"^(?P<file>[^(\s][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<msg>.*)$")


def errors(path):
    out = collections.Counter()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                out[(m["file"], m["code"], canonical(m["msg"]))] += 1
    return out


def main():
    before, after = sys.argv[1], sys.argv[2]
    new_total = 0
    for name in sorted(os.listdir(after)):
        if not name.endswith(".txt") or name == "exit-codes.txt":
            continue
        b = errors(os.path.join(before, name)) if os.path.exists(os.path.join(before, name)) else collections.Counter()
        a = errors(os.path.join(after, name))
        new = a - b
        gone = b - a
        print(f"{name[:-4]}: {sum(b.values())} errors before, {sum(a.values())} after, {sum(new.values())} new, {sum(gone.values())} gone")
        for (file, code, msg), n in sorted(new.items()):
            print(f"  NEW {file}: {code} {msg}" + (f" (x{n})" if n > 1 else ""))
        new_total += sum(new.values())
    sys.exit(1 if new_total else 0)


if __name__ == "__main__":
    main()
