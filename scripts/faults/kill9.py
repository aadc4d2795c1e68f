#!/usr/bin/env python3
"""kill -9 warmstart at random moments, then check that nothing was lost.

Usage:
  kill9.py --bin target/release/warmstart --repo SAMPLE_COPY --runs 200
  kill9.py --bin ... --repo CALCOM_COPY --kills 80 --cmds assets,apps --git

The repository is modified in place (use a copy). Before the kills a copy
of it is made and the normal commands run there: that is the reference.
Each run picks a command (`assets setup`, `apps build`, `graph cycles` with
the cache), sometimes first undoes its outputs (`assets clean`, deleting the
generated registries, touching sources) so the run has real writing to do,
starts it, waits a random time up to about its normal duration, and sends
SIGKILL. Afterwards:

  1. one normal `assets setup`, `apps build` (and `graph cycles`) succeed and
     `assets validate` is green;
  2. every planted user file has its original bytes;
  3. the tree equals the reference byte for byte (files, link targets,
     folders; `.git` and the cache folder excluded) -- no half-written file;
  4. no `.warmstart-tmp-*` file is left anywhere (cache folder included);
  5. with --git: `git status --short` lists only ignored-or-expected paths
     and tracked generated files equal their committed bytes.

Prints a JSON summary; exits 1 when a check fails.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

TEMP_PREFIX = ".warmstart-tmp-"
SKIP_DIRS = {".git"}
CACHE_PART = os.path.join("node_modules", ".cache")

COMMANDS = {
    "assets": ["assets", "setup"],
    "apps": ["apps", "build"],
    "graph": ["graph", "cycles"],
}

USER_FILES = {
    # Next to what `assets setup` makes, inside the web app's public folder.
    "apps/web/public/app-store/USER-NOTES.txt": b"user notes: keep me\n",
    "apps/web/public/user-upload.bin": bytes(range(256)) * 64,
    # Next to the generated registries.
    "packages/app-store/USER-SCRATCH.md": b"# my scratch file\r\n\xef\xbb\xbfbom inside\n",
}


def run(bin_, repo, args, check=True):
    p = subprocess.run([bin_, *args, "-q", "--color", "never"], cwd=repo,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def normal_runs(bin_, repo, cmds):
    out = {}
    for c in cmds:
        rc, _, err = run(bin_, repo, COMMANDS[c])
        # `graph cycles` exits 1 when it finds cycles: that is an answer.
        ok = rc == 0 or (c == "graph" and rc == 1)
        out[c] = {"rc": rc, "ok": ok, "stderr": err[-400:]}
    if "assets" in cmds:
        rc, _, err = run(bin_, repo, ["assets", "validate"])
        out["validate"] = {"rc": rc, "ok": rc == 0, "stderr": err[-400:]}
    return out


def snapshot(repo):
    """path -> ('f', sha256) | ('l', target) | ('d',), links not followed."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        rel_dir = os.path.relpath(dirpath, repo)
        dirnames[:] = [d for d in dirnames
                       if d not in SKIP_DIRS and not os.path.join(rel_dir, d).endswith(CACHE_PART)]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if os.path.islink(path):
                snap[rel] = ("l", os.readlink(path))
                # os.walk lists a link to a folder among dirnames but does
                # not descend into it: the target is what matters.
            elif os.path.isdir(path):
                snap[rel] = ("d",)
            else:
                with open(path, "rb") as f:
                    snap[rel] = ("f", hashlib.sha256(f.read()).hexdigest())
    return snap


def temp_files(repo):
    found = []
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in dirnames + filenames:
            if name.startswith(TEMP_PREFIX):
                found.append(os.path.relpath(os.path.join(dirpath, name), repo))
    return sorted(found)


