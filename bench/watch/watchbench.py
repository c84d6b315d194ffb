#!/usr/bin/env python3
"""sb watch: notice latency and idle CPU, tmux control mode against polling (`--poll`), both
measured in the same run on a private tmux server (see bench/README.md, "Watching").

latency: a peer pane draws a permission menu (a small program that prints the screen when told
  and notes the moment it wrote it); the time until the first byte of the notice reaches the
  manager's pane (`sb agent --record`, a file watched every 2 ms). Between menus the peer draws an
  idle screen and the watcher is given 1.2-1.7 s (random) to see it, so each menu is a new one.
  Modes alternate in blocks, each block with a fresh watcher.
cpu: 20 idle peers (`sb agent`) plus the manager, `sb watch --notify gestor` for SECS seconds:
  utime+stime of the watcher and of every tmux client it started (reaped children and the live
  control clients), and the tmux server's own CPU time over the same seconds.
busy: the same with 5 peers that redraw a spinner line 12.5 times a second (a program named
  `claude`, as a busy agent's foreground is), BUSY_SECS seconds: what control mode costs when
  panes change all the time (informative; no target).

Usage: watchbench.py SB WORKDIR [--menus N] [--secs S] [--busy-secs S] [--json FILE]
"""

import argparse
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests/fixtures/screens/claude-code")
MENU = os.path.join(FIX, "45-bash-permission-prompt.txt")
IDLE = os.path.join(FIX, "42-mock-simple-reply-idle.txt")
TICK = os.sysconf("SC_CLK_TCK")

# The peer: draws the screen named on each line of its FIFO and notes when it wrote it.
PEER = r"""
import os, sys, time
fifo, log = sys.argv[1], sys.argv[2]
out = os.fdopen(1, "wb", buffering=0)
while True:
    with open(fifo) as f:
        for line in f:
            path = line.strip()
            if not path:
                continue
            data = open(path, "rb").read().replace(b"\n", b"\r\n")
            out.write(b"\x1b[H\x1b[2J" + data)
            t = time.clock_gettime(time.CLOCK_MONOTONIC)
            with open(log, "a") as l:
                l.write("%.6f %.6f\n" % (t, time.time()))
"""


