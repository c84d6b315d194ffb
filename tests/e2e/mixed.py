#!/usr/bin/env python3
"""End-to-end check of a mixed team: a Claude Code manager drives a Codex reviewer through `sb mcp`.

Both real CLIs (pinned, from the cache) run in panes of one private tmux server, each against its own
scripted stand-in (standin.py for Claude Code, standin_openai.py for Codex), everything on 127.0.0.1:

  mgr  Claude Code 2.1.332 with `sb mcp` added as `session-bridge` (MCP tools allowed)
  cx   Codex CLI 0.171.0, registered as the reviewer

The user asks mgr for a review; mgr's scripted model calls the MCP `send` tool to cx; cx's scripted
model asks to run a command (a Codex command approval); `sb watch --notify mgr --roles cx` types one
notice into mgr's session; mgr's scripted model (told once, earlier in its conversation, which option
to take) reads N and FP from the notice's `→ sb respond cx --option N --expect FP` line and calls the
MCP `respond` tool with them; the command runs and cx's turn completes. Finally nothing of the run may
still be running.

Uses ${SB_BIN:-target/release/sb}. Prints one line per check and `N passed, N failed`; exit 1 on any
failure. Options: -k/--keep keeps the temp dir; -v/--verbose logs progress; --agents and --only are
those of agents.py: the check runs when codex is among the agents and `m` among the groups.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import harness as h  # noqa: E402
import agents_harness as ah  # noqa: E402
from e2e import RESULTS, Fail, Suite, check, report, run_check  # noqa: E402

MANAGER, REVIEWER = "mgr", "cx"
RESPOND_TOOL = "mcp__session-bridge__respond"
APPROVAL = "Would you like to run the following command?"


class MixedEnv(h.Env):
    """The private tmux server of harness.Env with two stand-ins: the Messages API (Claude Code,
    `self.standin`) and the Responses API (Codex, `self.api("codex")`)."""

    def __init__(self, keep=None):
        super().__init__(keep=keep, standin=True)
        self.standins = {"codex": ah.StandIn(self.dir, "standin_openai.py", "openai")}

    def api(self, agent):
        return self.standins[agent]

    def start(self, agent, name, extra_env=None, gated=False):
        a = ah.Agent(self, agent, name, extra_env=extra_env, gated=gated)
        self.sessions.append(a)
        return a

    def close(self):
        if self._closed:
            return
        super().close()
        for s in self.standins.values():
            try:
                s.close()
            except Exception:
                pass


class Mixed(Suite):
    """The two sessions, the watcher, and what the checks hand each other."""

    def __init__(self, env, sb):
        super().__init__(env, sb)
        self.codex = env.api("codex")
        self.tag = secrets.token_hex(3)
        self.marker = os.path.join(env.dir, "review-check-%s" % self.tag)
        self.watch = None
        self.watch_out = os.path.join(env.dir, "watch.jsonl")
        self.review = None          # the text mgr's model sends to cx
        self.notice = None          # mgr's stand-in entry for the notice turn
        self.answer = None          # mgr's stand-in entry that carries the respond tool_use

    def start_team(self):
        """cx first (Codex starts slower), then mgr with `sb mcp` added; both registered before
        their agent starts, then both waited for."""
        cx = self.env.start("codex", REVIEWER, gated=True, extra_env=self.pane_env())
        self.sessions[REVIEWER] = cx
        self.register(REVIEWER, cx)
        cx.release()
        settings = {"permissions": {"defaultMode": "default", "allow": ["mcp__session-bridge"]}}
        mgr = self.start(MANAGER, MANAGER, settings=settings, gated=True)
        r = mgr.cli("mcp", "add", "-s", "user", "session-bridge", "--", self.sb_path, "mcp")
        check(r.returncode == 0, "claude mcp add failed: %s %s" % (r.stdout, r.stderr))
        self.register(MANAGER, mgr)
        mgr.release()
        cx.wait_ready(60)
        mgr.wait_ready(60)
        cx.wait_idle(20, stable=0.5)
        mgr.wait_idle(20, stable=0.5)

    def start_watch(self):
        e = dict(self.env.base_env, SESSION_BRIDGE_DIR=self.state, SB_TMUX_SOCKET=self.env.sock, NO_COLOR="1",
                 HOME=os.path.join(self.env.dir, "sbhome"))
        os.makedirs(e["HOME"], exist_ok=True)
        self.watch_file = open(self.watch_out, "w")
        self.watch_err = open(self.watch_out + ".stderr", "w")
        self.watch = subprocess.Popen(
            [self.sb_path, "--socket", self.env.sock, "watch", "--notify", MANAGER, "--roles", REVIEWER,
             "--interval", "300ms", "--jsonl"],
            env=e, stdin=subprocess.DEVNULL, stdout=self.watch_file, stderr=self.watch_err)

    def stop_watch(self):
        if self.watch is None:
            return
        if self.watch.poll() is None:
            self.watch.terminate()
            try:
                self.watch.wait(5)
            except subprocess.TimeoutExpired:
                self.watch.kill()
                self.watch.wait(5)
        self.watch_file.close()
        self.watch_err.close()

    def watch_events(self):
        out = []
        try:
            for line in open(self.watch_out, encoding="utf-8"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        except OSError:
            pass
        return out

    def mgr_entries(self, after=0):
        return self.env.standin.main_entries(after)


def tool_uses(entry, name):
    return [b for b in (entry.get("reply") or {}).get("blocks") or []
            if b.get("type") == "tool_use" and b.get("name") == name]


def tool_result(entry, tool_id):
    """The tool_result block for `tool_id` in a logged Messages request, or None."""
    for m in (entry.get("body") or {}).get("messages") or []:
        if m.get("role") == "user" and isinstance(m.get("content"), list):
            for b in m["content"]:
                if isinstance(b, dict) and b.get("type") == "tool_result" and b.get("tool_use_id") == tool_id:
                    return b
    return None


def result_text(block):
    c = block.get("content")
    if isinstance(c, list):
        return "\n".join(x.get("text", "") for x in c if isinstance(x, dict))
    return str(c or "")


# --- the checks ----------------------------------------------------------------------------------

def m_send(s):
    """The user asks mgr for a review; mgr's model calls the MCP send tool; cx gets it as one turn."""
    s.start_watch()
    time.sleep(0.8)
    check(s.watch.poll() is None, "sb watch exited %s: %s" % (s.watch.returncode, open(s.watch_out + ".stderr").read()))
    s.review = "Please review MARK-m1-%s: run the check SB_SHELL: touch %s" % (s.tag, s.marker)
    ask = ("Get cx to review this. SB_MCP_SEND: %s from=%s %s\n"
           "When sb watch says cx waits on a menu, SB_ON_NOTICE: Yes, proceed" % (REVIEWER, MANAGER, s.review))
    n0 = len(s.codex.turns())
    mark = s.env.standin.mark()
    s.sb_ok("send", MANAGER, "--from", "tester", ask)
    want = "[from:%s] %s" % (MANAGER, s.review)
    t = s.codex.wait_turn(lambda t: "MARK-m1-" + s.tag in (t.get("user_text") or ""), 40, n0,
                          "cx's turn with the review request")
    check(t["user_text"] == want, "cx got %r, want %r" % (t["user_text"], want))
    got = [x for x in s.codex.turns()[n0:] if "MARK-m1-" + s.tag in (x.get("user_text") or "")]
    check(len(got) == 1, "%d cx turns carry the review request (want 1)" % len(got))
    sent = s.env.standin.wait_main(lambda e: e.get("script") == "mcp_send" and "Sent via the bridge"
                                   in json.dumps(e["reply"]), 30, mark, "the end of mgr's send turn")
    check("tool_result ok" in json.dumps(sent["reply"]), "the MCP send tool returned an error: %s"
          % json.dumps(sent["body"]["messages"][-1])[:600])
    rec = [m for m in s.conversation() if "MARK-m1-" + s.tag in m.get("text", "") and m.get("to") == REVIEWER]
    check(rec and rec[-1]["from"] == MANAGER and rec[-1]["delivered"] and rec[-1]["submitted"],
          "conversation.jsonl lacks mgr's delivered message to cx: %s" % rec)
    return "cx turn: %r" % t["user_text"][:70]


