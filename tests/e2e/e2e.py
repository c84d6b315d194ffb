#!/usr/bin/env python3
"""End-to-end checks of sb against the real Claude Code CLI (pinned) and the scripted stand-in.

Uses ${SB_BIN:-target/release/sb} (builds nothing), installs @anthropic-ai/claude-code@2.1.332 into
the cache (SB_E2E_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/sb-e2e) when missing, prints one line per
check and finally `N passed, N failed`; exits 1 on any failure.

Every sb call gets `--socket <private tmux socket>` and SESSION_BRIDGE_DIR=<temp state dir>.
Options: -k/--keep keeps the temp dir; -v/--verbose logs progress; --only a,b,… runs some groups.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, HERE)
import harness as h  # noqa: E402

RESULTS = []


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def report(name, ok, detail="", secs=0.0):
    RESULTS.append((name, ok))
    line = "%s %s (%.1fs)" % ("ok  " if ok else "FAIL", name, secs)
    if detail:
        line += ": " + detail
    print(line, flush=True)


def run_check(name, fn, *a):
    t0 = time.monotonic()
    try:
        detail = fn(*a) or ""
        report(name, True, detail, time.monotonic() - t0)
        return True
    except (Fail, h.Timeout, AssertionError) as e:
        report(name, False, str(e).replace("\n", "\n      "), time.monotonic() - t0)
    except Exception as e:  # a harness fault is a failure too, with its trace
        report(name, False, "%s\n%s" % (e, traceback.format_exc()), time.monotonic() - t0)
    return False


# ---------------------------------------------------------------------------------------------


class Suite:
    def __init__(self, env, sb):
        self.env = env
        self.sb_path = sb
        self.state = os.path.join(env.dir, "state")
        self.sessions = {}

    def sb(self, *args, input=None, timeout=60, json_out=False, extra_env=None):
        """Run sb with the private socket and state dir. Returns (rc, stdout, stderr, json|None)."""
        e = dict(self.env.base_env)
        e["SESSION_BRIDGE_DIR"] = self.state
        e["SB_TMUX_SOCKET"] = self.env.sock
        e["HOME"] = os.path.join(self.env.dir, "sbhome")
        e["NO_COLOR"] = "1"
        e.update(extra_env or {})
        os.makedirs(e["HOME"], exist_ok=True)
        argv = [self.sb_path, "--socket", self.env.sock] + (["--json"] if json_out else []) + list(args)
        h.log("sb " + " ".join(args)[:200])
        r = subprocess.run(argv, input=input.encode() if isinstance(input, str) else input,
                           capture_output=True, timeout=timeout, env=e, stdin=None if input is not None
                           else subprocess.DEVNULL)
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        js = None
        if json_out and out.strip():
            try:
                js = json.loads(out)
            except ValueError:
                js = None
        return r.returncode, out, err, js

    def sb_ok(self, *args, **k):
        rc, out, err, js = self.sb(*args, **k)
        check(rc == 0, "`sb %s` exited %d: %s" % (" ".join(args)[:120], rc, (err or out).strip()[:800]))
        return out, js

    def pane_env(self):
        return {"SESSION_BRIDGE_DIR": self.state, "SB_TMUX_SOCKET": self.env.sock}

    def conversation(self):
        """The conversation as readers see it: each message once, its last record (a message is
        logged as a write-ahead `sending` record, then its outcome)."""
        p = os.path.join(self.state, "conversation.jsonl")
        out = []
        if os.path.exists(p):
            for line in open(p, encoding="utf-8"):
                try:
                    m = json.loads(line)
                except ValueError:
                    continue
                if m.get("outcome"):
                    out = [x for x in out if not (x.get("outcome") and x.get("id") == m.get("id"))]
                out.append(m)
        return out

    def start(self, name, role, **kw):
        kw.setdefault("extra_env", {}).update(self.pane_env())
        cl = self.env.start_claude(name, **kw)
        self.sessions[role] = cl
        return cl

    def settle(self, role):
        """Bring a peer back to an idle, empty prompt after an earlier failed check."""
        cl = self.sessions.get(role)
        if cl is None or self.env.pane_dead(cl.pane):
            return
        for _ in range(3):
            scr = cl.screen()
            if cl.has_input_box(scr) and not cl.is_busy(scr) and not h.dialog_open(scr):
                box = h.input_box(scr)
                if box and box[0].strip() not in ("❯", ""):
                    for _ in range(4):
                        cl.keys("C-u")
                        cl.keys("BSpace")
                return
            if h.dialog_open(scr):
                cl.keys("Escape")
            time.sleep(1.0)
        try:
            cl.wait_idle(20)
        except h.Timeout:
            pass

    def register(self, role, cl):
        self.sb_ok("register", role, "--pane", cl.pane)

    def detect(self, role):
        rc, out, err, js = self.sb("detect", role, json_out=True)
        check(rc == 0 and js is not None, "`sb detect %s --json` exited %d: %s %s" % (role, rc, err.strip(), out[:300]))
        return js.get("detection", js) if isinstance(js, dict) else js

    def wait_state(self, role, states, timeout=20):
        last = [None]

        def ok():
            d = self.detect(role)
            last[0] = d
            return d if d.get("state") in states else None
        try:
            return h.wait_until(ok, timeout, 0.4, "sb detect %s in %s" % (role, states))
        except h.Timeout:
            raise Fail("sb detect %s never reported %s; last: %s\nscreen:\n%s" % (
                role, states, json.dumps(last[0])[:600], self.sessions[role].screen()))

    def send_and_see(self, role, text, expect_text, timeout=30):
        """sb send; then the recipient's stand-in request with that text as one new user turn."""
        cl = self.sessions[role]
        mark = self.env.standin.mark()
        rc, out, err, js = self.sb("send", role, "--from", "tester", "-", input=text, json_out=True)
        check(rc == 0, "sb send exited %d: %s" % (rc, err.strip()[:500]))
        check(js and js.get("delivered") and js.get("submitted"),
              "send report not delivered/submitted: %s" % out[:400])
        e = self.env.standin.wait_main(lambda e: expect_text[:60] in h.unwrap_paste(e.get("user_text", "")),
                                       timeout, after=mark, what="the turn with the sent text")
        cl.wait_idle(30, stable=0.5)
        new = [x for x in self.env.standin.main_entries(after=mark) if h.session_of(x) == h.session_of(e)]
        got = h.unwrap_paste(e["user_text"])
        turns = {x["user_turns"] for x in new}
        check(len(turns) == 1, "the message became several user turns: %s" % sorted(turns))
        return got, js


# --- a. delivery ------------------------------------------------------------------------------

def norm_tabs(s):
    return s.replace("\t", "    ")


