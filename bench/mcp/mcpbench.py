#!/usr/bin/env python3
"""Raw JSON-RPC benchmark client for `sb mcp` (stdlib only; see bench/mcp/README.md).

Speaks newline-delimited JSON-RPC over the server's stdin/stdout pipes, with no SDK in between,
and times each request from the write to the parsed response. Measures, on one warm connection:
ping (baseline), list_peers and history round trips, 2,000 calls with 10 requests in flight, and
the server's idle RSS after initialize. Prints a Markdown report and writes JSON with --json-out.

Usage: mcpbench.py --sb PATH [--calls N] [--concurrent-calls N] [--in-flight N] [--json-out FILE]
The environment (SESSION_BRIDGE_DIR, SB_TMUX_SOCKET, HOME) is passed through to the server.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import time

TIMEOUT_S = 30.0


class Conn:
    """One `sb mcp` process and a line reader over its stdout with a timeout."""

    def __init__(self, sb: str, env: dict[str, str]) -> None:
        self.p = subprocess.Popen([sb, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env, bufsize=0)
        self.out = self.p.stdout.fileno()
        self.inp = self.p.stdin.fileno()
        self.buf = b""
        self.next_id = 0

    def send(self, method: str, params: dict | None = None) -> int:
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            msg["params"] = params
        os.write(self.inp, json.dumps(msg).encode() + b"\n")
        return self.next_id

    def notify(self, method: str) -> None:
        os.write(self.inp, json.dumps({"jsonrpc": "2.0", "method": method}).encode() + b"\n")

    def recv(self) -> dict:
        """The next message from the server (raises on timeout or EOF)."""
        while b"\n" not in self.buf:
            r, _, _ = select.select([self.out], [], [], TIMEOUT_S)
            if not r:
                raise TimeoutError(f"no response within {TIMEOUT_S}s")
            chunk = os.read(self.out, 1 << 20)
            if not chunk:
                raise EOFError("sb mcp closed stdout")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, method: str, params: dict | None = None) -> dict:
        want = self.send(method, params)
        msg = self.recv()
        if msg.get("id") != want:
            raise RuntimeError(f"expected the response to {want}, got {msg}")
        return msg

    def initialize(self) -> dict:
        r = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "sb-bench", "version": "1"}})
        self.notify("notifications/initialized")
        return r["result"]

    def rss_kb(self) -> int:
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def close(self) -> int:
        self.p.stdin.close()
        try:
            return self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return -9


def failed(msg: dict) -> str | None:
    """Why a response counts as an error (a JSON-RPC error or a tool error), else None."""
    if "error" in msg:
        return json.dumps(msg["error"])
    res = msg.get("result", {})
    if res.get("isError"):
        return json.dumps(res.get("content"))
    return None


def call_params(tool: str, args: dict) -> dict:
    return {"name": tool, "arguments": args}


def sequential(c: Conn, method: str, params: dict | None, n: int, warmup: int) -> dict:
    """Round trips of one request at a time: latencies in ms."""
    errors = 0
    for _ in range(warmup):
        errors += failed(c.request(method, params)) is not None
    lat = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        msg = c.request(method, params)
        lat.append((time.perf_counter_ns() - t0) / 1e6)
        if failed(msg):
            errors += 1
    return summary(lat, errors)


def pipelined(c: Conn, requests: list[tuple[str, dict]], in_flight: int) -> dict:
    """Keep `in_flight` requests outstanding on the one connection until all are answered."""
    sent_at: dict[int, int] = {}
    lat, errors, mismatched = [], 0, 0
    todo = iter(requests)
    t_start = time.perf_counter_ns()

    def send_next() -> None:
        nxt = next(todo, None)
        if nxt is not None:
            rid = c.send("tools/call", call_params(*nxt))
            sent_at[rid] = time.perf_counter_ns()

    for _ in range(in_flight):
        send_next()
    done = 0
    while sent_at:
        msg = c.recv()
        rid = msg.get("id")
        if rid not in sent_at:
            mismatched += 1
            continue
        lat.append((time.perf_counter_ns() - sent_at.pop(rid)) / 1e6)
        done += 1
        if failed(msg):
            errors += 1
        send_next()
    wall = (time.perf_counter_ns() - t_start) / 1e9
    s = summary(lat, errors + mismatched)
    s.update(calls=done, wall_s=round(wall, 3), calls_per_s=round(done / wall),
             unanswered=len(requests) - done)
    return s


def summary(lat: list[float], errors: int) -> dict:
    lat = sorted(lat)
    q = statistics.quantiles(lat, n=100, method="inclusive")
    return {
        "n": len(lat),
        "median_ms": round(statistics.median(lat), 3),
        "p90_ms": round(q[89], 3),
        "p99_ms": round(q[98], 3),
        "min_ms": round(lat[0], 3),
        "errors": errors,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sb", required=True)
    ap.add_argument("--calls", type=int, default=2000, help="sequential calls per measurement")
    ap.add_argument("--concurrent-calls", type=int, default=2000)
    ap.add_argument("--in-flight", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--empty-state", help="a state dir with no roles, for list_peers without tmux")
    ap.add_argument("--json-out")
    a = ap.parse_args()
    env = dict(os.environ)

    c = Conn(a.sb, env)
    t0 = time.perf_counter_ns()
    info = c.initialize()
    init_ms = (time.perf_counter_ns() - t0) / 1e6
    time.sleep(0.2)
    idle_rss = c.rss_kb()
    res: dict = {"server": info["serverInfo"], "initialize_ms": round(init_ms, 3),
                 "idle_rss_kb": idle_rss}

    peers = c.request("tools/call", call_params("list_peers", {}))["result"]["structuredContent"]
    hist = c.request("tools/call", call_params("history", {}))["result"]["structuredContent"]
    res["roles"] = len(peers["peers"])
    res["history_messages_returned"] = len(hist["messages"])
    res["history_skipped"] = hist["skipped"]

    n, w = a.calls, a.warmup
    res["ping"] = sequential(c, "ping", None, n, w)
    res["list_peers"] = sequential(c, "tools/call", call_params("list_peers", {}), n, w)
    res["history"] = sequential(c, "tools/call", call_params("history", {}), n, w)
    res["ping_after"] = sequential(c, "ping", None, n, w)
    mix = [("list_peers", {}) if i % 2 == 0 else ("history", {})
           for i in range(a.concurrent_calls)]
    res["concurrent"] = pipelined(c, mix, a.in_flight)
    res["concurrent"]["in_flight"] = a.in_flight
    res["rss_after_kb"] = c.rss_kb()
    res["exit_code"] = c.close()

    if a.empty_state:
        e = Conn(a.sb, {**env, "SESSION_BRIDGE_DIR": a.empty_state})
        e.initialize()
        res["list_peers_no_roles"] = sequential(
            e, "tools/call", call_params("list_peers", {}), n, w)
        e.close()

    base = statistics.median([res["ping"]["median_ms"], res["ping_after"]["median_ms"]])
    rows = [("ping (baseline)", res["ping"]), ("ping (again, after the tools)", res["ping_after"]),
            (f"list_peers ({res['roles']} live roles: one `tmux list-panes`)", res["list_peers"]),
            (f"history (default limit: {res['history_messages_returned']} messages)",
             res["history"])]
    if "list_peers_no_roles" in res:
        rows.append(("list_peers (no roles: no tmux call)", res["list_peers_no_roles"]))
    print(f"server {info['serverInfo']['name']} {info['serverInfo']['version']}; "
          f"initialize {init_ms:.2f} ms; idle VmRSS {idle_rss / 1024:.1f} MiB "
          f"({idle_rss} kB); after the run {res['rss_after_kb'] / 1024:.1f} MiB")
    print()
    print("| request | calls | median ms | p90 ms | p99 ms | min ms | × ping | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, s in rows:
        print(f"| {name} | {s['n']} | {s['median_ms']:.3f} | {s['p90_ms']:.3f} | "
              f"{s['p99_ms']:.3f} | {s['min_ms']:.3f} | {s['median_ms'] / base:.1f} | "
              f"{s['errors']} |")
    cc = res["concurrent"]
    print()
    print(f"concurrency: {cc['calls']} calls (list_peers/history alternating), "
          f"{cc['in_flight']} in flight on one connection: {cc['wall_s']} s, "
          f"{cc['calls_per_s']} calls/s, per-call median {cc['median_ms']} ms, "
          f"p90 {cc['p90_ms']} ms, errors {cc['errors']}, unanswered {cc['unanswered']}")
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(res, f, indent=2)
    ok = (cc["errors"] == 0 and cc["unanswered"] == 0 and res["exit_code"] == 0
          and all(s["errors"] == 0 for _, s in rows) and res["history_skipped"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
