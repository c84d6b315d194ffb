#!/usr/bin/env python3
"""End-to-end checks of sb against the real Codex CLI and Gemini CLI (pinned) and their API stand-ins.

Uses ${SB_BIN:-target/release/sb} (builds nothing), installs @openai/codex@0.171.0 and
@google/gemini-cli@0.61.0 into the cache when missing, prints one line per check and finally
`N passed, N failed`; exits 1 on any failure. Each agent gets one session (role `cx` for Codex,
`gm` for Gemini) wired by `sb setup --agent …` in its private HOME, with a saved briefing.

Options: -k/--keep keeps the temp dir; -v/--verbose logs progress; --agents codex,gemini picks
agents; --only a,c,… picks groups (a delivery, c approval/question, d briefing, f confirm, x exited;
m is mixed.py's, which run_agents runs next: with --only m this file starts no agent).
"""

import argparse
import json
import os
import secrets
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

ROLES = {"codex": "cx", "gemini": "gm"}


class AgentSuite(Suite):
    """One Codex or Gemini session, its role, its stand-in, and what the checks hand each other."""

    def __init__(self, env, sb, agent):
        super().__init__(env, sb)
        self.agent = agent
        self.role = ROLES[agent]
        self.standin = env.api(agent)
        self.brief = "BRIEFING-%s: you are the %s role; keep answers short." % (secrets.token_hex(4), self.role)
        self.session = None
        self.first_turn = None      # the stand-in entry of the session's first turn
        self.approval = None

    def send_args(self):
        # sb's agent profile does what Gemini needs (paste, 300 ms, Enter as two calls, and one
        # more Enter if the text is still in the box): plain `sb send`, as a user runs it.
        return []

    def send(self, text, *extra, json_out=True):
        return self.sb("send", self.role, "--from", "tester", *(self.send_args() + list(extra)), "-",
                       input=text, json_out=json_out)

    def send_ok(self, text, *extra):
        rc, out, err, js = self.send(text, *extra)
        check(rc == 0 and js and js.get("delivered") and js.get("submitted"),
              "sb send exited %d: %s %s" % (rc, err.strip()[:400], out[:300]))
        return js

    def start(self):
        """Start the agent gated: register the pane, save the briefing, run `sb setup --agent` with
        the session's HOME; then let the agent start and wait for its prompt."""
        a = self.env.start(self.agent, self.role, gated=True, extra_env=self.pane_env())
        self.session = a
        self.sessions[self.role] = a
        self.register(self.role, a)
        self.sb_ok("prompt", "set", self.role, self.brief)
        return a

    def setup_agent(self):
        a = self.session
        e = dict(self.env.base_env, **a.penv)
        e["PATH"] = os.path.dirname(a.exe) + os.pathsep + e["PATH"]
        e["SESSION_BRIDGE_DIR"] = self.state
        r = subprocess.run([self.sb_path, "--json", "setup", "--agent", self.agent], env=e, capture_output=True,
                           text=True, timeout=120)
        return r

    def turns(self):
        return self.standin.turns()

    def wait_turn_with(self, needle, after, timeout=30):
        return self.standin.wait_turn(lambda t: needle in (t.get("user_text") or ""), timeout, after,
                                      "the turn with %r" % needle[:40])

    def main_entry_for(self, needle, after=0):
        """The logged main request that started the turn whose user text has `needle`."""
        return next((e for e in self.standin.entries()[after:] if e.get("turn")
                     and needle in (e.get("user_text") or "")), None)


def newest_user_raw(entry):
    """The whole newest user message of a logged request, as JSON text (injected context included)."""
    body = entry.get("body") or {}
    if "contents" in body:  # Gemini
        users = [c for c in body.get("contents") or [] if c.get("role") == "user"]
        return json.dumps(users[-1] if users else {}, ensure_ascii=False)
    items = [i for i in body.get("input") or [] if isinstance(i, dict)]
    return json.dumps(items[-1] if items else {}, ensure_ascii=False)


# --- a. delivery --------------------------------------------------------------------------------