class Env:
    def __init__(self, sb, work):
        self.sb, self.work = sb, work
        self.sock = os.path.join(work, "tmux.sock")
        self.env = dict(os.environ)
        self.env.update(
            HOME=os.path.join(work, "home"),
            SESSION_BRIDGE_DIR=os.path.join(work, "state"),
            SB_TMUX_SOCKET=self.sock,
            LANG="C.UTF-8",
        )
        for k in ("TMUX", "TMUX_PANE"):
            self.env.pop(k, None)
        os.makedirs(self.env["HOME"], exist_ok=True)
        self.session = None

    def tmux(self, *args):
        return subprocess.run(
            ["tmux", "-S", self.sock, "-f", "/dev/null", *args],
            check=True, capture_output=True, text=True, env=self.env,
        ).stdout.strip()

    def pane(self, cmd):
        if self.session is None:
            self.session = "bench"
            return self.tmux("new-session", "-d", "-P", "-F", "#{pane_id}", "-s", "bench",
                             "-x", "200", "-y", "50", cmd)
        return self.tmux("new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "bench:", cmd)

    def register(self, role, pane):
        subprocess.run([self.sb, "register", role, "--pane", pane], check=True,
                       capture_output=True, env=self.env)

    def watch(self, poll):
        args = [self.sb, "watch", "--notify", "gestor"] + (["--poll"] if poll else [])
        err = open(os.path.join(self.work, "watch.err"), "ab")
        return subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL, stderr=err)

    def stop(self, p):
        p.send_signal(signal.SIGINT)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def kill(self):
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], capture_output=True)


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def wait_ready(path, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end and size(path) == 0:
        time.sleep(0.02)


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def latency(sb, work, menus):
    e = Env(sb, os.path.join(work, "lat"))
    os.makedirs(e.work, exist_ok=True)
    rec = os.path.join(e.work, "gestor.rec")
    open(rec, "wb").close()
    fifo, log = os.path.join(e.work, "peer.fifo"), os.path.join(e.work, "peer.log")
    os.mkfifo(fifo)
    peer_py = os.path.join(e.work, "peer.py")
    open(peer_py, "w").write(PEER)
    try:
        gestor = e.pane(f"exec {sb} agent --record {rec} --think-ms 0")
        dev = e.pane(f"exec python3 {peer_py} {fifo} {log}")
        time.sleep(0.5)
        e.register("gestor", gestor)
        e.register("dev", dev)
        ff = open(fifo, "w")

        def draw(path):
            before = size(log)
            ff.write(path + "\n")
            ff.flush()
            end = time.time() + 5
            while size(log) == before and time.time() < end:
                time.sleep(0.001)
            mono, wall = open(log).read().split()[-2:]
            return float(mono), float(wall)

        draw(IDLE)
        res = {"control": [], "polling": []}
        walls = {"control": [], "polling": []}
        missed = {"control": 0, "polling": 0}
        blocks = 4
        per = max(1, menus // blocks)
        for b in range(blocks):
            for mode in ("control", "polling") if b % 2 == 0 else ("polling", "control"):
                w = e.watch(mode == "polling")
                time.sleep(1.5)
                for _ in range(per):
                    draw(IDLE)
                    time.sleep(random.uniform(1.2, 1.7))
                    before = size(rec)
                    t0, wall = draw(MENU)
                    walls[mode].append(wall)
                    end = time.time() + 5
                    while size(rec) == before and time.time() < end:
                        time.sleep(0.002)
                    t1 = time.clock_gettime(time.CLOCK_MONOTONIC)
                    if size(rec) == before:
                        missed[mode] += 1
                    else:
                        res[mode].append((t1 - t0) * 1000.0)
                    time.sleep(0.3)
                e.stop(w)
        ff.close()
        # The watcher's own part: menu drawn → its transition logged (events.jsonl, ms stamps).
        seen = []
        for line in open(os.path.join(e.env["SESSION_BRIDGE_DIR"], "events.jsonl")):
            ev = json.loads(line)
            if ev.get("kind") == "transition" and ev.get("to") == "waiting_select":
                seen.append(datetime.datetime.fromisoformat(ev["ts"].replace("Z", "+00:00")).timestamp())
        detect = {}
        for mode, ws in walls.items():
            detect[mode] = [(min((t for t in seen if t >= w - 0.002), default=w) - w) * 1000.0
                            for w in ws]
        return res, missed, detect
    finally:
        e.kill()


def proc_stat(pid):
    try:
        raw = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    f = raw[raw.rindex(")") + 2:].split()
    # fields from 3 (state): ppid=f[1], utime=f[11], stime=f[12], cutime=f[13], cstime=f[14]
    return int(f[1]), int(f[11]), int(f[12]), int(f[13]), int(f[14])


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            s = proc_stat(int(d))
            if s and s[0] == pid:
                out.append(int(d))
    return out


def cpu_of(pid):
    """utime+stime of pid, its reaped children and its live children, in seconds."""
    s = proc_stat(pid)
    if not s:
        return None
    total = s[1] + s[2] + s[3] + s[4]
    for c in children(pid):
        cs = proc_stat(c)
        if cs:
            total += cs[1] + cs[2] + cs[3] + cs[4]
    return total / TICK


def server_cpu(pid):
    s = proc_stat(pid)
    return (s[1] + s[2]) / TICK if s else 0.0


SPIN = r"""
import sys, time
frames = "\u280b\u2819\u2839\u2838\u283c\u2834\u2826\u2827\u2807\u280f"
sys.stdout.write(open(sys.argv[1]).read().replace("\n", "\r\n"))
sys.stdout.flush()
i = 0
while True:
    sys.stdout.write("\x1b[20;3H%s Working... (%ds - esc to interrupt)" % (frames[i % 10], i // 12))
    sys.stdout.flush()
    i += 1
    time.sleep(0.08)
"""


def cpu(sb, work, secs, peers=20, busy=False):
    e = Env(sb, os.path.join(work, "busy" if busy else "cpu"))
    os.makedirs(e.work, exist_ok=True)
    try:
        gestor = e.pane(f"exec {sb} agent --record /dev/null")
        e.register("gestor", gestor)
        if busy:
            spin = os.path.join(e.work, "spin.py")
            open(spin, "w").write(SPIN)
            claude = os.path.join(e.work, "claude")
            subprocess.run(["cp", sys.executable, claude], check=True)
        for i in range(peers):
            cmd = f"exec {claude} {spin} {IDLE}" if busy else f"exec {sb} agent --record /dev/null"
            e.register(f"peer{i:02}", e.pane(cmd))
        time.sleep(1.0)
        server = int(e.tmux("display-message", "-p", "#{pid}"))
        out = {}
        for mode in ("control", "polling"):
            w = e.watch(mode == "polling")
            time.sleep(3.0)  # the first round looks at every peer: not part of the idle cost
            a, sa, t = cpu_of(w.pid), server_cpu(server), time.time()
            time.sleep(secs)
            b, sb_, t2 = cpu_of(w.pid), server_cpu(server), time.time()
            e.stop(w)
            out[mode] = {"watch_s": b - a, "server_s": sb_ - sa, "wall_s": t2 - t}
        return out
    finally:
        e.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sb")
    ap.add_argument("work")
    ap.add_argument("--menus", type=int, default=int(os.environ.get("BENCH_WATCH_MENUS", "32")))
    ap.add_argument("--secs", type=float, default=float(os.environ.get("BENCH_WATCH_SECS", "60")))
    ap.add_argument("--busy-secs", type=float,
                    default=float(os.environ.get("BENCH_WATCH_BUSY_SECS", "20")))
    ap.add_argument("--json")
    a = ap.parse_args()

    lat, missed, detect = latency(a.sb, a.work, a.menus)
    cpus = cpu(a.sb, a.work, a.secs)
    busy = cpu(a.sb, a.work, a.busy_secs, peers=5, busy=True)

    print("| notice latency (menu drawn → first byte in the manager's pane) | menus | p50 ms | p95 ms | max ms | missed |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode, label in (("control", "control mode"), ("polling", "polling (`--poll`, 1 s)")):
        xs = lat[mode]
        print(f"| {label} | {len(xs)} | {pct(xs, 50):.0f} | {pct(xs, 95):.0f} | "
              f"{max(xs) if xs else float('nan'):.0f} | {missed[mode]} |")
    print("\n| of which the watcher (menu drawn → transition logged) | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    for mode, label in (("control", "control mode"), ("polling", "polling (`--poll`, 1 s)")):
        xs = detect[mode]
        print(f"| {label} | {pct(xs, 50):.0f} | {pct(xs, 95):.0f} | {max(xs) if xs else float('nan'):.0f} |")
    print("\n(the rest is the notice's `send`: write-ahead fdatasync of two logs and a tmux paste)")
    c50, p50 = pct(lat["control"], 50), pct(lat["polling"], 50)
    c95 = pct(lat["control"], 95)
    ok = "ok" if c50 <= 250 and c95 <= 250 else "**over**"
    print(f"\ncontrol p50 {c50:.0f} ms / p95 {c95:.0f} ms (target ≤ 250 ms: {ok}); "
          f"polling p50 / control p50 = {p50 / c50:.1f}×\n")
    print(f"| idle CPU, 20 peers, {a.secs:.0f} s | sb watch + its tmux clients | % of a core | tmux server | total |")
    print("|---|---:|---:|---:|---:|")
    for mode, label in (("control", "control mode"), ("polling", "polling (`--poll`, 1 s)")):
        c = cpus[mode]
        print(f"| {label} | {c['watch_s']:.2f} s | {100 * c['watch_s'] / c['wall_s']:.2f}% | "
              f"{c['server_s']:.2f} s | {c['watch_s'] + c['server_s']:.2f} s |")
    wc, wp = cpus["control"]["watch_s"], cpus["polling"]["watch_s"]
    tc = wc + cpus["control"]["server_s"]
    tp = wp + cpus["polling"]["server_s"]
    tick = 1.0 / TICK  # /proc counts in ticks: a zero is "less than one tick"
    ratio = wp / max(wc, tick)
    ge = "≥ " if wc < tick else ""
    ok = "ok" if ratio >= 5 else "**under**"
    print(f"\nsb watch CPU, polling / control = {ge}{ratio:.1f}× (target ≥ 5×: {ok}); "
          f"with the tmux server's share: {tp / max(tc, tick):.1f}×")
    print(f"\n| busy CPU, 5 peers redrawing 12.5×/s, {a.busy_secs:.0f} s | sb watch + its tmux clients | % of a core | tmux server |")
    print("|---|---:|---:|---:|")
    for mode, label in (("control", "control mode"), ("polling", "polling (`--poll`, 1 s)")):
        c = busy[mode]
        print(f"| {label} | {c['watch_s']:.2f} s | {100 * c['watch_s'] / c['wall_s']:.2f}% | "
              f"{c['server_s']:.2f} s |")
    if a.json:
        json.dump({"latency_ms": lat, "detect_ms": detect, "missed": missed, "cpu": cpus,
                   "busy": busy},
                  open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