def a_short(s):
    text = "hello alice MARK-a1 short"
    got, js = s.send_and_see("alice", text, "[from:tester] " + text)
    check(got == "[from:tester] " + text, "got %r" % got)
    rec = [m for m in s.conversation() if m.get("id") == js.get("id")]
    check(rec and rec[0]["delivered"] and rec[0]["submitted"] and rec[0]["to"] == "alice",
          "conversation.jsonl record missing or wrong: %s" % rec)


def a_multiline(s):
    text = ("MARK-a2 multi-line with \"double\" and 'single' quotes, `ticks` and $HOME\n"
            "unicode: héllo wörld — ✓ 日本語 🎉\n"
            "\ttab-indented line\n\nlast line after a blank one")
    got, js = s.send_and_see("alice", text, "[from:tester] MARK-a2")
    want = "[from:tester] " + text
    # Claude Code's input turns each tab into 4 spaces (measured, see README); all else must be intact
    check(got == want or got == norm_tabs(want), "text altered:\nsent %r\ngot  %r" % (want, got))
    return "tabs arrived as 4 spaces" if got != want else ""


def a_20k(s):
    line = "%04d the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ <>&\"'\n"
    text = "MARK-a3 20 KB\n" + "".join(line % i for i in range(260))
    text = text[:20000].rstrip("\n")
    got, js = s.send_and_see("alice", text, "[from:tester] MARK-a3", timeout=40)
    check(got == "[from:tester] " + text, "20 KB text altered (len sent %d, got %d)" % (len(text) + 14, len(got)))
    check(js.get("bytes", 0) >= 20000, "report bytes %s" % js.get("bytes"))


def a_dead_pane(s):
    """A role whose pane's program has exited (the pane stays, remain-on-exit) and then whose pane
    is gone: exit 4, logged as undelivered."""
    gate = os.path.join(s.env.dir, "ghost-gate")
    pane = s.env.new_pane("ghost", "while [ ! -e %s ]; do sleep 0.05; done; exit 3" % h.shlex_quote(gate))
    s.sb_ok("register", "ghost", "--pane", pane)
    open(gate, "w").close()
    h.wait_until(lambda: s.env.pane_dead(pane), 5, 0.05, "the ghost pane to die")
    rc, out, err, js = s.sb("send", "ghost", "--from", "tester", "hello ghost MARK-a4")
    check(rc == 4, "send to an exited pane exited %d (want 4): %s" % (rc, err.strip()))
    s.env.tmux("kill-pane", "-t", pane)
    rc, out, err, js = s.sb("send", "ghost", "--from", "tester", "hello again MARK-a4")
    check(rc == 4, "send to a killed pane exited %d (want 4): %s" % (rc, err.strip()))
    rec = [m for m in s.conversation() if "MARK-a4" in m.get("text", "")]
    check(len(rec) == 2 and not any(m["delivered"] for m in rec), "not logged as 2 undelivered: %s" % rec)


def a_exited_to_shell(s):
    """Claude Code quits back to the shell it was started from: sb must not type into bash."""
    cl = s.env.start_claude("quitter", gated=True, shell_after=True)
    s.sb_ok("register", "quitter", "--pane", cl.pane)
    cl.release()
    cl.wait_ready(60)
    s.sb_ok("send", "quitter", "--from", "tester", "/exit")
    # tmux names the group leader, the shell that started claude, all along: wait until claude
    # itself has exited (sb detect looks at the process that reads the terminal).
    deadline = time.time() + 30
    cmd = None
    while time.time() < deadline:
        _, _, _, dj = s.sb("detect", "quitter", json_out=True)
        cmd = (dj or {}).get("foreground")
        if cmd == "bash":
            break
        time.sleep(0.3)
    check(cmd == "bash", "claude did not exit to bash (foreground %r):\n%s" % (cmd, cl.screen()))
    marker = os.path.join(s.env.dir, "a5-PWNED")
    rc, out, err, js = s.sb("send", "quitter", "--from", "tester", "review this; touch %s" % marker)
    time.sleep(1.0)
    check(rc == 6, "send into the shell exited %d (want 6): %s" % (rc, err.strip()))
    check("not running" in err, "refusal does not say the agent is not running: %s" % err.strip())
    check(not os.path.exists(marker), "the shell ran the message")
    rc, out, err, js = s.sb("detect", "quitter", json_out=True)
    check(js and js.get("deliverable") is False and js.get("foreground") == "bash",
          "detect does not report the shell: %s" % out[:400])
    rec = [m for m in s.conversation() if marker in m.get("text", "")]
    check(len(rec) == 1 and rec[0].get("outcome") == "undelivered", "not logged undelivered: %s" % rec)


# --- b. busy / queued -------------------------------------------------------------------------

def b_queued(s):
    cl = s.sessions["alice"]
    mark = s.env.standin.mark()
    s.sb_ok("send", "alice", "--from", "tester", "take your time MARK-b0 SB_SLOW:8")
    s.env.standin.wait_main(lambda e: "MARK-b0" in e["user_text"], 20, after=mark, what="slow turn")
    cl.wait_screen(cl.is_busy, 10, "busy")
    t_sent = time.time()
    rc, out, err, js = s.sb("send", "alice", "--from", "tester", "queued while busy MARK-b1", json_out=True)
    check(rc == 0 and js and js.get("delivered"), "send while busy: rc %d %s %s" % (rc, err.strip(), out[:300]))
    time.sleep(1.0)
    check(cl.is_busy(), "peer no longer busy right after the queued send (slow reply too short?)")
    scr = cl.screen()
    check("Queued" in scr or "MARK-b1" in scr, "queued message not shown on screen:\n" + scr)
    e = s.env.standin.wait_main(lambda e: "MARK-b1" in e["user_text"], 30, after=mark, what="queued turn")
    check(e["ts"] - t_sent > 3, "queued message was processed %.1fs after sending: not queued?" % (e["ts"] - t_sent))
    check(h.unwrap_paste(e["user_text"]) == "[from:tester] queued while busy MARK-b1", "got %r" % e["user_text"])
    slow_done = [x for x in s.env.standin.main_entries(after=mark) if "MARK-b0" in x["user_text"]]
    check(slow_done, "slow turn not found")
    cl.wait_idle(30)
    return "queued turn arrived %.1fs after the send" % (e["ts"] - t_sent)


# --- c. detect / respond ----------------------------------------------------------------------

def c_idle(s):
    s.sessions["alice"].wait_idle(20)
    d = s.wait_state("alice", ["idle"], 10)
    check(d.get("agent") in ("claude", None), "agent %r" % d.get("agent"))
    check(not d.get("draft"), "draft on an empty box: %r" % d.get("draft"))


def c_busy(s):
    cl = s.sessions["alice"]
    mark = s.env.standin.mark()
    s.sb_ok("send", "alice", "--from", "tester", "slowly please MARK-c1 SB_SLOW:6")
    s.env.standin.wait_main(lambda e: "MARK-c1" in e["user_text"], 20, after=mark)
    s.wait_state("alice", ["busy"], 8)
    cl.wait_idle(30)
    s.wait_state("alice", ["idle"], 10)