def delivered_once(s, text, *extra, wait=True):
    """`sb send` TEXT; the stand-in must log exactly one turn whose user text is the tagged TEXT.
    With wait=False the harness does not wait for the prompt first: sb decides when to type."""
    a = s.session
    if wait:
        a.wait_idle(30, stable=0.5)
    n0 = len(s.turns())
    js = s.send_ok(text, *extra)
    want = "[from:tester] " + text
    try:
        s.wait_turn_with(want[:60], n0, 30)
    except h.Timeout as e:
        raise Fail("%s; send report %s; screen:\n%s" % (e, json.dumps(js)[:300], a.screen()))
    a.wait_idle(40, stable=1.0)
    got = [t for t in s.turns()[n0:] if "MARK-" in (t.get("user_text") or "")]
    check(len(got) == 1, "%d turns carry the message (want 1): %s" % (len(got), [t["user_text"][:80] for t in got]))
    u = got[0]["user_text"]
    check(u == want, "text altered (sent %d chars, got %d):\nsent %r\ngot  %r" % (len(want), len(u), want[:300], u[:300]))
    return js


def a_short(s):
    """The first message, sent the moment the agent was started: `--when-ready` waits for the
    agent's own ready signal (Codex: its footer names the model and folder; Gemini: its process is
    quiet), with no help from the harness."""
    text = "hi MARK-a1 20 bytes"
    js = delivered_once(s, text, "--when-ready=90s", wait=False)
    s.first_turn = s.main_entry_for("MARK-a1")
    rec = [m for m in s.conversation() if m.get("id") == js.get("id")]
    check(rec and rec[0]["delivered"] and rec[0]["submitted"], "conversation.jsonl record: %s" % rec)
    return "%d bytes" % len(text.encode())


def a_three_lines(s):
    text = "MARK-a2 first line with \"quotes\" and 'single'\nsecond: unicode héllo — ✓ 日本語\nthird line, $HOME `ticks`"
    delivered_once(s, text)


def a_20k(s):
    line = "%04d the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ <>&\"'\n"
    text = ("MARK-a3 20 KB\n" + "".join(line % i for i in range(260)))[:20000].rstrip("\n")
    delivered_once(s, text)
    return "%d bytes" % len(text.encode())


# --- c. approval and questions ----------------------------------------------------------------

def c_approval_detect(s):
    a = s.session
    marker = os.path.join(s.env.dir, "%s-approval-marker" % s.agent)
    s.send_ok("run it MARK-c1 SB_SHELL: touch %s" % marker)
    needle = "Would you like to run" if s.agent == "codex" else "Allow execution"
    a.wait_screen(lambda x: needle in x, 30, "the command approval")
    rc, out, err, js = s.sb("detect", s.role, json_out=True)
    check(rc == 0 and js, "sb detect exited %d: %s" % (rc, err.strip()))
    s.approval = (marker, js)
    check(js.get("state") == "waiting_select", "state %r (want waiting_select): %s\nscreen:\n%s"
          % (js.get("state"), json.dumps(js)[:400], a.screen()))
    labels = [o.get("label") for o in js.get("options") or []]
    check(len(labels) >= 3 and all(o.get("number") for o in js["options"]), "options %r" % labels)
    check(js.get("fingerprint"), "no fingerprint")
    check(not os.path.exists(marker), "the command ran before any answer")
    return "%d options: %s" % (len(labels), " | ".join(labels))


def c_approval_guard(s):
    a = s.session
    marker, _ = s.approval
    rc, out, err, js = s.send("this must not approve anything MARK-c2")
    time.sleep(1.5)
    check(rc == 6, "sb send into an open approval exited %d (want 6): %s" % (rc, err.strip()[:300]))
    check(not os.path.exists(marker), "the command ran: the send approved it")
    needle = "Would you like to run" if s.agent == "codex" else "Allow execution"
    check(needle in a.screen(), "the approval is gone:\n" + a.screen())


def c_approval_respond(s):
    a = s.session
    marker, d = s.approval
    yes = next(o["number"] for o in d["options"] if o.get("label", "").lower().startswith(("yes", "allow once")))
    n0 = len(s.standin.entries())
    s.sb_ok("respond", s.role, "--option", str(yes), "--expect", d["fingerprint"])
    s.standin.wait_entry(lambda e: e.get("kind") == "main" and e.get("step") == 1, 20, n0,
                         "the request carrying the tool output")
    check(os.path.exists(marker), "the command did not run after respond --option %d" % yes)
    a.wait_idle(30)
    return "option %d" % yes


