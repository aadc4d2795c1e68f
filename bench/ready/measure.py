#!/usr/bin/env python3
"""One cold start of `next dev` in a sample tree, measured from outside.

usage: measure.py --web WEB_DIR --label LABEL --out RESULTS.jsonl --port PORT
                  [--probe PATH ...] [--max-load L] [--log FILE] -- CMD...

First waits (up to --load-timeout seconds) until the 1-minute load average
is below --max-load, so a start does not share the CPU with another
bench's leftovers. CMD runs in WEB_DIR in its own process group, with .next
removed first; with --log every line it prints goes to FILE.
Recorded: ready_s (spawn -> the line saying Ready), next_ready_s (Next's
own "Ready in …"), every compile line printed before Ready (name, seconds,
modules when webpack prints them), then after Ready each --probe path is
requested once: its status and seconds, and the compile lines that follow.
The process group is stopped at the end. Appends one JSON object per run.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
COMPILED = re.compile(r"Compiled (.+?) in ([\d.]+)(ms|s|min)(?: \((\d+) modules\))?")
READY = re.compile(r"Ready in ([\d.]+)(ms|s|min)")
UNIT = {"ms": 0.001, "s": 1.0, "min": 60.0}


def get(url, timeout=900):
    t = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"accept": "text/html"}), timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except Exception as e:  # noqa: BLE001 - a failed probe is data
        return None, time.monotonic() - t, str(e)
    return status, time.monotonic() - t, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--web", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--probe", action="append", default=[])
    ap.add_argument("--ready-timeout", type=float, default=1200)
    ap.add_argument("--max-load", type=float, default=None)
    ap.add_argument("--load-timeout", type=float, default=1800)
    ap.add_argument("--log", default=None)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    waited = time.monotonic()
    while a.max_load is not None and os.getloadavg()[0] >= a.max_load \
            and time.monotonic() - waited < a.load_timeout:
        time.sleep(5)
    waited = time.monotonic() - waited
    shutil.rmtree(os.path.join(a.web, ".next"), ignore_errors=True)
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", FORCE_COLOR="0", NO_COLOR="1")
    load = os.getloadavg()[0]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=a.web, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", start_new_session=True)
    lines, ready = [], threading.Event()

    def read():
        for line in proc.stdout:
            line = ANSI.sub("", line.rstrip("\n"))
            lines.append((time.monotonic() - started, line))
            if READY.search(line):
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    res = {"label": a.label, "load_before": load, "load_wait_s": round(waited, 1), "cmd": " ".join(cmd)}
    try:
        while not ready.wait(1):
            if proc.poll() is not None:
                res["error"] = f"exited with {proc.returncode} before Ready"
                return
            if time.monotonic() - started > a.ready_timeout:
                res["error"] = f"not ready in {a.ready_timeout} s"
                return
        res["ready_s"] = time.monotonic() - started
        upto = len(lines)
        for _, line in lines[:upto]:
            m = READY.search(line)
            if m:
                res["next_ready_s"] = float(m.group(1)) * UNIT[m.group(2)]
        res["before_ready"] = [
            {"name": m.group(1), "s": float(m.group(2)) * UNIT[m.group(3)],
             "modules": int(m.group(4)) if m.group(4) else None}
            for _, line in lines[:upto] for m in [COMPILED.search(line)] if m]
        probes = []
        for path in a.probe:
            status, took, err = get(f"http://127.0.0.1:{a.port}{path}")
            probes.append({"path": path, "status": status, "s": took, "error": err})
        res["probes"] = probes
        time.sleep(0.5)
        res["after_ready"] = [line for _, line in lines[upto:] if COMPILED.search(line) or "rror" in line][:20]
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        res["log_tail"] = [line for _, line in lines[-5:]] if "error" in res else None
        res["load_after"] = os.getloadavg()[0]
        if a.log:
            with open(a.log, "w") as f:
                f.writelines(f"{t:8.3f} {line}\n" for t, line in lines)
        with open(a.out, "a") as f:
            f.write(json.dumps(res) + "\n")
        print(json.dumps({k: v for k, v in res.items() if k not in ("log_tail",)}))


if __name__ == "__main__":
    main()
