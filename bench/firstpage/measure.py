#!/usr/bin/env python3
"""One cold run of the real Cal.com dev server and its first page.

usage: measure.py CALREAL PORT ROUTE LABEL RESULTS.jsonl [SUGGESTIONS.json]

Removes apps/web/.next, starts `next dev` in apps/web in its own process
group (with WARMSTART_SUGGESTIONS=FILE when a suggestions file is given:
withWarmstart merges its optimizePackageImports entries), waits for Ready,
GETs ROUTE and times the complete response, reads Next's "Compiled ROUTE
in Xs (N modules)" lines (client and server compiles), samples the peak RSS
of the process tree, then stops the tree. Appends one JSON line.
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

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
COMPILED = re.compile(r"Compiled (\S+) in ([\d.]+)(ms|s) \((\d+) modules\)")
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root):
    kids, rss = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            kids.setdefault(int(rest[1]), []).append(int(d))
            rss[int(d)] = int(rest[21]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(kids.get(p, []))
    return total


def main():
    calreal, port, route, label, results = sys.argv[1:6]
    suggestions = sys.argv[6] if len(sys.argv) > 6 else None
    web = os.path.join(calreal, "apps/web")
    shutil.rmtree(os.path.join(web, ".next"), ignore_errors=True)
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", FORCE_COLOR="0", NO_COLOR="1")
    env.pop("WARMSTART_SUGGESTIONS", None)
    if suggestions:
        env["WARMSTART_SUGGESTIONS"] = os.path.abspath(suggestions)
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    started = time.monotonic()
    proc = subprocess.Popen(
        ["node", "../../node_modules/next/dist/bin/next", "dev", "-H", "127.0.0.1", "-p", port],
        cwd=web, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    lines, ready = [], threading.Event()

    def read():
        for line in proc.stdout:
            line = ANSI.sub("", line.rstrip("\n"))
            lines.append((time.monotonic() - started, line))
            if "Ready" in line or "started server" in line:
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.2)
    threading.Thread(target=sample, daemon=True).start()
    res = {"label": label, "route": route, "load_before": load, "suggestions": suggestions}
    try:
        if not ready.wait(300):
            res["error"] = "not ready in 300 s"
            return
        res["ready_s"] = time.monotonic() - started
        t = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{route}", timeout=600) as r:
                r.read()
                res["status"] = r.status
        except urllib.error.HTTPError as e:
            e.read()
            res["status"] = e.code
        res["first_response_s"] = time.monotonic() - t
        time.sleep(2)
        compiled = [m for _, l in lines for m in COMPILED.finditer(l)]
        mine = [m for m in compiled if m.group(1) == route]
        res["compiled"] = [m.group(0) for m in compiled]
        res["modules"] = sum(int(m.group(4)) for m in mine)
        res["compile_s"] = sum(float(m.group(2)) / (1000 if m.group(3) == "ms" else 1) for m in mine)
        res["warmstart_lines"] = [l for _, l in lines if "warmstart:" in l]
    finally:
        stop.set()
        res["peak_rss_mb"] = peak[0] / 2**20
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        with open(results, "a") as f:
            f.write(json.dumps(res) + "\n")
        print(json.dumps({k: v for k, v in res.items() if k not in ("compiled", "warmstart_lines")}))


if __name__ == "__main__":
    main()
