#!/usr/bin/env python3
"""One cold start of a dev server in a bench/shape2025 tree, measured from outside.

usage: measure.py --tree TREE --label LABEL --out RESULTS.jsonl --logs DIR
                  [--cwd SUB] [--port N] [--route PATH] [--static PATH]
                  [--max-load L] [--max-wait S] -- CMD...

Before the start: waits (up to --max-wait s, default 300) for the 1-minute load to fall below
--max-load, checks that nothing listens on the port, removes
apps/web/.next and apps/web/public/app-store (so a copy script really
copies, and links are really made). CMD runs in TREE/SUB (default: TREE)
in its own session, with PORT set; everything is timed from its spawn:

- ready_s: the first line saying `Ready in`;
- route_*: then GET ROUTE (a page): status, request time, and
  route_after_start_s (spawn -> complete answer);
- static_*: then GET one app static: status, bytes, sha256;
- copy_line: the copy script's own line ("copied N app-store static
  files"), if it printed one; warmstart_lines: what warmstart printed;
- public_app_store: after the server stopped, what apps/web/public/app-store
  holds (regular files vs symlinks into packages/app-store, a digest of the
  files reachable through it: tree.py statics);
- peak_rss_mb of the process tree, next_mb (.next after the stop).

The server's whole output goes to DIR/LABEL-N.log. Appends one JSON object
to RESULTS.jsonl and prints it. Every process of the tree that outlives the
SIGINT to its session is ended by pid.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree as tree_py  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LOCAL = re.compile(r"Local:\s+https?://[^:/\s]+:(\d+)")
COPIED = re.compile(r"copied \d+ app-store static files")
PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_table():
    """pid -> (ppid, start time, rss bytes)."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            out[int(d)] = (int(rest[1]), int(rest[19]), int(rest[21]) * PAGE)
        except (OSError, ValueError, IndexError):
            pass
    return out


def descendants(root, table):
    kids = {}
    for pid, (ppid, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    seen, stack = [], [root]
    while stack:
        p = stack.pop()
        if p in table:
            seen.append(p)
        stack.extend(kids.get(p, []))
    return seen


def du_mb(path):
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return total / 2**20


def get(url, timeout=600):
    t = time.monotonic()
    req = urllib.request.Request(url, headers={"accept": "text/html"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    except Exception as e:  # noqa: BLE001 - a failed probe is data
        return None, b"", time.monotonic() - t, str(e)
    return status, body, time.monotonic() - t, None


def port_busy(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", int(port))) == 0


def wait_quiet(max_load, limit=300):
    t = time.monotonic()
    while True:
        with open("/proc/loadavg") as f:
            load = float(f.read().split()[0])
        if load < max_load or time.monotonic() - t > limit:
            return load
        time.sleep(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--cwd", default=".")
    ap.add_argument("--port", default="3000")
    ap.add_argument("--route", default="/auth/login")
    ap.add_argument("--static", default=None)
    ap.add_argument("--max-load", type=float, default=1.5)
    ap.add_argument("--max-wait", type=float, default=300)
    ap.add_argument("--ready-timeout", type=float, default=300)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    web = os.path.join(a.tree, "apps/web")
    load = wait_quiet(a.max_load, a.max_wait)
    if port_busy(a.port):
        print(f"error: something already listens on port {a.port}", file=sys.stderr)
        return 2
    shutil.rmtree(os.path.join(web, ".next"), ignore_errors=True)
    shutil.rmtree(os.path.join(web, "public/app-store"), ignore_errors=True)
    os.makedirs(a.logs, exist_ok=True)
    n = 1
    while os.path.exists(os.path.join(a.logs, f"{a.label}-{n}.log")):
        n += 1
    log_path = os.path.join(a.logs, f"{a.label}-{n}.log")
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", TURBO_TELEMETRY_DISABLED="1",
               FORCE_COLOR="0", NO_COLOR="1", PORT=str(a.port))
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=os.path.join(a.tree, a.cwd), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True)
    lines, ready, port = [], threading.Event(), [str(a.port)]

    def read():
        for line in proc.stdout:
            line = ANSI.sub("", line.rstrip("\n"))
            lines.append((time.monotonic() - started, line))
            m = LOCAL.search(line)
            if m and not ready.is_set():
                port[0] = m.group(1)
            if "Ready in" in line:
                ready.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    peak, stop, members = [0], threading.Event(), {}

    def sample():
        while not stop.is_set():
            table = proc_table()
            tree = descendants(proc.pid, table)
            for p in tree:
                members[p] = table[p][1]
            peak[0] = max(peak[0], sum(table[p][2] for p in tree))
            time.sleep(0.2)
    threading.Thread(target=sample, daemon=True).start()
    res = {"label": a.label, "run": n, "load_before": load, "cmd": " ".join(cmd), "cwd": a.cwd}
    try:
        if not ready.wait(a.ready_timeout):
            res["error"] = f"not ready in {a.ready_timeout} s (exit {proc.poll()})"
            return 1
        res["ready_s"] = time.monotonic() - started
        res["port"] = port[0]
        base = f"http://127.0.0.1:{port[0]}"
        status, body, took, err = get(base + a.route)
        res.update(route=a.route, route_status=status, route_s=took,
                   route_after_start_s=time.monotonic() - started, route_error=err, route_bytes=len(body))
        if a.static:
            status, body, _, err = get(base + a.static, timeout=60)
            res.update(static=a.static, static_status=status, static_bytes=len(body),
                       static_sha256=hashlib.sha256(body).hexdigest(), static_error=err)
    finally:
        stop.set()
        res["peak_rss_mb"] = peak[0] / 2**20
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        # A child in a session of its own (turbo's) may outlive the signal:
        # give the tree 10 s, then end each process of this run that is
        # still there, by pid (the start time guards against a reused pid).
        deadline = time.monotonic() + 10
        while True:
            table = proc_table()
            left = [p for p, st in members.items() if p in table and table[p][1] == st]
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        res["left_after_sigint"] = len(left)
        reader.join(5)
        res["next_mb"] = du_mb(os.path.join(web, ".next"))
        res["public_app_store"] = tree_py.statics(a.tree)
        copy = [l for _, l in lines if COPIED.search(l)]
        res["copy_line"] = copy[0] if copy else None
        res["warmstart_lines"] = [l for _, l in lines if "warmstart" in l.lower()][:40]
        with open(log_path, "w") as f:
            f.writelines(f"{t:8.2f}  {l}\n" for t, l in lines)
        with open(a.out, "a") as f:
            f.write(json.dumps(res) + "\n")
        print(json.dumps({k: v for k, v in res.items() if k not in ("warmstart_lines",)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
