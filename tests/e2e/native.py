#!/usr/bin/env python3
"""End-to-end checks of native delivery (issue 19): `sb send --via native|auto` writes the message
to the real Claude Code session's own cross-session socket instead of typing it.

Uses ${SB_BIN:-target/release/sb} and the pinned Claude Code (see harness.py) against the scripted
stand-in. Prints one line per check and `N passed, N failed`; exits 1 on any failure.
Options: -k/--keep keeps the temp dir; -v/--verbose logs progress; --only n1,n3 runs some checks (n0
and the sessions always start); `tests/e2e/run --only …` passes its group letters: all of these
checks run when they include `n`, none otherwise.

The sessions `lead`, `dev` and `kite` share one HOME (as one user's sessions do), so sb finds their
session files under `$HOME/.claude/sessions`; `kite` runs with CLAUDE_CODE_HARBOR_KITE=0 (messaging
off). `holder` and `refuser` have their own HOMEs whose settings.json hold or refuse peer messages
(`crossSessionInbound`); sb is pointed at them with CLAUDE_CONFIG_DIR.
"""

import argparse
import glob
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import harness as h  # noqa: E402
import e2e  # noqa: E402  (check, run_check, report, RESULTS)

check = e2e.check
Fail = e2e.Fail


class Native:
    def __init__(self, env, sb):
        self.env = env
        self.sb_path = sb
        self.state = os.path.join(env.dir, "state")
        self.home = os.path.join(env.dir, "shared-home")
        os.makedirs(self.home, exist_ok=True)
        self.s = {}  # role -> h.Claude

    def sb(self, *args, input=None, timeout=60, json_out=False, config=None):
        e = dict(self.env.base_env, SESSION_BRIDGE_DIR=self.state, SB_TMUX_SOCKET=self.env.sock,
                 HOME=self.home, NO_COLOR="1")
        if config:
            e["CLAUDE_CONFIG_DIR"] = config
        argv = [self.sb_path, "--socket", self.env.sock] + (["--json"] if json_out else []) + list(args)
        h.log("sb " + " ".join(args)[:200])
        r = subprocess.run(argv, input=input.encode() if isinstance(input, str) else input,
                           capture_output=True, timeout=timeout, env=e,
                           stdin=None if input is not None else subprocess.DEVNULL)
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
        check(rc == 0, "`sb %s` exited %d: %s %s" % (" ".join(args)[:120], rc, err.strip()[:800], out[:400]))
        return out, js

    def config(self, role):
        """The Claude config dir sb must be pointed at for this role (None: the shared HOME's)."""
        cl = self.s[role]
        return None if cl.home == self.home else os.path.join(cl.home, ".claude")

    def session_file(self, role):
        cl = self.s[role]
        p = os.path.join(cl.home, ".claude", "sessions", "%d.json" % claude_pid(cl))
        with open(p) as f:
            return p, json.load(f)

    def session_id(self, role):
        return self.session_file(role)[1]["sessionId"]

    def transcript(self, role):
        """The role's transcript lines (parsed)."""
        cl = self.s[role]
        files = glob.glob(os.path.join(cl.home, ".claude", "projects", "*", self.session_id(role) + ".jsonl"))
        out = []
        for p in files:
            for line in open(p, encoding="utf-8"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def taken(self, role, msg_id):
        """Transcript records of `msg_id` taken by the model (a turn, or handed over mid-turn)."""
        return [x for x in self.transcript(role) if x.get("type") != "queue-operation" and any(
            (o or {}).get("kind") == "peer" and (o or {}).get("msg_id") == msg_id
            for o in (x.get("origin"), (x.get("attachment") or {}).get("origin")))]

    def requests(self, role, after=0):
        sid = self.session_id(role)
        return self.env.standin.main_entries(after=after, session=sid)

    def wait_request(self, role, needle, after=0, timeout=30, what=None):
        sid = self.session_id(role)
        return self.env.standin.wait_main(
            lambda e: h.session_of(e) == sid and needle in h.body_text(e), timeout, after=after,
            what=what or "%s's request with %s" % (role, needle))

    def detect(self, role):
        rc, out, err, js = self.sb("detect", role, json_out=True, config=self.config(role))
        check(rc == 0 and js is not None, "sb detect %s exited %d: %s" % (role, rc, err.strip()))
        return js

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
                role, states, json.dumps(last[0])[:600], self.s[role].screen()))

    def send(self, role, text, via, frm="tester", expect_rc=0):
        rc, out, err, js = self.sb("send", role, "--via", via, "--from", frm, text, json_out=True,
                                   config=self.config(role))
        check(rc == expect_rc, "sb send %s --via %s exited %d (want %d): %s %s" % (
            role, via, rc, expect_rc, err.strip()[:800], out[:600]))
        check(js is not None, "no JSON from sb send: %r" % out[:300])
        return js, err


