#!/usr/bin/env python3
"""Drive `sb mcp` with the official MCP Python SDK (stdio_client + ClientSession).

It starts a private tmux server with two fake agents (`sb agent`: one at an empty prompt that
records the bytes it receives, one showing a Claude Code menu), a temporary state dir and HOME,
then lists and calls every tool through the SDK and checks the results, the delivered bytes, the
logs and the error cases against the CLI. Prints each check, then `N passed, N failed`; exits 1
on any failure.

Usage: client.py [--sb PATH]   (default: $SB, else target/debug/sb of this repository)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import traceback
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

REPO = Path(__file__).resolve().parents[2]
TOOLS = {
    "register", "list_peers", "send", "read_peer", "detect_question", "respond", "history",
    "inbox", "set_prompt", "get_prompt", "list_prompts", "delete_prompt", "wait_for",
    "queue_list", "queue_drop",
}
MENU = REPO / "tests/fixtures/screens/claude-code/02-preseeded-trust-folder-dialog.txt"


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: object = "") -> bool:
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")
        return ok


class World:
    """Temp HOME and state dir, a private tmux server, and the environment for sb."""

    def __init__(self, sb: str) -> None:
        self.sb = sb
        self.dir = Path(tempfile.mkdtemp(prefix="sbpy", dir="/tmp"))
        self.home = self.dir / "home"
        self.home.mkdir()
        self.state = self.dir / "state"
        self.sock = self.dir / "tmux.sock"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "SESSION_BRIDGE_DIR": str(self.state),
            "SB_TMUX_SOCKET": str(self.sock),
            "LANG": "C.UTF-8",
        }

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", str(self.sock), *args], check=True, capture_output=True, text=True,
            timeout=30,
        ).stdout.strip()

    def agent(self, name: str, *extra: str) -> tuple[str, Path]:
        """A pane running `sb agent --record FILE`; returns its pane id and the record file."""
        rec = self.dir / f"{name}.rec"
        rec.write_bytes(b"")
        cmd = f"exec {self.sb} agent --record {rec} " + " ".join(f"'{e}'" for e in extra)
        alive = subprocess.run(["tmux", "-S", str(self.sock), "has-session"],
                               capture_output=True).returncode == 0
        if alive:
            pane = self.tmux("new-window", "-d", "-P", "-F", "#{pane_id}", "-n", name, cmd)
        else:
            pane = self.tmux("-f", "/dev/null", "new-session", "-d", "-P", "-F", "#{pane_id}",
                             "-s", "sbpy", "-x", "120", "-y", "40", "-n", name, cmd)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.tmux("capture-pane", "-p", "-t", pane):
            time.sleep(0.02)
        return pane, rec

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.sb, *args], env=self.env, capture_output=True, text=True,
                              timeout=60)

    def log(self, rel: str) -> list[dict]:
        """A message log as readers see it: each message once, at its last record (sb writes a
        `sending` record before typing, then the outcome under the same id)."""
        p = self.state / rel
        out: list[dict] = []
        for line in (p.read_text().splitlines() if p.exists() else []):
            m = json.loads(line)
            if m.get("outcome"):
                out = [x for x in out if not (x.get("outcome") and x.get("id") == m.get("id"))]
            out.append(m)
        return out

    def close(self) -> None:
        subprocess.run(["tmux", "-S", str(self.sock), "kill-server"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def text_of(result) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


def wait_until(pred, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


async def run(w: World, c: Checks) -> None:
    version = tomllib.loads((REPO / "Cargo.toml").read_text())["package"]["version"]
    dev_pane, dev_rec = w.agent("dev")
    rev_pane, _ = w.agent("rev", "--screen", str(MENU))
    params = StdioServerParameters(command=w.sb, args=["mcp"], env=w.env)
    errlog = open(w.dir / "mcp.stderr", "w")
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=30) as s:
            init = await s.initialize()
            c.check("initialize: serverInfo.name is sb", init.server_info.name == "sb",
                    init.server_info)
            c.check(f"initialize: serverInfo.version is {version}",
                    init.server_info.version == version, init.server_info)
            c.check("initialize: tools capability", init.capabilities.tools is not None,
                    init.capabilities)
            await s.send_ping()
            c.check("ping", True)

            tools = (await s.list_tools()).tools
            names = {t.name for t in tools}
            c.check("tools/list: the 15 tools", names == TOOLS, sorted(names ^ TOOLS))
            for t in sorted(tools, key=lambda t: t.name):
                c.check(f"tools/list: {t.name} has a description and an object inputSchema",
                        bool((t.description or "").strip())
                        and t.input_schema.get("type") == "object", t)

            async def ok(tool: str, args: dict) -> dict:
                r = await s.call_tool(tool, args)
                body = r.structured_content
                good = (not r.is_error and isinstance(body, dict)
                        and json.loads(text_of(r)) == body)
                c.check(f"call {tool} {json.dumps(args)[:60]}", good,
                        text_of(r) if r.is_error else r)
                return body if isinstance(body, dict) else {}

            async def err(tool: str, args: dict) -> str:
                r = await s.call_tool(tool, args)
                c.check(f"call {tool} {json.dumps(args)[:60]} is a tool error", r.is_error,
                        r)
                return text_of(r)

            r = await ok("register", {"role": "dev", "pane": dev_pane})
            c.check("register: bound to the pane", r.get("pane") == dev_pane, r)
            await ok("register", {"role": "rev", "pane": rev_pane})
            r = await ok("list_peers", {})
            peers = {p["role"]: p for p in r.get("peers", [])}
            c.check("list_peers: both alive", set(peers) == {"dev", "rev"}
                    and all(p["alive"] for p in peers.values()), r)

            r = await ok("send", {"to": "dev", "from": "py", "text": "hello from python"})
            c.check("send: delivered and submitted",
                    r.get("delivered") is True and r.get("submitted") is True, r)
            want = b"\x1b[200~[from:py] hello from python\x1b[201~\r"
            c.check("send: the agent got one bracketed paste and Enter",
                    wait_until(lambda: want in dev_rec.read_bytes()), dev_rec.read_bytes())
            log = w.log("conversation.jsonl")
            c.check("send: logged in conversation.jsonl",
                    len(log) == 1 and log[0]["id"] == r.get("id")
                    and log[0]["text"] == "hello from python", log)
            c.check("send: logged in the mailbox",
                    [m["id"] for m in w.log("mailbox/dev.jsonl")] == [r.get("id")])

            wait_until(lambda: "hello from python" in w.cli("peek", "dev").stdout)
            r = await ok("read_peer", {"role": "dev", "lines": 20})
            c.check("read_peer: shows the message", "hello from python" in r.get("text", ""), r)
            r = await ok("detect_question", {"role": "rev"})
            c.check("detect_question: the menu is waiting_select",
                    r.get("state") == "waiting_select" and len(r.get("options", [])) == 2, r)
            r = await ok("detect_question", {"role": "dev"})
            c.check("detect_question: dev is not waiting on a menu",
                    r.get("state") != "waiting_select", r)

            e = await err("send", {"to": "rev", "from": "py", "text": "hi"})
            c.check("send into an open menu is refused", "menu open" in e, e)
            before = dev_rec.read_bytes()
            r = await ok("respond", {"role": "dev", "keys": ["esc"]})
            c.check("respond: keys mapped", r.get("keys") == ["Escape"], r)
            c.check("respond: key typed",
                    wait_until(lambda: len(dev_rec.read_bytes()) > len(before)))

            r = await ok("history", {"limit": 0})
            c.check("history: both messages (one undelivered)",
                    [m["delivered"] for m in r.get("messages", [])] == [True, False], r)
            r = await ok("inbox", {"role": "dev"})
            c.check("inbox: one message", len(r.get("messages", [])) == 1, r)

            # The delivery queue: refused now, queued instead (no watcher runs: it says so).
            r = await ok("send", {"to": "rev", "from": "py", "text": "later", "queue": True, "ttl_s": 600})
            q = r.get("queued") or {}
            c.check("send with queue into an open menu is queued",
                    r.get("outcome") == "queued" and q.get("watcher_running") is False
                    and "sb watch" in (q.get("warning") or ""), r)
            r2 = await ok("queue_list", {})
            c.check("queue_list: the queued message",
                    [e.get("id") for e in r2.get("queued", [])] == [r.get("id")], r2)
            r2 = await ok("queue_drop", {"id": r.get("id")})
            c.check("queue_drop: dropped", (r2.get("dropped") or {}).get("outcome") == "dropped", r2)
            e = await err("queue_drop", {"id": r.get("id")})
            c.check("queue_drop again: not queued", "is not in the queue" in e, e)

            p = await ok("set_prompt", {"role": "dev", "prompt": "You are dev."})
            c.check("get_prompt returns what was set",
                    await ok("get_prompt", {"role": "dev"}) == p)
            c.check("list_prompts lists it", (await ok("list_prompts", {})) == {"prompts": [p]})
            c.check("delete_prompt returns it", (await ok("delete_prompt", {"role": "dev"})) == p)
            r = await ok("wait_for", {"role": "rev", "until": "waiting", "timeout_s": 10})
            c.check("wait_for: rev is waiting", r.get("state") == "waiting_select", r)

            # Domain errors: isError with exactly the text the CLI prints on stderr.
            e = await err("send", {"to": "nobody", "text": "hi"})
            cli = w.cli("send", "nobody", "hi")
            c.check("unknown role: the CLI's message",
                    e.startswith("sb: error: unknown role") and e == cli.stderr.rstrip("\n"),
                    (e, cli.stderr))
            e = await err("get_prompt", {"role": "dev"})
            cli = w.cli("prompt", "get", "dev")
            c.check("no prompt: the CLI's message", e == cli.stderr.rstrip("\n"), (e, cli.stderr))
            e = await err("wait_for", {"role": "dev", "until": "busy", "timeout_s": 0.2})
            c.check("wait_for timeout: an error", e.startswith("sb: error: timed out"), e)
    errlog.close()
    c.check("sb mcp wrote nothing on stderr", (w.dir / "mcp.stderr").read_text() == "",
            (w.dir / "mcp.stderr").read_text())


async def bounded(w: World, c: Checks) -> None:
    with anyio.fail_after(120):
        await run(w, c)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sb", default=os.environ.get("SB", str(REPO / "target/debug/sb")))
    a = ap.parse_args()
    c = Checks()
    w = World(str(Path(a.sb).resolve()))
    try:
        anyio.run(bounded, w, c)
    except BaseException as e:  # noqa: BLE001 - report any crash as a failure
        c.check("client ran to the end", False, "".join(traceback.format_exception(e)))
    finally:
        w.close()
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