def m_notice(s):
    """cx's command approval opens; sb watch types one notice, with the question, what it approves
    and one `sb respond cx --option N --expect FP` line per option, into mgr's session."""
    cx = s.sessions[REVIEWER]
    # no wait on cx's screen: the manager may answer within a second, before a poll would see it
    head = "[sb watch] %s is waiting on a menu" % REVIEWER
    try:
        s.notice = s.env.standin.wait_main(lambda e: head in e.get("user_text", ""), 30,
                                           what="mgr's turn with the watch notice")
    except h.Timeout as e:
        raise Fail("%s\nwatch events: %s\ncx screen:\n%s" % (e, s.watch_events(), cx.screen()))
    text = h.unwrap_paste(s.notice["user_text"])
    check(text.startswith("[from:watch] " + head), "the notice is not a user turn of its own: %r" % text[:300])
    check(APPROVAL in text, "the notice lacks the question: %r" % text)
    check("touch %s" % s.marker in text, "the notice does not say what it approves: %r" % text)
    check("sb respond %s --option 1 --expect " % REVIEWER in text, "the notice lacks the respond commands: %r" % text)
    ev = [e for e in s.watch_events() if e.get("role") == REVIEWER and e.get("to") == "waiting_select"]
    check(ev and ev[0].get("fingerprint") and ev[0]["fingerprint"] in text,
          "sb watch --jsonl has no waiting_select event whose fingerprint is in the notice: %s" % ev)
    return "%d options, fp %s" % (len(ev[0].get("options") or []), ev[0]["fingerprint"])