def claude_pid(cl):
    """The claude process in the pane (the pane's shell execs it, so it is the pane's pid)."""
    return cl.pid


def user_turn(entry):
    return entry.get("user_text") or ""


# --- checks -----------------------------------------------------------------------------------

def n0_session_files(n):
    """What sb builds on, as measured: the session file names the socket (0600, folder 0700) and
    the pane; the key file is <pid>.<sha256 of the resolved socket path>.key (0600, peerToken,
    procStart); with CLAUDE_CODE_HARBOR_KITE=0 there is no socket path but peerProtocol is 1."""
    path, f = n.session_file("dev")
    sock = f.get("messagingSocketPath")
    check(sock, "no messagingSocketPath in %s: %s" % (path, f))
    st = os.stat(sock)
    check(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, "socket mode %o" % st.st_mode)
    check(stat.S_IMODE(os.stat(os.path.dirname(sock)).st_mode) == 0o700, "socket folder not 0700")
    check((f.get("tmux") or "").endswith("." + n.s["dev"].pane), "tmux field %r" % f.get("tmux"))
    check(f.get("version") == h.CLAUDE_VERSION, "version %r" % f.get("version"))
    key = os.path.join(os.path.dirname(path), "%d.%s.key" % (
        f["pid"], hashlib.sha256(os.path.realpath(sock).encode()).hexdigest()))
    check(os.path.exists(key), "no key file %s (have %s)" % (key, os.listdir(os.path.dirname(path))))
    check(stat.S_IMODE(os.stat(key).st_mode) == 0o600, "key file mode")
    with open(key) as kf:
        k = json.load(kf)
    check(k.get("peerToken") and str(k.get("procStart")) == str(f.get("procStart")), "key file %s" % k)
    _, kite = n.session_file("kite")
    check("messagingSocketPath" not in kite and kite.get("peerProtocol") == 1,
          "kite (HARBOR_KITE=0): %s" % kite)
    out, _ = n.sb_ok("doctor")
    check("native dev" in out and "listens on" in out, "doctor does not report native delivery to dev:\n" + out)
    check("native kite" in out and "messagingSocketPath" in out, "doctor does not say why kite gets paste:\n" + out)


def n1_idle(n):
    """Native send into an idle session: one new turn with the text, origin.kind peer."""
    mark = n.env.standin.mark()
    text = 'idle native "quoted" <b> MARK-n1\nsecond line'
    t0 = time.monotonic()
    js, _ = n.send("dev", text, "native")
    took = time.monotonic() - t0
    check(js.get("via") == "native" and js.get("outcome") == "delivered", "report %s" % js)
    nat = js.get("native") or {}
    check(nat.get("status") == "sent" and nat.get("authenticated") is True, "native %s" % nat)
    e = n.wait_request("dev", "MARK-n1", after=mark)
    t = user_turn(e)
    check('<cross-session-message from-name="tester">\n' + text + "\n</cross-session-message>" in t,
          "the turn does not carry the wrapped text intact: %r" % t[:600])
    turns = {x["user_turns"] for x in n.requests("dev", after=mark)}
    check(len(turns) == 1, "several turns: %s" % sorted(turns))
    # the transcript line is written around the time the request goes out
    try:
        rec = h.wait_until(lambda: n.taken("dev", nat["msg_id"]), 10, 0.2, "the transcript record")
    except h.Timeout:
        rec = []
    check(rec and rec[0].get("type") == "user" and rec[0]["origin"].get("name") == "tester"
          and rec[0]["origin"].get("verifiedLocal") is True, "transcript: %s" % rec)
    n.s["dev"].wait_idle(30, stable=0.5)
    scr = n.s["dev"].screen()
    check("Message from @tester" in scr, "screen:\n" + scr)
    log = [m for m in conversation(n) if "MARK-n1" in m.get("text", "")]
    check(log and log[-1].get("via") == "native" and log[-1].get("outcome") == "delivered", "log %s" % log)
    # the screen after a native message still reads as Claude Code, idle
    check(n.detect("dev").get("state") == "idle", "detect after a native message: %s" % n.detect("dev"))
    return "sb send took %.2fs (the receipt wait ends when the transcript shows the turn)" % took


