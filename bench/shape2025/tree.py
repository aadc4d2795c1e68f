#!/usr/bin/env python3
"""Helpers of bench/shape2025 on a sample tree.

usage: tree.py pin TREE PINS.json
       tree.py statics TREE [--json]

pin: writes the exact versions of PINS.json over the sample's ranges in
every package.json of TREE (only names the file already depends on), and
adds PINS.json's `add_root_dev` to the root devDependencies. Key order and
the rest of each file are kept.

statics: what apps/web/public/app-store holds and where it came from:
regular files (copied) vs symlinks (linked; each symlink's target, and
whether it resolves into packages/app-store, and whether warmstart's
assets manifest records it as a link it made), files reachable through it,
and a sha256 over (relative path, bytes) of every reachable file, so two
trees serving the same statics print the same digest.
"""
import hashlib
import json
import os
import sys

MANIFEST = "node_modules/.cache/warmstart/assets-v1/manifest.json"
SECTIONS = ("dependencies", "devDependencies", "peerDependencies")


def package_jsons(tree):
    for dirpath, dirs, files in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in ("node_modules", ".git", ".next", ".yarn")]
        if "package.json" in files:
            yield os.path.join(dirpath, "package.json")


def pin(tree, pins_file):
    with open(pins_file) as f:
        spec = json.load(f)
    changed = 0
    for path in sorted(package_jsons(tree)):
        with open(path) as f:
            pkg = json.load(f)
        before = json.dumps(pkg)
        for section in SECTIONS:
            deps = pkg.get(section) or {}
            for name in deps:
                if name in spec["pins"]:
                    deps[name] = spec["pins"][name]
        if os.path.samefile(os.path.dirname(path), tree):
            pkg.setdefault("devDependencies", {}).update(spec.get("add_root_dev", {}))
        if json.dumps(pkg) != before:
            with open(path, "w") as f:
                f.write(json.dumps(pkg, indent=2) + "\n")
            changed += 1
    print(f"pinned versions in {changed} package.json files")


def statics(tree):
    top = os.path.join(tree, "apps/web/public/app-store")
    store = os.path.realpath(os.path.join(tree, "packages/app-store"))
    out = {"exists": os.path.lexists(top), "regular_files": 0, "symlinks": 0, "symlinks_into_app_store": 0,
           "symlinks_in_warmstart_manifest": 0, "dirs": 0, "reachable_files": 0, "link_examples": []}
    # The links `warmstart assets setup` made are recorded in its manifest.
    manifest = {}
    try:
        with open(os.path.join(tree, MANIFEST)) as f:
            manifest = json.load(f).get("entries", {})
    except (OSError, ValueError):
        pass
    digest = hashlib.sha256()
    if not os.path.lexists(top):
        out["digest"] = None
        return out
    entries = []
    # Walk without following links: count what is on disk in public/.
    for dirpath, dirs, files in os.walk(top):
        for name in dirs + files:
            p = os.path.join(dirpath, name)
            if os.path.islink(p):
                out["symlinks"] += 1
                target = os.readlink(p)
                if os.path.realpath(p).startswith(store + os.sep):
                    out["symlinks_into_app_store"] += 1
                entry = manifest.get(os.path.relpath(p, tree).replace(os.sep, "/"), {})
                if entry.get("mode", "").endswith("symlink"):
                    out["symlinks_in_warmstart_manifest"] += 1
                if len(out["link_examples"]) < 2:
                    out["link_examples"].append(f"{os.path.relpath(p, tree)} -> {target}")
            elif name in dirs:
                out["dirs"] += 1
            else:
                out["regular_files"] += 1
    # Walk following links: what the server can serve.
    for dirpath, dirs, files in os.walk(top, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(dirpath, name)
            entries.append(os.path.relpath(p, top))
    for rel in sorted(entries):
        with open(os.path.join(top, rel), "rb") as f:
            data = f.read()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    out["reachable_files"] = len(entries)
    out["digest"] = digest.hexdigest()[:16]
    return out


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "pin":
        pin(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "statics":
        print(json.dumps(statics(sys.argv[2])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