def c_busy(s):
    """While a reply streams slowly (SB_SLOW), `sb detect` says busy; afterwards idle. Codex draws no
    busy line while text streams (AGENTS.md): the reply is paced so the check looks mid-stream."""
    a = s.session
    n0 = len(s.turns())
    s.send_ok("take your time MARK-c0 SB_SLOW:8")
    s.wait_turn_with("MARK-c0", n0, 20)
    time.sleep(2.0)
    d = s.detect(s.role)
    check(d.get("state") == "busy", "state %r while the reply streams (want busy)\nscreen:\n%s"
          % (d.get("state"), a.screen()))
    a.wait_idle(30)
    s.wait_state(s.role, ["idle"], 10)


def c_prose(s):
    a = s.session
    s.send_ok("anything unclear? MARK-c4 SB_QUESTION")
    a.wait_screen(lambda x: "Should I deploy the build to staging now?" in x, 30, "the question")
    a.wait_idle(20)
    d = s.wait_state(s.role, ["waiting_text"], 10)
    check("Should I deploy the build to staging now?" in (d.get("question") or ""), "question %r" % d.get("question"))


# --- d. briefing ----------------------------------------------------------------------------------

def d_setup(s):
    """`sb setup --agent` in the session's HOME wires the hooks and the MCP server (run before start)."""
    check(s.setup_result is not None, "sb setup was not run")
    r = s.setup_result
    check(r.returncode == 0, "sb setup --agent %s exited %d: %s" % (s.agent, r.returncode, (r.stderr or r.stdout).strip()[:500]))
    home = s.session.home
    if s.agent == "codex":
        hooks = open(os.path.join(home, ".codex", "hooks.json"), encoding="utf-8").read()
        cfg = open(os.path.join(home, ".codex", "config.toml"), encoding="utf-8").read()
        check("hook session-start" in hooks, "no SessionStart hook in hooks.json: %s" % hooks[:300])
        check("[mcp_servers.session-bridge]" in cfg, "no MCP server in config.toml")
        check('model_provider = "fake"' in cfg, "sb setup lost the existing config")
    else:
        st = json.load(open(os.path.join(home, ".gemini", "settings.json"), encoding="utf-8"))
        check("before-agent" in json.dumps(st.get("hooks", {})), "no BeforeAgent hook: %s" % json.dumps(st)[:300])
        check("session-bridge" in (st.get("mcpServers") or {}), "no MCP server in settings.json")
        check(st.get("security", {}).get("auth", {}).get("selectedType") == "gemini-api-key",
              "sb setup lost the existing settings")


def d_mcp(s):
    """The agent started the MCP server `sb setup --agent` registered (`<sb> mcp`, with its HOME;
    Codex starts it from its background daemon)."""
    def running():
        return [c for c in s.session.commands() if len(c) >= 2 and c[-1] == "mcp"
                and os.path.basename(c[-2]) == "sb"]
    try:
        found = h.wait_until(running, 15, 0.5, "an sb mcp process")
    except h.Timeout:
        raise Fail("no `sb mcp` process runs with the session's HOME: %s" % s.session.commands())
    if s.agent == "gemini":
        check("[end of server instructions]" in json.dumps(s.first_turn.get("body") or {}),
              "sb's server instructions are not in Gemini's context")
    return " ".join(found[0])[-60:]


def d_brief_startup(s):
    e = s.first_turn
    check(e is not None, "the first turn was not found (a1 failed?)")
    check(s.brief in json.dumps(e.get("body"), ensure_ascii=False), "the briefing is not in the first turn's request")
    if s.agent == "gemini":
        # the BeforeAgent hook briefs a session on its first prompt only
        entries = s.standin.entries()
        later = [x for x in entries if x.get("turn") and x.get("ts", 0) > e.get("ts", 0)
                 and (x.get("user_msgs") or 0) > 1]
        check(later, "no later turn of the same session to compare with")
        check(s.brief not in newest_user_raw(later[0]),
              "the briefing was appended again to a later prompt of the same session")
        return "in the first prompt only"
    return "as a developer message"