def n10_draft(n):
    """A person's half-typed draft in dev's box: `--via auto` sends natively, the message becomes a
    turn, and the draft is still there, untouched."""
    cl = n.s["dev"]
    cl.keys("-l", "a half typed draft")
    d = h.wait_until(lambda: n.detect("dev").get("draft") == "a half typed draft" or None, 10, 0.3,
                     "the draft on screen")
    mark = n.env.standin.mark()
    js, _ = n.send("dev", "past the draft MARK-n10", "auto")
    check(js.get("via") == "native", "report %s" % js)
    n.wait_request("dev", "MARK-n10", after=mark)
    time.sleep(1.0)
    d = n.detect("dev")
    check(d.get("draft") == "a half typed draft", "the draft changed: %s\n%s" % (json.dumps(d)[:300], cl.screen()))
    for _ in range(3):
        cl.keys("C-u")
    n.wait_state("dev", ["idle"], 10)
    h.wait_until(lambda: n.detect("dev").get("draft") is None or None, 10, 0.3, "the draft cleared")


def n2_busy(n):
    """Native send (`--via auto`) into a busy session: delivered after the running turn."""
    mark = n.env.standin.mark()
    n.send("dev", "stream slowly MARK-n2a SB_SLOW:6", "native")
    n.wait_request("dev", "MARK-n2a", after=mark)
    n.wait_state("dev", ["busy"], 10)
    js, _ = n.send("dev", "while busy MARK-n2b", "auto")
    check(js.get("via") == "native" and js.get("peer_state") == "busy", "report %s" % js)
    e = n.wait_request("dev", "MARK-n2b", after=mark, timeout=40)
    # the slow reply is complete in the history before the message
    msgs = e["body"]["messages"]
    i = next(i for i, m in enumerate(msgs) if "MARK-n2b" in json.dumps(m))
    before = json.dumps(msgs[:i])
    check("slow scripted reply" in before and "stand-in reply" in before,
          "the message did not come after the slow turn ended: %s" % before[-600:])
    h.wait_until(lambda: n.taken("dev", js["native"]["msg_id"]), 10, 0.2, "the transcript record")
    n.s["dev"].wait_idle(30, stable=0.5)


def n3_prompt(n):
    """Native send into a session with an open Bash permission prompt: the prompt stays open, the
    command does not run; after `sb respond --option 1 --expect FP` the message arrives."""
    marker = os.path.join(n.env.dir, "n3-marker")
    mark = n.env.standin.mark()
    n.send("dev", "run it SB_BASH: touch %s" % marker, "native")
    n.s["dev"].wait_screen(lambda x: "Do you want to proceed?" in x, 30, "Bash prompt")
    d = n.wait_state("dev", ["waiting_select"], 10)
    fp = d.get("fingerprint")
    time.sleep(0.5)
    after = n.env.standin.mark()
    js, _ = n.send("dev", "during the prompt MARK-n3", "native")
    check(js.get("via") == "native" and js.get("peer_state") == "waiting_select", "report %s" % js)
    time.sleep(2.0)
    d2 = n.detect("dev")
    check(d2.get("state") == "waiting_select" and d2.get("fingerprint") == fp,
          "the prompt changed: %s\n%s" % (json.dumps(d2)[:400], n.s["dev"].screen()))
    check(not os.path.exists(marker), "the Bash command ran")
    check(not any("MARK-n3" in h.body_text(e) for e in n.requests("dev", after=after)),
          "the message reached the model while the prompt was open")
    n.sb_ok("respond", "dev", "--option", "1", "--expect", fp)
    h.wait_until(lambda: os.path.exists(marker), 15, 0.2, "the command to run after respond")
    e = n.wait_request("dev", "MARK-n3", after=after, timeout=30)
    check("during the prompt MARK-n3" in h.body_text(e), "request %s" % h.body_text(e)[:400])
    h.wait_until(lambda: n.taken("dev", js["native"]["msg_id"]), 10, 0.3, "the transcript record")
    n.s["dev"].wait_idle(30, stable=0.5)


