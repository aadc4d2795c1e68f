#!/usr/bin/env python3
"""One start of a dev server in a Cal.com tree, measured from outside.

usage: measure.py --tree TREE --label LABEL --out RESULTS.jsonl --port PORT
                  [--cold] [--delay S] [--hmr FILE] [--statics P,P,...]
                  [--api PATH] [--route PATH] -- CMD...

CMD runs in TREE/apps/web in its own process group. Measured, all from the
spawn of CMD (so `warmstart dev`'s prepare phase counts against it):

- ready_s: the first line saying Ready;
- route_*: after Ready (+ --delay seconds: a person switching to the
  browser), GET ROUTE: its request time, status, and `route_after_start_s`,
  spawn -> complete answer (what pre-warming can shorten); the modules of
  Next's `Compiled ROUTE in … (N modules)` line;
- api_*: then GET the API path (the first API route);
- statics: sha256 and status of each static path (same bytes in every
  configuration is part of the bar);
- hmr_s: with --hmr FILE (a page under apps/web), GET its route, append a
  marker comment-free text change to the file, poll until the body
  changes; the file is restored byte for byte afterwards;
- peak_rss_mb of the process tree (every 0.2 s), next_mb (size of .next
  after the server stopped).

Appends one JSON object per run to RESULTS.jsonl and prints it.
"""
import argparse
import hashlib
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
COMPILED = re.compile(r"Compiled (\S+) in ([\d.]+)(ms|s|min)(?: \((\d+) modules\))?")
# A recompile after an edit: Next 13.5 prints `✓ Compiled in 1.2s (88 modules)`
# (no route), which COMPILED does not match.
RECOMPILED = re.compile(r"Compiled (?:\S+ )?in [\d.]+(?:ms|s|min)")
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


def du_mb(path):
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return total / 2**20


def get(url, timeout=900):
    t = time.monotonic()
    req = urllib.request.Request(url, headers={"accept": "text/html"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body = e.read()
        status = e.code
    except Exception as e:  # noqa: BLE001 - a failed probe is data
        return None, b"", time.monotonic() - t, str(e)
    return status, body, time.monotonic() - t, None


def compiled_modules(lines, route):
    n = [int(m.group(4)) for _, l in lines for m in COMPILED.finditer(l)
         if m.group(1) == route and m.group(4)]
    return max(n) if n else None


def hot_reload(base, web, page, lines, started):
    """Edit `page`, poll its route until the body changes; restore it.

    Also records `hmr_compile_s`: edit -> the dev server's next `Compiled`
    line (its own recompile after the watcher event). Where the page cannot
    render (Cal.com without a database answers 500 with the error page, so
    the body never shows the edit) that is the hot-reload figure left.
    """
    route = "/" + os.path.splitext(os.path.relpath(page, os.path.join(web, "pages")))[0]
    route = re.sub(r"/index$", "", route) or "/"
    status, before, _, err = get(base + route)
    if err or status is None:
        return {"hmr_error": f"GET {route}: {err or status}"}
    with open(page, "rb") as f:
        original = f.read()
    marker = f"warmstart-hmr-{int(time.time() * 1000)}"
    # A visible text change: the first JSX text node (after an element's
    # `>`, not an arrow's `=>`) gets the marker.
    text = original.decode()
    changed = re.sub(r"(?<![=])>([^<>{}\n]*\S[^<>{}\n]*)<", lambda m: f">{m.group(1)} {marker}<", text, count=1)
    if changed == text:
        return {"hmr_error": f"no JSX text in {page} to change"}
    seen = len(lines)
    t = time.monotonic()
    res = {"hmr_route": route, "hmr_status": status}

    def recompiled():
        for at, line in lines[seen:]:
            if RECOMPILED.search(line) and at + started >= t:
                res.setdefault("hmr_compile_s", at + started - t)
                return True
        return False
    try:
        with open(page, "w") as f:
            f.write(changed)
        deadline = t + 60
        while time.monotonic() < deadline:
            _, body, _, _ = get(base + route, timeout=60)
            recompiled()
            if marker.encode() in body:
                res["hmr_s"] = time.monotonic() - t
                return res
            time.sleep(0.05)
        while not recompiled() and time.monotonic() < deadline + 30:
            time.sleep(0.05)
        res["hmr_error"] = "the page never showed the edit within 60 s"
        return res
    finally:
        with open(page, "wb") as f:
            f.write(original)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--route", default="/auth/login")
    ap.add_argument("--api", default=None)
    ap.add_argument("--statics", default="")
    ap.add_argument("--hmr", default=None)
    ap.add_argument("--ready-timeout", type=float, default=400)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    web = os.path.join(a.tree, "apps/web")
    if a.cold:
        shutil.rmtree(os.path.join(web, ".next"), ignore_errors=True)
    base = f"http://127.0.0.1:{a.port}"
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", FORCE_COLOR="0", NO_COLOR="1", PORT=a.port)
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=web, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", start_new_session=True)
    lines, ready = [], threading.Event()

    def read():
        for line in proc.stdout:
            line = ANSI.sub("", line.rstrip("\n"))
            lines.append((time.monotonic() - started, line))
            if re.search(r"Ready in|started server on", line):
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    peak, stop = [0], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.2)
    threading.Thread(target=sample, daemon=True).start()
    res = {"label": a.label, "cold": a.cold, "delay_s": a.delay, "load_before": load, "cmd": " ".join(cmd)}
    try:
        if not ready.wait(a.ready_timeout):
            res["error"] = f"not ready in {a.ready_timeout} s"
            return
        res["ready_s"] = time.monotonic() - started
        if a.delay:
            time.sleep(a.delay)
        status, body, took, err = get(base + a.route)
        res.update(route=a.route, route_status=status, route_s=took,
                   route_after_start_s=time.monotonic() - started, route_error=err,
                   route_bytes=len(body))
        time.sleep(1)
        res["route_modules"] = compiled_modules(lines, a.route)
        if a.api:
            status, _, took, err = get(base + a.api)
            res.update(api=a.api, api_status=status, api_s=took, api_error=err)
        statics = {}
        for p in filter(None, a.statics.split(",")):
            status, body, _, err = get(base + p, timeout=60)
            statics[p] = {"status": status, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
        res["statics"] = statics
        if a.hmr:
            res.update(hot_reload(base, web, os.path.join(a.tree, a.hmr), lines, started))
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
        res["next_mb"] = du_mb(os.path.join(web, ".next"))
        res["compiled"] = [l for _, l in lines if COMPILED.search(l)]
        res["warmstart_lines"] = [l for _, l in lines if "warmstart" in l]
        with open(a.out, "a") as f:
            f.write(json.dumps(res) + "\n")
        print(json.dumps({k: v for k, v in res.items() if k not in ("compiled", "warmstart_lines", "statics")}),
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