def m_respond(s):
    """mgr's model answers through the MCP respond tool with N and FP from the notice; the command
    runs only then, and cx's turn completes."""
    cx = s.sessions[REVIEWER]
    try:
        s.answer = s.env.standin.wait_main(lambda e: tool_uses(e, RESPOND_TOOL), 30,
                                           what="mgr's respond tool call")
    except h.Timeout as e:
        raise Fail("%s; mgr's requests after the notice: %s" % (e, [
            (x.get("script"), x.get("step"), json.dumps(x.get("reply"))[:200])
            for x in s.mgr_entries() if x.get("ts", 0) >= s.notice.get("ts", 0)]))
    call = tool_uses(s.answer, RESPOND_TOOL)[0]
    inp = call["input"]
    ev = [e for e in s.watch_events() if e.get("role") == REVIEWER and e.get("to") == "waiting_select"][0]
    yes = next((o for o in ev.get("options") or [] if o.split(". ", 1)[-1].startswith("Yes, proceed")), None)
    check(yes is not None, "no 'Yes, proceed' option in the watch event: %s" % ev.get("options"))
    want = {"role": REVIEWER, "option": int(yes.split(".", 1)[0]), "expect": ev["fingerprint"]}
    check(inp == want, "respond tool input %s, want %s (from the notice)" % (inp, want))
    res = s.env.standin.wait_main(lambda e: tool_result(e, call["id"]) is not None, 30,
                                  what="the respond tool's result in mgr's next request")
    tr = tool_result(res, call["id"])
    body = result_text(tr)
    check(not tr.get("is_error"), "the MCP respond tool failed: %s\ncx screen:\n%s" % (body[:800], cx.screen()))
    try:
        rep = json.loads(body)
    except ValueError:
        rep = {}
    check(rep.get("option") == want["option"] and rep.get("taken") is True
          and (rep.get("label") or "").startswith("Yes, proceed"),
          "respond report %s (want option %d, 'Yes, proceed', taken)" % (body[:400], want["option"]))
    try:
        h.wait_until(lambda: os.path.exists(s.marker), 20, 0.2, "the approved command's marker file")
    except h.Timeout as e:
        raise Fail("%s\ncx screen:\n%s" % (e, cx.screen()))
    ran_at = os.stat(s.marker).st_mtime
    check(ran_at >= s.answer["ts"], "the command ran %.2fs before mgr's model asked to respond"
          % (s.answer["ts"] - ran_at))
    done = s.codex.wait_entry(lambda e: e.get("kind") == "main" and (e.get("step") or 0) >= 1
                              and "MARK-m1-" + s.tag in (e.get("user_text") or ""), 30,
                              what="cx's request carrying the command's output")
    check((done.get("reply") or {}).get("text", "").startswith("Shell done."), "cx's reply: %s" % done.get("reply"))
    cx.wait_idle(30)
    s.wait_state(REVIEWER, ["idle"], 15)
    s.sessions[MANAGER].wait_idle(30)
    return "option %d, command ran %.1fs after the respond call" % (want["option"], ran_at - s.answer["ts"])