def c_bash_prompt(s):
    cl = s.sessions["alice"]
    marker = os.path.join(s.env.dir, "c-bash-marker")
    s.sb_ok("send", "alice", "--from", "tester", "run it SB_BASH: touch %s" % marker)
    cl.wait_screen(lambda x: "Do you want to proceed?" in x, 20, "Bash prompt")
    d = s.wait_state("alice", ["waiting_select"], 10)
    check("Do you want to proceed?" in (d.get("question") or ""), "question %r" % d.get("question"))
    labels = [o.get("label") for o in d.get("options") or []]
    check(len(labels) == 4 and labels[0] == "Yes" and labels[-1] == "No", "options %r" % labels)
    check(d["options"][0].get("selected") is True and d["options"][0].get("number") == 1,
          "first option not parsed as selected #1: %s" % d["options"][0])
    s.c_bash = (marker, d)


def c_session_file(s):
    """While the Bash prompt is open, Claude Code's own session file says so, and detect shows it."""
    cl = s.sessions["alice"]
    cfg = os.path.join(cl.home, ".claude")
    marker, _ = s.c_bash
    deadline = time.time() + 10
    js = None
    while time.time() < deadline:
        rc, out, err, js = s.sb("detect", "alice", json_out=True, extra_env={"CLAUDE_CONFIG_DIR": cfg})
        if js and (js.get("agent_status") or {}).get("status") == "waiting":
            break
        time.sleep(0.3)
    st = (js or {}).get("agent_status") or {}
    check(st.get("status") == "waiting", "session file status not found/waiting: %s" % json.dumps(js)[:600])
    check(st.get("waiting_for") == "permission prompt", "waitingFor %r" % st.get("waiting_for"))
    check((st.get("source") or "").startswith(os.path.join(cfg, "sessions")), "source %r" % st.get("source"))
    check(js.get("deliverable") is False, "deliverable while a prompt is open")
    check(marker in (js.get("detail") or ""), "detail does not name the command: %r" % js.get("detail"))
    return "session file %s" % os.path.basename(st.get("source") or "")


def c_guard(s):
    """sb send must refuse (exit 6) to paste into the open Bash prompt: that would approve it."""
    cl = s.sessions["alice"]
    marker, _ = s.c_bash
    before = cl.screen()
    rc, out, err, js = s.sb("send", "alice", "--from", "tester", "this must not approve anything", json_out=True)
    time.sleep(1.0)
    check(rc == 6, "sb send into an open permission prompt exited %d (want 6): %s %s\nscreen before:\n%s" % (
        rc, err.strip(), out.strip()[:1500], before))
    check(not os.path.exists(marker), "the Bash command ran: the send approved the prompt")
    check("Do you want to proceed?" in cl.screen(), "the prompt is gone")
    rec = [m for m in s.conversation() if m.get("text") == "this must not approve anything"]
    check(rec and rec[-1]["delivered"] is False, "refused message not logged as undelivered: %s" % rec)


def c_respond_bash(s):
    cl = s.sessions["alice"]
    marker, d = s.c_bash
    yes = next(o["number"] for o in d["options"] if o.get("label") == "Yes")
    mark = s.env.standin.mark()
    s.sb_ok("respond", "alice", str(yes))
    e = s.env.standin.wait_main(lambda e: e.get("script") == "bash" and e.get("step") == 1, 20, after=mark,
                                what="the request carrying the tool_result")
    check(os.path.exists(marker), "marker file not created after respond")
    check("(tool_result" in json.dumps(e["reply"]), "no tool_result step")
    cl.wait_idle(20)


def c_ask(s):
    """As a manager agent would: `sb wait --until waiting`, then at once `sb respond --option`.
    (Claude Code 2.1.332 ignores keys that arrive within ~150 ms of a dialog appearing; sb must
    cope with that, so this check answers as early as sb itself reports the menu.)"""
    cl = s.sessions["alice"]
    s.sb_ok("send", "alice", "--from", "tester", "ask me SB_ASK")
    rc, out, err, js = s.sb("wait", "alice", "--until", "waiting", "--timeout", "20s", "--interval", "50ms",
                            json_out=True)
    check(rc == 0 and js, "sb wait --until waiting exited %d: %s" % (rc, err.strip()))
    d = js.get("report", js)
    d = d.get("detection", d)
    check(d.get("state") == "waiting_select", "state %r" % d.get("state"))
    check("Which colour should the banner be?" in (d.get("question") or ""), "question %r" % d.get("question"))
    labels = [o.get("label") for o in d.get("options") or []]
    check(labels[:3] == ["Red", "Green", "Blue"], "options %r" % labels)
    green = next(o["number"] for o in d["options"] if o.get("label") == "Green")
    mark = s.env.standin.mark()
    s.sb_ok("respond", "alice", "--option", str(green))
    try:
        e = s.env.standin.wait_main(lambda e: e.get("script") == "ask" and e.get("step") == 1, 8, after=mark)
    except h.Timeout:
        raise Fail("`sb respond alice --option %d` right after `sb wait --until waiting` exited 0 but the"
                   " dialog did not take the key (still open: %s)" % (green, "Enter to select" in cl.screen()))
    last_user = [m for m in e["body"]["messages"] if m.get("role") == "user"][-1]
    check("Green" in json.dumps(last_user), "tool_result does not carry the answer Green: %s"
          % json.dumps(last_user)[:400])
    cl.wait_idle(20)


def c_prose(s):
    cl = s.sessions["alice"]
    s.sb_ok("send", "alice", "--from", "tester", "anything unclear? SB_QUESTION")
    cl.wait_screen(lambda x: "Should I deploy the build to staging now?" in x, 20)
    cl.wait_idle(20)
    d = s.wait_state("alice", ["waiting_text"], 10)
    check("Should I deploy the build to staging now?" in (d.get("question") or ""), "question %r" % d.get("question"))


def c_draft(s):
    cl = s.sessions["alice"]
    cl.keys("-l", "an unsent draft")
    time.sleep(0.8)
    d = s.wait_state("alice", ["idle"], 10)
    check(d.get("draft") == "an unsent draft", "draft %r" % d.get("draft"))
    rc, out, err, js = s.sb("send", "alice", "--from", "tester", "must not be typed over the draft")
    check(rc == 6, "send over a draft exited %d (want 6)" % rc)
    for _ in range(3):
        cl.keys("C-u")
    time.sleep(0.5)
    # The draft is gone: the screen is back to the question of c7 (waiting_text).
    s.wait_state("alice", ["waiting_text", "idle"], 5)


