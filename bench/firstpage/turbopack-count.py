#!/usr/bin/env python3
"""Count the modules a real `next dev --turbopack` compiled for one route.

usage: turbopack-count.py WEB ROUTE [--port N] [--timeout S] [--max-load L] [--json OUT]
       turbopack-count.py --dist DIST            (count an existing .next)

With --max-load the server starts only once the 1-minute load average is
below L (the machine is shared; run it under a lock that other measurements
take too).

WEB is the Next.js app folder (apps/web of a bench tree). The script removes
WEB/.next, starts `next dev --turbopack` there (the `next` binary resolved
from WEB upwards), waits for Ready, requests ROUTE once, waits for the
response, stops the server (the whole process group it started) and counts
what Turbopack wrote.

Turbopack's development chunks name every module they define, one per
entry of the chunk's module map:

    "[project]/packages/ui/components/button/Button.tsx [app-client] (ecmascript)", ((__turbopack_context__) => {

A module is its path and layer (`app-client`, `app-ssr`, `app-rsc`; the
Pages Router's `client`/`ssr`); the variants Turbopack emits for one module
(`<locals>`, `<module evaluation>`, `<export X as Y>`, `(ecmascript, Next.js
Server Component)`, `(client reference proxy)`, `(ecmascript, async loader)`)
count once. `[externals]/x` entries are the server's external requests.
Chunks under .next/static are the client side, under .next/server the server
side; the server side is app-rsc + app-ssr. Output: one JSON object with
`client` and `server` totals, per layer, per group (npm package or workspace
folder, as `warmstart graph closure --by-package` groups them) and the
module list, so a prediction can be compared module by module.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

DEFINITION = re.compile(r'^"((?:\[project\]|\[externals\]|\[turbopack\]|\[next\])[^"]*)", \(\(__turbopack_context__', re.M)
LAYER = re.compile(r"^(.*?) \[([a-z-]+)\](.*)$")


def module_key(name):
    """(path, layer) of one chunk entry; None for what is not a module."""
    m = LAYER.match(name)
    if not m:
        return None
    path, layer, rest = m.group(1), m.group(2), m.group(3)
    if "(external" in rest or layer == "external":
        return (path, "external")
    return (path, layer)


def group_of(path):
    if path.startswith("[externals]/"):
        rest = path[len("[externals]/"):]
        parts = rest.split("/")
        return parts[0] + "/" + parts[1] if rest.startswith("@") and len(parts) > 1 else parts[0]
    if "/node_modules/" in path:
        rest = path.rsplit("/node_modules/", 1)[1]
        parts = rest.split("/")
        return parts[0] + "/" + parts[1] if rest.startswith("@") else parts[0]
    parts = path.replace("[project]/", "", 1).split("/")
    if path.startswith("[project]/") and len(parts) >= 3:
        return parts[0] + "/" + parts[1]
    return parts[0]


def count(dist):
    sides = {"client": set(), "server": set()}
    for side, sub in (("client", "static"), ("server", "server")):
        top = os.path.join(dist, sub)
        for folder, _, files in os.walk(top):
            for f in files:
                if not f.endswith(".js"):
                    continue
                with open(os.path.join(folder, f), errors="replace") as fh:
                    text = fh.read()
                for m in DEFINITION.finditer(text):
                    key = module_key(m.group(1))
                    if key:
                        sides[side].add(key)
    out = {}
    for side, keys in sides.items():
        layers, groups = {}, {}
        for path, layer in keys:
            layers[layer] = layers.get(layer, 0) + 1
            g = group_of(path)
            groups[g] = groups.get(g, 0) + 1
        out[side] = {
            "modules": len(keys),
            "layers": dict(sorted(layers.items())),
            "groups": dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))),
            "list": sorted(f"{p} [{l}]" for p, l in keys),
        }
    return out


def find_next(web):
    d = os.path.abspath(web)
    while True:
        cand = os.path.join(d, "node_modules", ".bin", "next")
        if os.path.exists(cand):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit(f"turbopack-count: no node_modules/.bin/next above {web}")
        d = parent


def wait_for_load(max_load, timeout):
    """Waits until the 1-minute load average is below max_load."""
    started = time.time()
    while True:
        with open("/proc/loadavg") as f:
            load = float(f.read().split()[0])
        if load < max_load:
            return load
        if time.time() - started > timeout:
            sys.exit(f"turbopack-count: load stayed at {load} (wanted < {max_load})")
        time.sleep(5)


def run(web, route, port, timeout, max_load=None):
    load = wait_for_load(max_load, timeout) if max_load else None
    dist = os.path.join(web, ".next")
    shutil.rmtree(dist, ignore_errors=True)
    log_path = os.path.join(web, "turbopack-count.log")
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", PORT=str(port))
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [find_next(web), "dev", "--turbopack", "-p", str(port)],
            cwd=web, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    started = time.time()
    try:
        while "Ready" not in open(log_path, errors="replace").read():
            if proc.poll() is not None or time.time() - started > timeout:
                sys.exit(f"turbopack-count: next dev did not get ready; see {log_path}")
            time.sleep(0.5)
        ready = time.time() - started
        t0 = time.time()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{route}", timeout=timeout) as r:
                status = r.status
                r.read()
        except urllib.error.HTTPError as e:
            status = e.code
        first = time.time() - t0
        # Chunks are written while the response streams; give the writer a
        # moment after the last byte.
        time.sleep(2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log = open(log_path, errors="replace").read()
    compiled = re.findall(r"Compiled (\S+) in ([\d.]+m?s)", log)
    result = count(dist)
    result.update({
        "route": route,
        "status": status,
        "load_at_start": load,
        "ready_s": round(ready, 2),
        "first_response_s": round(first, 2),
        "compiled": [{"route": r, "time": t} for r, t in compiled],
    })
    return result


def main():
    args = sys.argv[1:]
    if args[:1] == ["--dist"]:
        result = count(args[1])
    else:
        if len(args) < 2:
            sys.exit(__doc__)
        web, route = args[0], args[1]
        port = int(args[args.index("--port") + 1]) if "--port" in args else 3457
        timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 900
        max_load = float(args[args.index("--max-load") + 1]) if "--max-load" in args else None
        result = run(web, route, port, timeout, max_load)
    text = json.dumps(result, indent=2) + "\n"
    if "--json" in args:
        with open(args[args.index("--json") + 1], "w") as f:
            f.write(text)
        short = {k: v for k, v in result.items() if k not in ("client", "server")}
        for side in ("client", "server"):
            short[side] = {"modules": result[side]["modules"], "layers": result[side]["layers"]}
        print(json.dumps(short))
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