def m_once(s):
    """Exactly one notice for the one approval, logged as `notified`; mgr's turn ended cleanly."""
    time.sleep(1.0)
    head = "[sb watch] %s" % REVIEWER
    turns = [e for e in s.mgr_entries() if head in e.get("user_text", "") and e.get("step") == 0]
    check(len(turns) == 1, "%d notice turns in mgr's session (want 1): %s" % (
        len(turns), [e["user_text"][:80] for e in turns]))
    end = [e for e in s.mgr_entries() if e.get("script") == "mcp_respond"
           and "Answered via the bridge" in json.dumps(e.get("reply"))]
    check(end and "tool_result ok" in json.dumps(end[-1]["reply"]), "mgr's respond turn did not end ok: %s"
          % [json.dumps(x.get("reply"))[:200] for x in end])
    kinds = [(e.get("kind"), e.get("role"), e.get("notify")) for e in s.watch_events()]
    check(kinds.count(("notified", REVIEWER, MANAGER)) == 1, "watch events: %s" % kinds)
    return "%d watch events" % len(kinds)


CHECKS = [("m1 mgr's MCP send tool delivers the review request to cx (one turn)", m_send),
          ("m2 sb watch --notify mgr: one notice when cx's approval opens", m_notice),
          ("m3 mgr's MCP respond (N, FP from the notice) approves; command runs; cx's turn completes",
           m_respond),
          ("m4 one notice, logged as notified; mgr's turn ends with the tool result ok", m_once)]


def leftovers(root):
    """Live processes whose command line or environment mentions the run's temp dir."""
    want = root.encode()
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read()
            try:
                with open("/proc/%s/environ" % d, "rb") as f:
                    envb = f.read()
            except OSError:
                envb = b""
            if (want in cmd or want in envb) and h.pid_alive(int(d)):
                out.append("%s %s" % (d, cmd.replace(b"\0", b" ").decode(errors="replace")[:160]))
        except OSError:
            pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", "--keep", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--agents", default="codex")
    ap.add_argument("--only", default="m")
    a = ap.parse_args()
    if "codex" not in a.agents.split(",") or "m" not in a.only:
        return 0
    if a.verbose:
        os.environ["SB_E2E_VERBOSE"] = "1"
    # run_agents' `timeout` sends SIGTERM: unwind, so that the teardown (sb watch too) still runs
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.monotonic()
    sb = os.path.abspath(os.path.join(REPO, os.environ.get("SB_BIN") or "target/release/sb"))
    ok = os.access(sb, os.X_OK)
    if not ok:
        report("mixed setup: sb binary at %s" % sb, False, "missing (build it or set SB_BIN)")
    try:
        h.claude_bin(install=False)
        ah.agent_bin("codex", install=False)
    except Exception as ex:
        report("mixed setup: claude and codex installed", False, str(ex))
        ok = False
    root = None
    if ok:
        setup = "mixed setup: mgr (Claude Code + sb mcp) and cx (Codex) started, registered"
        with MixedEnv(keep=a.keep) as env:
            root = env.dir
            s = Mixed(env, sb)
            t1 = time.monotonic()
            try:
                s.start_team()
                report(setup, True, "", time.monotonic() - t1)
                failed = None
                for name, fn in CHECKS:
                    if failed:
                        report(name, False, "skipped: needs %s" % failed)
                    elif not run_check(name, fn, s):
                        failed = fn.__name__
            except Exception as ex:
                report(setup, False, str(ex), time.monotonic() - t1)
            finally:
                s.stop_watch()
        # env.close() ended the tmux server, both sessions (Codex's daemon too) and the stand-ins
        t1 = time.monotonic()
        try:
            h.wait_until(lambda: not leftovers(root), 10, 0.3, "no process of the run left")
            report("m5 teardown: no process of the run is left (tmux, claude, sb mcp, codex + daemon, "
                   "sb watch, stand-ins)", True, "", time.monotonic() - t1)
        except h.Timeout:
            report("m5 teardown: no process of the run is left", False, "\n".join(leftovers(root)),
                   time.monotonic() - t1)
    n_ok = sum(1 for _, r in RESULTS if r)
    print("mixed: total %.0fs" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (n_ok, len(RESULTS) - n_ok))
    return 1 if n_ok != len(RESULTS) else 0


if __name__ == "__main__":
    sys.exit(main())