def c_when_ready(s):
    """`sb send --when-ready` while a Bash prompt is open waits (does not approve it), and delivers
    once the prompt has been answered."""
    cl = s.sessions["alice"]
    marker = os.path.join(s.env.dir, "c9-marker")
    s.sb_ok("send", "alice", "--from", "tester", "run it SB_BASH: touch %s" % marker)
    cl.wait_screen(lambda x: "Do you want to proceed?" in x, 20, "Bash prompt")
    time.sleep(0.5)
    e = dict(s.env.base_env, SESSION_BRIDGE_DIR=s.state, SB_TMUX_SOCKET=s.env.sock, NO_COLOR="1")
    p = subprocess.Popen([s.sb_path, "--socket", s.env.sock, "send", "alice", "--from", "tester",
                          "--when-ready=30s", "waited for the prompt MARK-c9"], env=e,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(2.5)
        check(p.poll() is None, "send --when-ready returned while the prompt was open (rc %s)" % p.poll())
        check(not os.path.exists(marker), "the Bash command ran while send --when-ready waited")
        s.sb_ok("respond", "alice", "1")
        out, err = p.communicate(timeout=40)
        check(p.returncode == 0, "send --when-ready exited %d: %s" % (p.returncode, err.decode().strip()))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    # sent while the approved command still runs, Claude Code 2.1.332 hands the message to the
    # model within the running turn (with the tool_result) rather than as a new turn: both count
    want = "[from:tester] waited for the prompt MARK-c9"
    try:
        en = s.env.standin.wait_main(lambda e: "MARK-c9" in e["user_text"] or
                                     any("MARK-c9" in t for t in e.get("midturn") or []),
                                     20, what="the waited message")
    except h.Timeout:
        raise Fail("send --when-ready exited 0 (%s) but the message never reached the model; screen:\n%s"
                   % (err.decode(errors="replace").strip(), cl.screen()))
    how = "as a new turn" if "MARK-c9" in en["user_text"] else "mid-turn, with the tool_result"
    got = h.unwrap_paste(en["user_text"]) if how == "as a new turn" else en["midturn"][0]
    check(got == want, "got %r" % got)
    check(os.path.exists(marker), "the Bash command did not run after respond")
    cl.wait_idle(20)
    return "delivered " + how


# --- d. hook ----------------------------------------------------------------------------------

def hook_context(entry, brief):
    """The message carrying the hook's additionalContext. 2.1.332 sends JSON additionalContext as
    a `role: system` message "SessionStart hook additional context: …" (plain stdout of a hook
    arrives as "SessionStart:<source> hook success: …" instead); either counts."""
    for m in (entry.get("body") or {}).get("messages") or []:
        t = json.dumps(m.get("content"), ensure_ascii=False)
        if brief in t and ("SessionStart hook additional context" in t or "SessionStart:" in t):
            return m
    return None


def d_hook(s):
    brief = "BRIEFING-%s: you are the dev role; keep answers short." % secrets.token_hex(4)
    s.brief = brief
    settings = {"permissions": {"defaultMode": "default"}}
    cl = s.start("hooked", "dev", settings=settings, gated=True)
    # `sb setup` wires the hook into this session's settings.json (HOME is the session's own;
    # with claude on PATH it also registers the MCP server there).
    e = dict(s.env.base_env, **cl.penv)
    e["PATH"] = os.path.dirname(cl.exe) + os.pathsep + e.get("PATH", "")
    r = subprocess.run([s.sb_path, "--json", "setup"], env=e, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "sb setup exited %d: %s" % (r.returncode, r.stderr.strip()[:500]))
    merged = json.load(open(os.path.join(cl.home, ".claude", "settings.json"), encoding="utf-8"))
    check(merged.get("permissions", {}).get("defaultMode") == "default", "sb setup lost the permissions key")
    hooks = json.dumps(merged.get("hooks", {}))
    check("hook session-start" in hooks, "sb setup did not add the SessionStart hook: %s" % hooks[:300])
    s.register("dev", cl)
    s.sb_ok("prompt", "set", "dev", brief)
    cl.release()
    cl.wait_ready(60)
    mark = s.env.standin.mark()
    s.sb_ok("send", "dev", "--from", "tester", "hello dev MARK-d1")
    e = s.env.standin.wait_main(lambda e: "MARK-d1" in e["user_text"], 30, after=mark)
    body = h.body_text(e)
    check(brief in body, "the briefing is not in the startup request")
    check(hook_context(e, brief), "the briefing is not in a SessionStart hook message")
    s.d_sid = h.session_of(e)
    cl.wait_idle(20)


def d_hook_clear(s):
    cl = s.sessions["dev"]
    s.sb_ok("send", "dev", "--from", "tester", "/clear")
    time.sleep(2)
    cl.wait_idle(20)
    mark = s.env.standin.mark()
    s.sb_ok("send", "dev", "--from", "tester", "after clear MARK-d2")
    e = s.env.standin.wait_main(lambda e: "MARK-d2" in e["user_text"], 30, after=mark)
    body = h.body_text(e)
    check(h.session_of(e) != s.d_sid, "session id unchanged after /clear")
    check(e["user_turns"] == 1, "history not cleared (%d user turns)" % e["user_turns"])
    check(s.brief in body, "the briefing is not in the request after /clear")
    check(hook_context(e, s.brief), "the briefing is not in a SessionStart hook message")


# --- e. MCP -----------------------------------------------------------------------------------

def e_mcp(s):
    settings = {"permissions": {"defaultMode": "default", "allow": ["mcp__session-bridge"]}}
    cl = s.start("lead", "lead", settings=settings, gated=True)
    r = cl.cli("mcp", "add", "-s", "user", "session-bridge", "--", s.sb_path, "mcp")
    check(r.returncode == 0, "claude mcp add failed: %s %s" % (r.stdout, r.stderr))
    r = cl.cli("mcp", "list", timeout=60)
    check("session-bridge" in r.stdout and "Connected" in r.stdout,
          "claude mcp list does not show session-bridge connected:\n%s%s" % (r.stdout, r.stderr))
    s.register("lead", cl)
    cl.release()
    cl.wait_ready(60)
    s.sessions["alice"].wait_idle(20)
    marker = "MARK-e1-%s" % secrets.token_hex(3)
    mark = s.env.standin.mark()
    n_conv = len(s.conversation())
    s.sb_ok("send", "lead", "--from", "tester", "tell alice SB_MCP_SEND: alice from=lead %s via mcp" % marker)
    e = s.env.standin.wait_main(lambda e: marker in e["user_text"] and "[from:lead]" in e["user_text"]
                                and "SB_MCP_SEND" not in e["user_text"], 40, after=mark,
                                what="alice's turn with the MCP-sent message")
    check(h.unwrap_paste(e["user_text"]) == "[from:lead] %s via mcp" % marker, "got %r" % e["user_text"])
    done = s.env.standin.wait_main(lambda e: e.get("script") == "mcp_send" and "Sent via the bridge"
                                   in json.dumps(e["reply"]), 20, after=mark, what="lead's turn end")
    check("tool_result ok" in json.dumps(done["reply"]), "the MCP tool returned an error: %s"
          % json.dumps(done["body"]["messages"][-1])[:600])
    rec = [m for m in s.conversation()[n_conv:] if marker in m.get("text", "") and m.get("from") != "tester"]
    check(rec and rec[0]["from"] == "lead" and rec[0]["to"] == "alice" and rec[0]["delivered"],
          "conversation.jsonl lacks the MCP-sent message: %s" % rec)



# --- f. confirmed delivery and sb watch ---------------------------------------------------------

def f_confirm_idle(s):
    """`sb send --confirm` into an idle session whose SessionStart hook recorded its transcript."""
    s.sessions["dev"].wait_idle(20)
    rc, out, err, js = s.sb("send", "dev", "--from", "tester", "--confirm=20s", "confirm me MARK-f1", json_out=True)
    check(rc == 0 and js, "send --confirm exited %d: %s" % (rc, err.strip()))
    c = js.get("confirmation") or {}
    check((js.get("confirmation") or {}).get("confirmed") is True, "not confirmed: %s" % json.dumps(js)[:400])
    check(c.get("method") == "transcript", "confirmed by %r, not by the transcript" % c.get("method"))
    s.sessions["dev"].wait_idle(20)
    return "confirmed by the transcript after %s ms" % c.get("waited_ms")


def f_confirm_busy(s):
    """`--confirm` to a busy session: confirmed once Claude Code takes the queued message."""
    cl = s.sessions["dev"]
    mark = s.env.standin.mark()
    s.sb_ok("send", "dev", "--from", "tester", "work a while MARK-f2a SB_SLOW:6")
    s.env.standin.wait_main(lambda e: "MARK-f2a" in e["user_text"], 20, after=mark, what="slow turn")
    cl.wait_screen(cl.is_busy, 10, "busy")
    rc, out, err, js = s.sb("send", "dev", "--from", "tester", "--confirm=40s", "queued MARK-f2b", json_out=True)
    check(rc == 0 and js, "send --confirm exited %d: %s" % (rc, err.strip()))
    c = js.get("confirmation") or {}
    check((js.get("confirmation") or {}).get("confirmed") is True, "not confirmed: %s" % json.dumps(js)[:400])
    check(c.get("waited_ms", 0) > 1500, "confirmed after %s ms, before the busy turn ended?" % c.get("waited_ms"))
    e = s.env.standin.wait_main(lambda e: "MARK-f2b" in e["user_text"], 30, after=mark, what="queued turn")
    cl.wait_idle(30)
    return "confirmed after %s ms (peer was busy)" % c.get("waited_ms")


def f_watch(s):
    """`sb watch --notify dev`: alice hits a Bash permission prompt; dev gets one notice as a user turn."""
    alice, dev = s.sessions["alice"], s.sessions["dev"]
    alice.wait_idle(20)
    dev.wait_idle(20)
    e = dict(s.env.base_env, SESSION_BRIDGE_DIR=s.state, SB_TMUX_SOCKET=s.env.sock, NO_COLOR="1")
    w = subprocess.Popen([s.sb_path, "--socket", s.env.sock, "watch", "--notify", "dev", "--roles", "alice",
                          "--interval", "300ms", "--jsonl"], env=e, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        marker = os.path.join(s.env.dir, "f3-marker")
        mark = s.env.standin.mark()
        s.sb_ok("send", "alice", "--from", "tester", "run it SB_BASH: touch %s" % marker)
        alice.wait_screen(lambda x: "Do you want to proceed?" in x, 20, "Bash prompt")
        n = s.env.standin.wait_main(lambda e: "[sb watch] alice is waiting on a menu" in e["user_text"], 30,
                                    after=mark, what="dev's turn with the watch notice")
        text = h.unwrap_paste(n["user_text"])
        check("Do you want to proceed?" in text, "notice lacks the question: %r" % text)
        check("sb respond alice --option 1 --expect" in text, "notice lacks the respond command: %r" % text)
        time.sleep(2.0)
        notices = [x for x in s.env.standin.main_entries(after=mark) if "[sb watch] alice" in x["user_text"]]
        check(len(notices) == 1, "%d notices for one open prompt" % len(notices))
        check(not os.path.exists(marker), "the Bash command ran without an answer")
        s.sb_ok("respond", "alice", "Escape")
        alice.wait_idle(20)
        dev.wait_idle(30)
    finally:
        w.terminate()
        try:
            w.wait(5)
        except subprocess.TimeoutExpired:
            w.kill()
    events = [json.loads(l) for l in open(os.path.join(s.state, "events.jsonl"), encoding="utf-8") if l.strip()]
    check(any(ev.get("kind") == "notified" and ev.get("role") == "alice" for ev in events), "no notified event")
    return "one notice, %d events logged" % len(events)

# --- q. the delivery queue and receipts (issue #18) ---------------------------------------------

def mcp_call(s, tool, args, timeout=60):
    """One MCP tool call through `sb mcp`, as a manager session's client would make it: the
    handshake, then tools/call. Returns the result object (structuredContent, isError)."""
    e = dict(s.env.base_env, SESSION_BRIDGE_DIR=s.state, SB_TMUX_SOCKET=s.env.sock,
             HOME=os.path.join(s.env.dir, "sbhome"))
    reqs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "e2e-manager", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": args}},
    ]
    p = subprocess.Popen([s.sb_path, "--socket", s.env.sock, "mcp"], env=e, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write((json.dumps(reqs[0]) + "\n").encode())
        p.stdin.flush()
        p.stdout.readline()  # the initialize result
        for r in reqs[1:]:
            p.stdin.write((json.dumps(r) + "\n").encode())
        p.stdin.flush()
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            msg = json.loads(line)
            if msg.get("id") == 2:
                return msg.get("result") or {}
        raise Fail("no tools/call answer from sb mcp: %s" % p.stderr.read().decode()[:500])
    finally:
        try:
            p.stdin.close()
        except OSError:
            pass
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def q_queue_behind_prompt(s):
    """A manager's MCP `send` with queue: true to a peer whose Bash permission prompt is open: the
    message is queued, nothing is typed into the prompt; after `sb respond` approves, `sb watch`
    delivers it, it arrives once, and its receipt reaches `seen` (by the peer's transcript)."""
    settings = {"permissions": {"defaultMode": "default"}}
    cl = s.start("qpeer", "qp", settings=settings, gated=True)
    e = dict(s.env.base_env, **cl.penv)
    e["PATH"] = os.path.dirname(cl.exe) + os.pathsep + e.get("PATH", "")
    r = subprocess.run([s.sb_path, "--json", "setup"], env=e, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "sb setup exited %d: %s" % (r.returncode, r.stderr.strip()[:500]))
    s.register("qp", cl)
    s.sb_ok("prompt", "set", "qp", "You are qp; keep answers short.")  # the hook records only with one
    cl.release()
    cl.wait_ready(60)
    # the SessionStart hook records the transcript on the role
    h.wait_until(lambda: (json.load(open(os.path.join(s.state, "registry.json")))["roles"]["qp"]
                          .get("transcript_path")), 30, 0.3, "the hook recording qp's transcript")
    env = dict(s.env.base_env, SESSION_BRIDGE_DIR=s.state, SB_TMUX_SOCKET=s.env.sock, NO_COLOR="1",
               HOME=os.path.join(s.env.dir, "sbhome"))
    w = subprocess.Popen([s.sb_path, "--socket", s.env.sock, "watch", "--interval", "300ms", "--jsonl"],
                         env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        marker = os.path.join(s.env.dir, "q1-marker")
        s.sb_ok("send", "qp", "--from", "tester", "--via", "paste", "run it SB_BASH: touch %s" % marker)
        cl.wait_screen(lambda x: "Do you want to proceed?" in x, 20, "Bash prompt")
        s.wait_state("qp", ["waiting_select"], 10)
        mark = s.env.standin.mark()
        # via paste: the queue is what this checks (`auto` would hand the message to Claude Code's
        # own socket, which also never types into the prompt: tests/e2e/native.py n3)
        res = mcp_call(s, "send", {"to": "qp", "from": "lead", "text": "queued for you MARK-q1", "queue": True,
                                   "via": "paste"})
        sc = res.get("structuredContent") or {}
        check(not res.get("isError"), "MCP send failed: %s" % json.dumps(res)[:600])
        check(sc.get("outcome") == "queued", "MCP send outcome %r (want queued): %s" % (sc.get("outcome"),
                                                                                       json.dumps(sc)[:600]))
        check((sc.get("queued") or {}).get("watcher_running") is True, "no watcher seen: %s" % sc.get("queued"))
        qid = sc.get("id")
        time.sleep(2.5)
        check(not os.path.exists(marker), "the Bash command ran: something was typed into the prompt")
        check("Do you want to proceed?" in cl.screen(), "the prompt is gone before the answer")
        check(not [x for x in s.env.standin.main_entries(after=mark) if "MARK-q1" in json.dumps(x.get("body"))],
              "the queued message reached the model while the prompt was open")
        _, qjs = s.sb_ok("queue", json_out=True)
        check([q.get("id") for q in (qjs or {}).get("queued", [])] == [qid], "sb queue: %s" % qjs)
        _, d = s.sb_ok("detect", "qp", json_out=True)
        fp = (d or {}).get("fingerprint")
        s.sb_ok("respond", "qp", "--option", "1", "--expect", fp)
        want = "[from:lead] queued for you MARK-q1"
        en = s.env.standin.wait_main(lambda e: "MARK-q1" in e["user_text"] or
                                     any("MARK-q1" in t for t in e.get("midturn") or []),
                                     40, after=mark, what="the queued message")
        how = "as a new turn" if "MARK-q1" in en["user_text"] else "mid-turn, with the tool_result"
        got = h.unwrap_paste(en["user_text"]) if how == "as a new turn" else en["midturn"][0]
        check(got == want, "got %r" % got)
        check(os.path.exists(marker), "the Bash command did not run after respond")
        cl.wait_idle(40)
        turns = [x for x in s.env.standin.main_entries(after=mark) if "MARK-q1" in x["user_text"]]
        check(len({x["user_turns"] for x in turns}) <= 1, "the message became several user turns")

        def seen():
            _, hjs = s.sb_ok("history", "--role", "qp", json_out=True)
            m = [x for x in (hjs or {}).get("messages", []) if x.get("id") == qid]
            steps = [r.get("step") for r in (m[0].get("receipts") or [])] if m else []
            return (m[0], steps) if steps and steps[-1] == "seen" else None
        try:
            m, steps = h.wait_until(seen, 30, 0.5, "the seen receipt")
        except h.Timeout:
            _, hjs = s.sb_ok("history", "--role", "qp", json_out=True)
            raise Fail("no seen receipt: %s" % json.dumps(hjs)[-1500:])
        check(steps[:3] == ["queued", "typed", "submitted"], "steps %s" % steps)
        via = (m.get("receipts") or [])[-1].get("via")
        check(via == "transcript", "seen by %r" % via)
        raw = [json.loads(l) for l in open(os.path.join(s.state, "conversation.jsonl"), encoding="utf-8")
               if l.strip()]
        delivered = [x for x in raw if x.get("id") == qid and x.get("outcome") == "delivered"
                     and not any(r.get("step") in ("seen", "flagged") for r in x.get("receipts") or [])]
        check(len(delivered) == 1, "%d delivered records for the queued message" % len(delivered))
    finally:
        w.terminate()
        try:
            w.wait(5)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()
    return "delivered %s, seen by the transcript" % how

# ---------------------------------------------------------------------------------------------

# --- g. sb up / sb down: a team of Claude Code sessions from one file ----------------------

class Team:
    """The g checks' shared state: one HOME for the team (two trusted folders, one not), the
    environment the panes inherit from the tmux server, and two team files."""

    def __init__(self, s):
        root = os.path.join(s.env.dir, "g")
        self.home = os.path.join(root, "home")
        dirs = {r: os.path.join(root, r) for r in ("ga", "gb", "gc")}
        for d in dirs.values():
            os.makedirs(d, exist_ok=True)
        real = {r: os.path.realpath(d) for r, d in dirs.items()}
        # the models may run `sb send` without a prompt; anything else still asks
        h.seed_home(self.home, real["ga"], settings={"permissions": {"allow": ["Bash(sb send:*)"]}})
        cfg_path = os.path.join(self.home, ".claude.json")
        with open(cfg_path, encoding="utf-8") as f:
            cfg = json.load(f)
        cfg["projects"][real["gb"]] = dict(cfg["projects"][real["ga"]])  # gc stays untrusted
        with open(cfg_path, "w", encoding="utf-8") as f:
            json.dump(cfg, f, indent=2)
        exe = h.claude_bin()
        self.penv = h.claude_env(s.env, self.home)
        self.penv["PATH"] = os.pathsep.join([os.path.dirname(s.sb_path), os.path.dirname(exe),
                                             s.env.base_env["PATH"]])
        # `sb up` makes the panes on this server: they get its global environment
        for k, v in self.penv.items():
            s.env.tmux("set-environment", "-g", k, v)
        tag = secrets.token_hex(4)
        self.brief = {"ga": "BRIEF-GA-%s: you are ga; keep answers short." % tag,
                      "gb": "BRIEF-GB-%s: you are gb; keep answers short." % tag}
        self.team = os.path.join(root, "sb.toml")
        with open(self.team, "w", encoding="utf-8") as f:
            f.write('session = "gteam"\n')
            for r in ("ga", "gb"):
                f.write('\n[[role]]\nname = "%s"\nagent = "claude"\ncwd = "%s"\nbriefing = "%s"\n'
                        % (r, r, self.brief[r]))
        self.team2 = os.path.join(root, "untrusted.toml")
        with open(self.team2, "w", encoding="utf-8") as f:
            f.write('session = "guntrusted"\n\n[[role]]\nname = "gc"\nagent = "claude"\ncwd = "gc"\n'
                    'briefing = "you are gc"\n')

    def sb(self, s, *args, timeout=150):
        """sb with the team's HOME and PATH (claude on it), the suite's socket and state dir."""
        e = dict(s.env.base_env, **self.penv)
        e.update(SESSION_BRIDGE_DIR=s.state, SB_TMUX_SOCKET=s.env.sock, NO_COLOR="1")
        h.log("sb " + " ".join(args))
        r = subprocess.run([s.sb_path, "--socket", s.env.sock, "--json"] + list(args), env=e,
                           capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        try:
            js = json.loads(r.stdout)
        except ValueError:
            js = None
        return r.returncode, js, (r.stderr or r.stdout).strip()[:1500]


def wait_idle_role(s, role, timeout=30):
    def ok():
        d = s.detect(role)
        return d.get("state") == "idle" and not d.get("draft")
    h.wait_until(ok, timeout, 0.4, "%s idle" % role)


def g_up(s):
    s.team = t = Team(s)
    rc, js, err = t.sb(s, "up", "--setup", "-f", t.team)
    check(rc == 0 and js, "sb up exited %d: %s" % (rc, err))
    roles = {r["role"]: r for r in js["roles"]}
    for r in ("ga", "gb"):
        check(roles[r]["status"] == "ready", "%s is %s: %s" % (r, roles[r]["status"], roles[r]["detail"]))
    check(js["wiring"][0]["applied"], "--setup did not wire Claude Code: %s" % json.dumps(js["wiring"])[:400])
    with open(os.path.join(t.home, ".claude", "settings.json"), encoding="utf-8") as f:
        merged = json.load(f)
    check("hook session-start" in json.dumps(merged.get("hooks")), "no SessionStart hook after --setup")
    check(merged.get("permissions", {}).get("allow") == ["Bash(sb send:*)"], "--setup lost the permissions")
    # each session's first request carries its own briefing, from the hook, at startup
    for r, other in (("ga", "gb"), ("gb", "ga")):
        mark = s.env.standin.mark()
        s.sb_ok("send", r, "--from", "tester", "hello %s MARK-g1%s" % (r, r))
        e = s.env.standin.wait_main(lambda e: "MARK-g1" + r in e["user_text"], 30, after=mark)
        check(e["user_turns"] == 1, "%s: not the session's first turn (%d)" % (r, e["user_turns"]))
        check(hook_context(e, t.brief[r]), "%s's briefing is not in a SessionStart hook message" % r)
        check(t.brief[other] not in h.body_text(e), "%s got %s's briefing" % (r, other))
        wait_idle_role(s, r)
    return "2 roles ready in %s; each briefing in its first request" % js["session"]


def g_send_between(s):
    """ga's model runs `sb send gb …` (Bash, allowed by the session's settings): it arrives in gb.
    Both sessions share the team's HOME, so sb finds gb's session file and sends natively
    (`--via auto`, the default): a message from @ga, not typed."""
    mark = s.env.standin.mark()
    s.sb_ok("send", "ga", "--from", "tester", "SB_BASH: sb send gb 'hello gb from ga MARK-g2'")
    e = s.env.standin.wait_main(lambda e: "MARK-g2" in e["user_text"] and 'from-name="ga"' in e["user_text"],
                                45, after=mark, what="gb's turn with ga's message")
    check('from-name="ga">\nhello gb from ga MARK-g2\n</cross-session-message>' in e["user_text"],
          "gb got %r" % e["user_text"][:300])
    # gb may take the message before ga's sb has logged its outcome (it listens for a receipt)
    def logged():
        msgs = [m for m in s.conversation() if m.get("from") == "ga" and m.get("to") == "gb"]
        return msgs if msgs and msgs[-1].get("outcome") != "sending" else None
    try:
        msgs = h.wait_until(logged, 10, 0.2, "ga's send logged")
    except h.Timeout:
        msgs = [m for m in s.conversation() if m.get("from") == "ga" and m.get("to") == "gb"]
    check(msgs and msgs[-1].get("delivered") and msgs[-1].get("via") == "native",
          "no natively delivered ga → gb message in the log: %s" % msgs[-1:])
    wait_idle_role(s, "ga")
    wait_idle_role(s, "gb")


def g_untrusted(s):
    """A role in a folder Claude Code does not trust yet: reported stuck on the trust dialog with
    the respond commands, and the dialog is left open."""
    t = s.team
    mark = s.env.standin.mark()
    rc, js, err = t.sb(s, "up", "-f", t.team2, "--timeout", "60s")
    check(rc == 5 and js, "sb up exited %d (want 5): %s" % (rc, err))
    r = js["roles"][0]
    check(r["status"] == "stuck", "gc is %s: %s" % (r["status"], r["detail"]))
    check("trust" in (r["question"] or ""), "not the trust dialog: %r" % r["question"])
    fp = r["fingerprint"]
    check(any(("sb respond gc --option 2 --expect %s" % fp) in c and "trust" in c for c in r["respond"]),
          "no respond command for 'Yes, I trust this folder': %s" % r["respond"])
    time.sleep(2.0)
    d = s.detect("gc")
    check(d.get("state") == "waiting_select" and d.get("fingerprint") == fp,
          "the dialog did not stay open: %s" % json.dumps(d)[:300])
    check(not s.env.standin.main_entries(after=mark), "gc reached the model: the dialog was answered")
    rc, js, err = t.sb(s, "down", "-f", t.team2, "--grace", "1s")
    check(rc == 0 and js, "sb down exited %d: %s" % (rc, err))
    r = js["roles"][0]
    check(r["asked"] is None and r["stop"] == "killed", "a menu must not be typed into: %s" % r)
    return "stuck on %r, left open" % d.get("question")


def g_down(s):
    """sb down types /exit into each idle session; Claude Code exits by itself; roles unregistered."""
    t = s.team
    rc, js, err = t.sb(s, "down", "-f", t.team, "--grace", "20s")
    check(rc == 0 and js, "sb down exited %d: %s" % (rc, err))
    for r in js["roles"]:
        check(r["asked"] == "/exit" and r["stop"] == "exited" and r["unregistered"],
              "%s: %s" % (r["role"], json.dumps(r)))
    _, peers = s.sb_ok("peers", json_out=True)
    left = [p["role"] for p in peers["peers"] if p["role"] in ("ga", "gb", "gc")]
    check(not left, "still registered: %s" % left)
    r = s.env.tmux("list-panes", "-s", "-t", "gteam", check=False)
    check(r.returncode != 0, "session gteam still has panes: %s" % r.stdout.decode())
    for k in t.penv:
        s.env.tmux("set-environment", "-gu", k, check=False)


# --- s. the captured screens, classified offline --------------------------------------------

def s_screens(s):
    """`sb detect --screen` on every screen in tests/e2e/screens (plain and -e) against the state
    its .note names."""
    d = os.path.join(HERE, "screens")
    bad, n = [], 0
    for f in sorted(os.listdir(d)):
        if not f.endswith(".note"):
            continue
        name = f[:-5]
        want = open(os.path.join(d, f), encoding="utf-8").readline().split(":", 1)[1].strip()
        for ext in ("txt", "ansi"):
            n += 1
            rc, out, err, js = s.sb("detect", "--screen", os.path.join(d, name + "." + ext), json_out=True)
            got = (js or {}).get("detection", js or {}).get("state") if js else "exit %d: %s" % (rc, err.strip())
            if got != want:
                bad.append("%s.%s: want %s, got %s" % (name, ext, want, got))
    check(not bad, "%d of %d screens misclassified:\n%s" % (len(bad), n, "\n".join(bad)))
    return "%d screens" % n


GROUPS = {
    "a": [("a1 send short message -> one user turn", a_short),
          ("a2 send multi-line quotes/unicode -> one user turn", a_multiline),
          ("a3 send 20 KB message -> one user turn", a_20k),
          ("a4 send to an exited / killed pane -> exit 4, logged undelivered", a_dead_pane),
          ("a5 claude exits to its shell: send refused (exit 6), nothing runs", a_exited_to_shell)],
    "b": [("b1 send while busy is queued and processed after", b_queued)],
    "c": [("c1 detect idle", c_idle),
          ("c2 detect busy during a slow reply", c_busy),
          ("c3 detect Bash permission prompt (options parsed)", c_bash_prompt),
          ("c3b Claude Code's session file says waiting; detect shows it and the command", c_session_file),
          ("c4 send guard refuses an open Bash prompt (exit 6)", c_guard),
          ("c5 respond <n> approves the Bash prompt, the tool runs", c_respond_bash),
          ("c6 detect AskUserQuestion + respond --option", c_ask),
          ("c7 detect prose question -> waiting_text", c_prose),
          ("c8 detect draft + send guard refuses it (exit 6)", c_draft),
          ("c9 send --when-ready waits behind a Bash prompt, delivers after respond", c_when_ready)],
    "d": [("d1 hook: briefing at startup", d_hook),
          ("d2 hook: briefing after sb send /clear", d_hook_clear)],
    "e": [("e1 mcp: send tool delivers into another session", e_mcp)],
    "f": [("f1 send --confirm into an idle session (transcript)", f_confirm_idle),
          ("f2 send --confirm into a busy session, confirmed once taken", f_confirm_busy),
          ("f3 sb watch: one notice in the manager's session for a Bash prompt", f_watch)],
    "s": [("s1 sb detect --screen on the captured screens", s_screens)],
    "q": [("q1 MCP send queue:true behind a Bash prompt: queued, nothing typed; after respond delivered once,"
           " receipt seen", q_queue_behind_prompt)],
    "g": [("g1 sb up: two claude roles ready, each briefing in its first request via the hook", g_up),
          ("g2 sb send between two roles started by sb up (ga's model runs sb send gb)", g_send_between),
          ("g3 sb up: a role in an untrusted folder is reported stuck on the trust dialog, not answered",
           g_untrusted),
          ("g4 sb down: /exit typed into each session, both exit, roles unregistered", g_down)],
}
# a check that needs an earlier one is skipped (failed) when that one failed
NEEDS = {c_session_file: c_bash_prompt, c_guard: c_bash_prompt, c_respond_bash: c_bash_prompt,
         d_hook_clear: d_hook, f_confirm_idle: d_hook, f_confirm_busy: d_hook, f_watch: d_hook,
         g_send_between: g_up, g_untrusted: g_up, g_down: g_up}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", "--keep", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--only", default="abcdefsgq")
    a = ap.parse_args()
    if a.verbose:
        os.environ["SB_E2E_VERBOSE"] = "1"
    t0 = time.monotonic()
    sb = os.path.abspath(os.path.join(REPO, os.environ.get("SB_BIN") or "target/release/sb"))
    ok_pre = True
    if not os.access(sb, os.X_OK):
        report("setup: sb binary at %s" % sb, False, "missing (build it or set SB_BIN)")
        ok_pre = False
    else:
        hl = subprocess.run([sb, "--help"], capture_output=True, text=True, timeout=20).stdout
        missing = [c for c in ("send", "detect", "respond", "register", "prompt", "hook", "mcp")
                   if not any(l.strip().startswith(c + " ") or l.strip() == c for l in hl.splitlines())]
        hooks = subprocess.run([sb, "hook", "--help"], capture_output=True, text=True, timeout=20)
        if "hook" in missing and hooks.returncode == 0:
            missing.remove("hook")  # hidden subcommands are fine
        mcp = subprocess.run([sb, "mcp", "--help"], capture_output=True, text=True, timeout=20)
        if "mcp" in missing and mcp.returncode == 0:
            missing.remove("mcp")
        report("setup: sb --help lists the commands", not missing,
               ("missing: " + ", ".join(missing)) if missing else "")
    try:
        h.claude_bin()
        report("setup: claude %s installed" % h.CLAUDE_VERSION, True)
    except Exception as e:
        report("setup: claude %s installed" % h.CLAUDE_VERSION, False, str(e))
        ok_pre = False
    if ok_pre:
        with h.Env(keep=a.keep) as env:
            s = Suite(env, sb)
            passed = {}
            alice = None
            if set(a.only) & set("abcef"):
                alice = s.start("alice", "alice", permissions_default=True)
                try:
                    alice.wait_ready(60)
                    s.register("alice", alice)
                except Exception as ex:
                    report("setup: alice session + sb register", False, str(ex))
            for g in "abcdefsgq":
                if g not in a.only:
                    continue
                for name, fn in GROUPS[g]:
                    dep = NEEDS.get(fn)
                    if dep is not None and not passed.get(dep):
                        report(name, False, "skipped: needs %s" % dep.__name__)
                        continue
                    if "alice" in s.sessions and dep is None:  # dependent checks continue a state
                        s.settle("alice")
                    passed[fn] = run_check(name, fn, s)
    n_ok = sum(1 for _, ok in RESULTS if ok)
    n_fail = len(RESULTS) - n_ok
    sys.stdout.write("total %.0fs\n" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (n_ok, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