def d_brief_clear(s):
    a = s.session
    a.wait_idle(20)
    rc, out, err, js = s.send("/clear", json_out=True)
    check(rc == 0, "sb send /clear exited %d: %s" % (rc, err.strip()))
    time.sleep(1.5)
    a.wait_idle(20)
    n0 = len(s.standin.entries())
    s.send_ok("after clear MARK-d2")
    s.standin.wait_entry(lambda e: e.get("turn") and "MARK-d2" in (e.get("user_text") or ""), 30, n0)
    e = s.main_entry_for("MARK-d2", n0)
    check(e["user_msgs"] == 1, "history not cleared (%d user messages)" % e["user_msgs"])
    check(s.brief in json.dumps(e.get("body"), ensure_ascii=False), "the briefing is not in the request after /clear")
    a.wait_idle(20)


# --- f. confirmed delivery -------------------------------------------------------------------

def f_confirm(s):
    s.session.wait_idle(20)
    rc, out, err, js = s.send("confirm me MARK-f1", "--confirm=20s")
    check(js is not None, "send --confirm exited %d: %s" % (rc, err.strip()))
    c = js.get("confirmation") or {}
    check(rc == 0 and c.get("confirmed") is True, "not confirmed (exit %d): confirmation %s" % (
        rc, json.dumps(c)))
    check(c.get("method") == "transcript", "confirmed by %r, not by the transcript" % c.get("method"))
    s.session.wait_idle(20)
    return "after %s ms" % c.get("waited_ms")


# --- x. exited ----------------------------------------------------------------------------------

def x_exited(s):
    a = s.session
    a.wait_idle(20)
    rc, out, err, js = s.send("/quit", json_out=True)
    check(rc == 0, "sb send /quit exited %d: %s" % (rc, err.strip()))
    a.wait_screen(a.exited, 20, "the shell prompt after /quit")
    marker = os.path.join(s.env.dir, "%s-exited-marker" % s.agent)
    rc0, _, _, det = s.sb("detect", s.role, json_out=True)
    seen = (det or {}).get("state", "exit %d" % rc0)
    # the tag prefix is not a command: "; touch" runs in a shell whatever comes before it
    rc, out, err, js = s.send("; touch %s" % marker)
    time.sleep(1.0)
    ran = os.path.exists(marker)
    check(rc in (4, 6), "sb send to an exited %s (sb detect: %s) exited %d (want 6 or 4)%s" % (
        s.agent, seen, rc, "; the shell ran the text" if ran else ""))
    check(not ran, "the shell ran the text")
    return "exit %d (sb detect: %s)" % (rc, seen)


GROUPS = {
    "a": [("a1 send 20 B right after start (--when-ready) -> one user turn, exact", a_short),
          ("a2 send 3 lines -> one user turn, exact", a_three_lines),
          ("a3 send 20 KB -> one user turn, exact", a_20k)],
    "d": [("d0 sb setup --agent wires hooks + MCP", d_setup),
          ("d1 briefing reaches the model at startup", d_brief_startup),
          ("m1 the agent runs sb mcp (session-bridge)", d_mcp)],
    "c": [("c0 busy while a reply streams, idle after", c_busy),
          ("c1 command approval: detect waiting_select with options", c_approval_detect),
          ("c2 send refuses the open approval (exit 6), command not run", c_approval_guard),
          ("c3 respond --option N --expect FP approves, command runs", c_approval_respond),
          ("c4 prose question -> waiting_text", c_prose)],
    "f": [("f1 send --confirm confirmed by the transcript", f_confirm)],
    "e": [("d2 briefing again after /clear", d_brief_clear)],
    "x": [("x1 agent exited (/quit): send refused, nothing runs", x_exited)],
}
ORDER = "adcfex"
NEEDS = {c_approval_guard: c_approval_detect, c_approval_respond: c_approval_detect,
         d_brief_startup: a_short, d_mcp: a_short}