def undo_outputs(bin_, repo, cmd, rng):
    """Make the next run of `cmd` write for real."""
    if cmd == "assets":
        run(bin_, repo, ["assets", "clean"])
    elif cmd == "apps":
        d = os.path.join(repo, "packages", "app-store")
        for name in os.listdir(d):
            if ".generated." in name and rng.random() < 0.7:
                os.remove(os.path.join(d, name))
    elif cmd == "graph":
        cache = os.path.join(repo, "node_modules", ".cache", "warmstart")
        if os.path.isdir(cache) and rng.random() < 0.5:
            for name in os.listdir(cache):
                if name.startswith("graph-"):
                    os.remove(os.path.join(cache, name))
        else:
            # New mtimes: every entry must be re-confirmed and the bucket saved.
            now = time.time() + rng.randint(1, 1000)
            for dirpath, dirnames, filenames in os.walk(os.path.join(repo, "packages")):
                for f in filenames:
                    if f.endswith((".ts", ".tsx")) and rng.random() < 0.3:
                        os.utime(os.path.join(dirpath, f), (now, now))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--kills", type=int, default=0,
                    help="run until this many processes were killed mid-run (overrides --runs)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cmds", default="assets,apps,graph")
    ap.add_argument("--git", action="store_true",
                    help="also compare with the committed tree (real Cal.com)")
    ap.add_argument("--no-reference", action="store_true",
                    help="skip the reference copy (big trees; --git checks instead)")
    args = ap.parse_args()
    bin_ = os.path.abspath(args.bin)
    repo = os.path.abspath(args.repo)
    cmds = args.cmds.split(",")
    rng = random.Random(args.seed)

    planted = {}
    for rel, data in USER_FILES.items():
        path = os.path.join(repo, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        planted[rel] = hashlib.sha256(data).hexdigest()

    # Each command's normal duration bounds its random kill delay.
    ref_dir = repo.rstrip("/") + ".reference"
    durations = {}
    reference = None
    if not args.no_reference:
        shutil.rmtree(ref_dir, ignore_errors=True)
        shutil.copytree(repo, ref_dir, symlinks=True)
    probe = repo if args.no_reference else ref_dir
    for c in cmds:
        undo_outputs(bin_, probe, c, random.Random(0)) if c != "graph" else None
        t = time.monotonic()
        run(bin_, probe, COMMANDS[c])
        durations[c] = max(time.monotonic() - t, 0.005)
    if not args.no_reference:
        ref_runs = normal_runs(bin_, ref_dir, cmds)
        reference = snapshot(ref_dir)
        if args.no_reference is False:
            shutil.rmtree(ref_dir, ignore_errors=True)
        if not all(r["ok"] for r in ref_runs.values()):
            print(json.dumps({"error": "reference run failed", "runs": ref_runs}, indent=1))
            return 1
    elif "assets" in cmds:
        run(bin_, repo, ["assets", "clean"])

    stats = {c: {"runs": 0, "killed": 0, "finished": 0} for c in cmds}
    temps_seen = 0
    i = 0
    while (sum(s["killed"] for s in stats.values()) < args.kills) if args.kills else i < args.runs:
        i += 1
        c = rng.choice(cmds)
        if rng.random() < 0.6:
            undo_outputs(bin_, repo, c, rng)
        delay = rng.uniform(0, durations[c] * 1.2)
        p = subprocess.Popen([bin_, *COMMANDS[c], "-q", "--color", "never"], cwd=repo,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            stats[c]["killed"] += 1
        else:
            stats[c]["finished"] += 1
        p.wait()
        stats[c]["runs"] += 1
        if i % 10 == 0:
            temps_seen += len(temp_files(repo))

    temps_before = temp_files(repo)
    final = normal_runs(bin_, repo, cmds)
    problems = []
    for name, r in final.items():
        if not r["ok"]:
            problems.append(f"final `{name}` failed (rc {r['rc']}): {r['stderr']}")
    for rel, digest in planted.items():
        path = os.path.join(repo, rel)
        if not os.path.isfile(path) or os.path.islink(path):
            problems.append(f"user file lost: {rel}")
            continue
        with open(path, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != digest:
                problems.append(f"user file changed: {rel}")
    if reference is not None:
        now = snapshot(repo)
        for rel in sorted(set(now) | set(reference)):
            if now.get(rel) != reference.get(rel):
                problems.append(f"differs from a clean run: {rel}: {reference.get(rel)} -> {now.get(rel)}")
    temps_after = temp_files(repo)
    for t in temps_after:
        problems.append(f"temp file left: {t}")
    git = None
    if args.git:
        status = subprocess.run(["git", "-C", repo, "status", "--short", "--untracked-files=all"],
                                stdout=subprocess.PIPE).stdout.decode(errors="replace").splitlines()
        user = set(USER_FILES)
        unexpected = [l for l in status if l[3:] not in user]
        git = {"status": status}
        for l in unexpected:
            problems.append(f"git status: {l}")
    summary = {
        "repo": repo, "seed": args.seed, "runs": i,
        "killed_mid_run": sum(s["killed"] for s in stats.values()), "per_command": stats,
        "normal_duration_s": {c: round(d, 3) for c, d in durations.items()},
        "temp_files_before_final_run": temps_before,
        "temp_files_seen_during_kills": temps_seen,
        "final_runs": {k: v["rc"] for k, v in final.items()},
        "user_files_checked": len(planted), "git": git,
        "problems": problems[:50], "problem_count": len(problems),
    }
    print(json.dumps(summary, indent=1))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