def n4_kite_off(n):
    """A session started with CLAUDE_CODE_HARBOR_KITE=0: `auto` falls back to paste through the
    guard (refused while a prompt is open, the command not run; typed when idle)."""
    marker = os.path.join(n.env.dir, "n4-marker")
    n.sb_ok("send", "kite", "--from", "tester", "run it SB_BASH: touch %s" % marker)
    n.s["kite"].wait_screen(lambda x: "Do you want to proceed?" in x, 30, "Bash prompt")
    d = n.wait_state("kite", ["waiting_select"], 10)
    rc, out, err, js = n.sb("send", "kite", "--via", "auto", "--from", "tester", "must not answer MARK-n4a",
                            json_out=True)
    check(rc == 6, "auto send into kite's prompt exited %d (want 6): %s" % (rc, err.strip()))
    check("messagingSocketPath" in err, "the refusal does not say why native was not used: %s" % err.strip())
    time.sleep(1.0)
    check(not os.path.exists(marker), "the command ran")
    n.sb_ok("respond", "kite", "--option", "1", "--expect", d["fingerprint"])
    n.s["kite"].wait_idle(30, stable=0.5)
    mark = n.env.standin.mark()
    js, err = n.send("kite", "pasted instead MARK-n4b", "auto")
    check(js.get("via") == "paste" and "messagingSocketPath" in (js.get("native_skipped") or ""),
          "report %s" % js)
    e = n.wait_request("kite", "MARK-n4b", after=mark)
    check(h.unwrap_paste(user_turn(e)) == "[from:tester] pasted instead MARK-n4b", "turn %r" % user_turn(e))


def n5_reply(n):
    """The reply path: dev gets a native message from the role `lead`, itself a Claude Code session;
    dev's model answers with SendMessage to the wrapper's from address, and lead gets it."""
    _, lf = n.session_file("lead")
    lead_sock = lf["messagingSocketPath"]
    mark = n.env.standin.mark()
    js, _ = n.send("dev", "please answer SB_REPLY: pong from dev MARK-n5", "native", frm="lead")
    nat = js.get("native") or {}
    check(nat.get("reply_to") == "uds:" + lead_sock, "reply_to %r, lead's socket %s" % (nat.get("reply_to"), lead_sock))
    e = n.wait_request("dev", "MARK-n5", after=mark)
    check('<cross-session-message from="uds:%s" from-name="lead">' % lead_sock in user_turn(e),
          "dev's turn: %r" % user_turn(e)[:400])
    r = n.wait_request("lead", "pong from dev MARK-n5", after=mark, timeout=40,
                       what="dev's SendMessage reply in lead's session")
    check("cross-session-message" in h.body_text(r), "lead's request: %s" % h.body_text(r)[-600:])
    def peer_records():
        return [x for x in n.transcript("lead") if (x.get("origin") or {}).get("kind") == "peer"
                and "pong from dev MARK-n5" in json.dumps(x)]
    try:
        h.wait_until(peer_records, 10, 0.2, "lead's transcript record of the reply")
    except h.Timeout:
        raise Fail("lead's transcript has no peer record of the reply")
    done = [x for x in n.requests("dev", after=mark) if x.get("script") == "peer_reply"
            and "(tool_result ok)" in json.dumps(x.get("reply"))]
    check(done, "dev's SendMessage did not end with tool_result ok: %s" % [
        (x.get("script"), x.get("step"), json.dumps(x.get("reply"))[:200]) for x in n.requests("dev", after=mark)])
    for r in ("lead", "dev"):
        n.s[r].wait_idle(30, stable=0.5)