def accept_hook_trust(a, timeout=45):
    """Codex asks once to trust new hooks ("Hooks need review"); the test answers as the user
    would ("Trust all and continue"). sb never answers that menu itself."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scr = a.screen()
        if "Hooks need review" in scr:
            # the cursor starts on "1. Review hooks"; a digit only moves it here, Enter confirms
            time.sleep(0.3)
            a.keys("Down")
            time.sleep(0.3)
            a.keys("Enter")
            return True
        if a.is_ready(scr):
            return False
        time.sleep(0.2)
    return False


def run_agent(env, sb, agent, only):
    s = AgentSuite(env, sb, agent)
    s.setup_result = None
    t0 = time.monotonic()
    try:
        a = s.start()
        s.setup_result = s.setup_agent()
        a.release()
        trusted = accept_hook_trust(a) if agent == "codex" else False
        if "a" not in only:
            # a1 sends at once and leaves the waiting to sb; other groups start from a ready prompt
            a.wait_ready(60)
        report("%s setup: started, registered as %s" % (agent, s.role), True,
               "hooks trusted in the startup menu" if trusted else "", time.monotonic() - t0)
    except Exception as ex:
        report("%s setup: started, registered as %s" % (agent, s.role), False, str(ex), time.monotonic() - t0)
        return
    passed = {}
    for g in ORDER:
        if g not in only:
            continue
        for name, fn in GROUPS[g]:
            dep = NEEDS.get(fn)
            full = "%s %s" % (agent, name)
            if dep is not None and not passed.get(dep):
                report(full, False, "skipped: needs %s" % dep.__name__)
                passed[fn] = False
                continue
            if a.exited():
                report(full, False, "skipped: the agent has exited")
                continue
            passed[fn] = run_check(full, fn, s)
            if not passed[fn]:
                settle(s)


def settle(s):
    """After a failed check: back to an empty, idle prompt. Escape closes a menu; a message left
    unsent in the input box is deleted (Escape twice, then C-u and BSpace per line)."""
    a = s.session
    for _ in range(4):
        if a.exited():
            return
        rc, out, err, js = s.sb("detect", s.role, json_out=True)
        js = js or {}
        if js.get("state") == "idle" and not js.get("draft"):
            return
        if js.get("draft"):
            a.keys("Escape")
            a.keys("Escape")
            for _ in range(js["draft"].count("\n") + 2):
                a.keys("C-u")
                a.keys("BSpace")
        elif js.get("state") in ("waiting_select", "unknown"):
            a.keys("Escape")
        time.sleep(1.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", "--keep", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--agents", default="codex,gemini")
    ap.add_argument("--only", default=ORDER)
    a = ap.parse_args()
    if a.verbose:
        os.environ["SB_E2E_VERBOSE"] = "1"
    t0 = time.monotonic()
    sb = os.path.abspath(os.path.join(REPO, os.environ.get("SB_BIN") or "target/release/sb"))
    agents = [x for x in a.agents.split(",") if x]
    if not set(a.only) & set(ORDER):
        agents = []  # only other files' groups (mixed.py's m) were asked for
    ok = os.access(sb, os.X_OK)
    if not ok:
        report("setup: sb binary at %s" % sb, False, "missing (build it or set SB_BIN)")
    for ag in agents:
        try:
            ah.agent_bin(ag)
        except Exception as ex:
            report("setup: %s %s installed" % (ag, ah.PINNED[ag][1]), False, str(ex))
            ok = False
    if ok and agents:
        with ah.AgentEnv(keep=a.keep) as env:
            for ag in agents:
                run_agent(env, sb, ag, a.only)
    n_ok = sum(1 for _, r in RESULTS if r)
    print("total %.0fs" % (time.monotonic() - t0))
    for ag in agents:
        mine = [r for n, r in RESULTS if n.startswith(ag + " ")]
        print("%s: %d passed, %d failed" % (ag, sum(mine), len(mine) - sum(mine)))
    print("%d passed, %d failed" % (n_ok, len(RESULTS) - n_ok))
    return 1 if n_ok != len(RESULTS) else 0


if __name__ == "__main__":
    sys.exit(main())
