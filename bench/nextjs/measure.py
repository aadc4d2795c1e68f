#!/usr/bin/env python3
"""One cold `next dev` run of a bench tree in one registry shape.

usage: measure.py TREE SHAPE RUN PORT RESULTS.jsonl LOGDIR APP

- switches the tree to SHAPE (shape.py, untimed) and removes apps/web/.next;
- starts `node node_modules/next/dist/bin/next dev` in apps/web in its own
  process group;
- ready_s: spawn -> the first "Ready" / "started server" line;
- page_s:  GET /apps after ready, request -> complete body (a page that
  reads every app's metadata);
- api_s:   then GET /api/integrations/APP/add, request -> complete body
  (the first request to one app's API route);
- the module counts of both compiles, from Next's "Compiled … (N modules)";
- static:  GET one of APP's statics, compared byte for byte with the source;
- peak RSS of the whole process tree (/proc, every 0.2 s) and the size of
  .next 3 s after the last request.
Appends one JSON object per run to RESULTS.jsonl.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.sysconf("SC_PAGE_SIZE")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
COMPILED = re.compile(r"Compiled (\S+) in [\d.]+m?s \((\d+) modules\)")


def rss_of_tree(root):
    """Sum of the RSS of `root` and all its descendants."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            table[int(d)] = (int(rest[1]), int(rest[21]) * PAGE)
        except (OSError, ValueError, IndexError):
            pass
    kids = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        if p in table:
            total += table[p][1]
        stack.extend(kids.get(p, []))
    return total


def du(path):
    total = 0
    for dp, _, names in os.walk(path):
        for n in names:
            try:
                total += os.lstat(os.path.join(dp, n)).st_blocks * 512
            except OSError:
                pass
    return total


def get(url, timeout=600):
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return time.monotonic() - t0, status, body


def main():
    tree, shape, run, port, results, logdir, app = sys.argv[1:8]
    tree = os.path.abspath(tree)
    web = os.path.join(tree, "apps/web")
    subprocess.run([sys.executable, os.path.join(HERE, "shape.py"), tree, shape], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(web, ".next"), ignore_errors=True)
    subprocess.run(["sync"])
    os.makedirs(logdir, exist_ok=True)
    logf = open(os.path.join(logdir, f"{shape}-{run}.log"), "w")
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", FORCE_COLOR="0", NO_COLOR="1")
    res = {"shape": shape, "run": int(run), "app": app, "load_before": os.getloadavg()[0]}
    t_spawn = time.monotonic()
    p = subprocess.Popen(
        ["node", os.path.join(tree, "node_modules/next/dist/bin/next"), "dev", "-H", "127.0.0.1", "-p", port],
        cwd=web, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)
    ready = threading.Event()
    compiled = []
    state = {"ready_s": None, "peak": 0}
    stop = threading.Event()

    def reader():
        for line in p.stdout:
            now = time.monotonic() - t_spawn
            clean = ANSI.sub("", line.rstrip("\n"))
            logf.write(f"[{now:8.3f}] {clean}\n")
            logf.flush()
            m = COMPILED.search(clean)
            if m:
                compiled.append((m.group(1), int(m.group(2))))
            if state["ready_s"] is None and ("Ready" in clean or "started server" in clean):
                state["ready_s"] = now
                ready.set()

    def sampler():
        while not stop.is_set():
            state["peak"] = max(state["peak"], rss_of_tree(p.pid))
            time.sleep(0.2)

    threading.Thread(target=reader, daemon=True).start()
    threading.Thread(target=sampler, daemon=True).start()
    try:
        if not ready.wait(300):
            raise RuntimeError("no Ready line within 300 s")
        res["ready_s"] = state["ready_s"]
        base = f"http://127.0.0.1:{port}"
        res["page_s"], res["page_status"], body = get(base + "/apps")
        res["page_apps_listed"] = body.count(b"<li>")
        res["api_s"], res["api_status"], body = get(base + f"/api/integrations/{app}/add")
        res["api_body"] = body.decode(errors="replace")[:200]
        static_dir = os.path.join(tree, "packages/app-store", app, "static")
        name = sorted(os.listdir(static_dir))[0]
        _, res["static_status"], body = get(base + f"/app-store/{app}/{name}")
        with open(os.path.join(static_dir, name), "rb") as f:
            res["static_bytes_ok"] = body == f.read()
        time.sleep(3)
        res["next_mb"] = du(os.path.join(web, ".next")) / 2**20
    except Exception as e:  # noqa: BLE001 - recorded in the results, the run goes on
        res["error"] = repr(e)
    finally:
        stop.set()
        time.sleep(0.3)
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    res["peak_rss_mb"] = state["peak"] / 2**20
    for route, n in compiled:
        if route == "/apps":
            res.setdefault("page_modules", n)
        elif route.startswith("/api/integrations"):
            res.setdefault("api_modules", n)
            res.setdefault("api_route", route)
    logf.close()
    with open(results, "a") as f:
        f.write(json.dumps(res) + "\n")
    print(json.dumps({k: res.get(k) for k in ("shape", "run", "ready_s", "page_s", "api_s", "api_modules",
                                              "peak_rss_mb", "next_mb", "api_status", "error") if k in res}))


if __name__ == "__main__":
    main()