def n6_reply_from_inside(n):
    """The reply path when sb runs inside a Claude Code session: lead's model runs `sb send dev
    --via native …` through its Bash tool; sb takes the reply address from
    $CLAUDE_CODE_MESSAGING_SOCKET and the role from $TMUX_PANE; dev's SendMessage reply reaches
    lead."""
    _, lf = n.session_file("lead")
    mark = n.env.standin.mark()
    cmd = "%s send dev --via native 'from inside SB_REPLY: pong2 from dev MARK-n6'" % n.sb_path
    n.send("lead", "run it SB_BASH: " + cmd, "native")
    e = n.wait_request("dev", "MARK-n6", after=mark, timeout=40, what="lead's sb send in dev's session")
    want = '<cross-session-message from="uds:%s" from-name="lead">' % lf["messagingSocketPath"]
    check(want in user_turn(e), "dev's turn: %r (want %s)" % (user_turn(e)[:400], want))
    n.wait_request("lead", "pong2 from dev MARK-n6", after=mark, timeout=40,
                   what="dev's SendMessage reply in lead's session")
    def logged():
        log = [m for m in conversation(n) if "MARK-n6" in m.get("text", "") and m.get("from") == "lead"]
        return log if log and log[-1].get("outcome") != "sending" else None
    try:
        log = h.wait_until(logged, 10, 0.2, "lead's send logged")
    except h.Timeout:
        log = None
    check(log and log[-1].get("via") == "native" and log[-1].get("outcome") == "delivered", "log %s" % log)
    for r in ("lead", "dev"):
        n.s[r].wait_idle(30, stable=0.5)


def n9_too_long(n):
    """A message longer than one line of the socket (1 MiB): `--via native` is a usage error
    (exit 2) that says so, nothing reaches the session, and it is logged undelivered."""
    mark = n.env.standin.mark()
    big = ("MARK-n9 " + "x" * 99 + "\n") * 11000  # about 1.2 MB
    rc, out, err, js = n.sb("send", "dev", "--via", "native", "--from", "tester", "-", input=big,
                            json_out=True)
    check(rc == 2 and "1 MiB" in err, "exit %d: %s" % (rc, err.strip()[:400]))
    time.sleep(1.0)
    check(not any("MARK-n9" in h.body_text(e) for e in n.env.standin.main_entries(after=mark)),
          "the message reached a model")
    log = [m for m in conversation(n) if m.get("text", "").startswith("MARK-n9")]
    check(log and log[-1].get("outcome") == "undelivered", "log %s" % [
        {k: v for k, v in m.items() if k != "text"} for m in log])


def n7_held(n):
    """A session whose settings hold peer messages: `auto` reports held (exit 0), nothing reaches
    its model, and the log says held."""
    mark = n.env.standin.mark()
    t0 = time.monotonic()
    js, _ = n.send("holder", "hold this MARK-n7", "auto")
    took = time.monotonic() - t0
    check(js.get("outcome") == "held" and (js.get("native") or {}).get("status") == "held", "report %s" % js)
    n.s["holder"].wait_screen(lambda x: "Held peer message" in x, 10, "the held notice")
    time.sleep(1.0)
    check(not any("MARK-n7" in h.body_text(e) for e in n.env.standin.main_entries(after=mark)),
          "a held message reached the model")
    log = [m for m in conversation(n) if "MARK-n7" in m.get("text", "")]
    check(log and log[-1].get("outcome") == "held" and log[-1].get("via") == "native", "log %s" % log)
    return "held reported after %.2fs" % took


def n8_refused(n):
    """A session whose settings refuse peer messages: `auto` falls back to paste and says so."""
    mark = n.env.standin.mark()
    js, err = n.send("refuser", "refused natively MARK-n8", "auto")
    check(js.get("via") == "paste" and "refused" in (js.get("native_skipped") or ""), "report %s" % js)
    check("pasted, not sent natively" in err, "stderr does not say so: %s" % err)
    e = n.wait_request("refuser", "MARK-n8", after=mark)
    check(h.unwrap_paste(user_turn(e)) == "[from:tester] refused natively MARK-n8", "turn %r" % user_turn(e))
    rc, out, err, _ = n.sb("send", "refuser", "--via", "native", "--from", "tester", "again MARK-n8b",
                           json_out=True, config=n.config("refuser"))
    check(rc == 6 and "refused" in err, "--via native to a refusing session exited %d: %s" % (rc, err.strip()))


def conversation(n):
    p = os.path.join(n.state, "conversation.jsonl")
    out = []
    if os.path.exists(p):
        for line in open(p, encoding="utf-8"):
            try:
                m = json.loads(line)
            except ValueError:
                continue
            out = [x for x in out if x.get("id") != m.get("id")]
            out.append(m)
    return out


CHECKS = [
    ("n0 session file, socket and key file as measured; doctor", n0_session_files),
    ("n1 native into an idle session: one turn, origin.kind peer", n1_idle),
    ("n10 native past a person's draft: the draft stays", n10_draft),
    ("n2 native (auto) into a busy session: after the turn", n2_busy),
    ("n3 native during a Bash prompt: prompt kept, arrives after respond", n3_prompt),
    ("n4 HARBOR_KITE=0: auto falls back to guarded paste", n4_kite_off),
    ("n5 reply path: SendMessage back to the sending session", n5_reply),
    ("n6 reply path with sb run by the sender's own Bash tool", n6_reply_from_inside),
    ("n9 a message over 1 MiB: --via native says so, nothing sent", n9_too_long),
    ("n7 crossSessionInbound hold: status held", n7_held),
    ("n8 crossSessionInbound refuse: auto pastes instead", n8_refused),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", "--keep", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    if a.verbose:
        os.environ["SB_E2E_VERBOSE"] = "1"
    t0 = time.monotonic()
    if a.only and "n" not in a.only:
        print("native: skipped (--only %s)" % a.only)
        return 0
    sb = os.path.abspath(os.path.join(REPO, os.environ.get("SB_BIN") or "target/release/sb"))
    if not os.access(sb, os.X_OK):
        e2e.report("native setup: sb binary at %s" % sb, False, "missing (build it or set SB_BIN)")
    else:
        with h.Env(keep=a.keep) as env:
            n = Native(env, sb)
            pe = {"SESSION_BRIDGE_DIR": n.state, "SB_TMUX_SOCKET": env.sock}
            # lead's model runs `sb send` through Bash (n8); anything else asks
            perms = {"permissions": {"defaultMode": "default", "allow": ["Bash(%s send:*)" % sb]}}
            try:
                for role, kw in [
                    ("lead", dict(home=n.home, settings=perms)),
                    ("dev", dict(home=n.home, settings=perms)),
                    ("kite", dict(home=n.home, settings=perms, extra_env={"CLAUDE_CODE_HARBOR_KITE": "0"})),
                    ("holder", dict(settings={"crossSessionInbound": "hold"})),
                    ("refuser", dict(settings={"crossSessionInbound": "refuse"})),
                ]:
                    env_kw = dict(pe)
                    env_kw.update(kw.pop("extra_env", {}))
                    n.s[role] = env.start_claude(role, extra_env=env_kw, **kw)
                for role, cl in n.s.items():
                    cl.wait_ready(90)
                    n.sb_ok("register", role, "--pane", cl.pane)
                # the session files are written a moment after the input box shows
                h.wait_until(lambda: all(os.path.exists(os.path.join(cl.home, ".claude", "sessions", "%d.json" % cl.pid))
                                         for cl in n.s.values()), 20, 0.2, "the session files")
                ok = True
            except Exception as ex:
                e2e.report("native setup: five sessions + sb register", False, str(ex))
                ok = False
            if ok:
                only = [x for x in a.only.split(",") if re.fullmatch(r"n\d+", x)]
                passed = {}
                for name, fn in CHECKS:
                    key = name.split()[0]
                    if only and key not in only and key != "n0":
                        continue
                    passed[key] = e2e.run_check(name, fn, n)
    n_ok = sum(1 for _, ok in e2e.RESULTS if ok)
    n_fail = len(e2e.RESULTS) - n_ok
    sys.stdout.write("total %.0fs\n" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (n_ok, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
