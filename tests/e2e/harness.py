"""End-to-end harness helpers (Python 3 standard library only).

An `Env` owns one temporary directory with a private tmux server (`tmux -S DIR/sock -f /dev/null`),
the scripted Messages API stand-in (standin.py) and any number of Claude Code sessions, each in its
own 120x40 pane with an isolated HOME. Everything is time-bounded and torn down by `Env.close()`
(also on interpreter exit).

    with Env() as env:
        a = env.start_claude("alice")
        a.wait_ready()
        a.paste_submit("hello MARK-1")
        env.standin.wait_main(lambda e: "MARK-1" in e["user_text"])
"""

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLAUDE_VERSION = "2.1.332"
DUMMY_KEY = "sk-ant-api03-sbe2e-dummy-key-0000000000000000000000000000000000000000-AAAAAAAA"
COLS, ROWS = 120, 40


class Timeout(Exception):
    pass


def log(msg):
    if os.environ.get("SB_E2E_VERBOSE"):
        sys.stderr.write("[e2e %s] %s\n" % (time.strftime("%H:%M:%S"), msg))


# ---------------------------------------------------------------------------------------------
# Claude Code install (cached outside the repo)


def cache_dir():
    d = os.environ.get("SB_E2E_CACHE")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "sb-e2e")
    return d


def claude_bin(install=True):
    """Path of the pinned claude binary, installing it into the cache with npm when missing."""
    d = cache_dir()
    exe = os.path.join(d, "node_modules", ".bin", "claude")
    pkg = os.path.join(d, "node_modules", "@anthropic-ai", "claude-code", "package.json")
    ok = False
    if os.path.exists(exe) and os.path.exists(pkg):
        try:
            with open(pkg) as f:
                ok = json.load(f).get("version") == CLAUDE_VERSION
        except (OSError, ValueError):
            ok = False
    if ok:
        return exe
    if not install:
        raise RuntimeError("claude %s not installed in %s" % (CLAUDE_VERSION, d))
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "package.json")):
        with open(os.path.join(d, "package.json"), "w") as f:
            f.write('{"name": "sb-e2e-cache", "private": true}\n')
    sys.stderr.write("installing @anthropic-ai/claude-code@%s into %s ...\n" % (CLAUDE_VERSION, d))
    env = dict(os.environ, DISABLE_AUTOUPDATER="1")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", d,
                    "@anthropic-ai/claude-code@" + CLAUDE_VERSION],
                   cwd=d, env=env, check=True, timeout=600, stdout=sys.stderr)
    return exe


def wait_until(pred, timeout, interval=0.2, what="condition"):
    """Poll pred() until it returns a truthy value; raise Timeout after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = pred()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise Timeout("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Stand-in


class StandIn:
    def __init__(self, workdir):
        self.log_path = os.path.join(workdir, "standin-log.jsonl")
        port_file = os.path.join(workdir, "standin.port")
        self.stderr = open(os.path.join(workdir, "standin.stderr"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "standin.py"), "--port", "0", "--port-file", port_file,
             "--log", self.log_path],
            stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True)
        wait_until(lambda: os.path.exists(port_file) or self.proc.poll() is not None, 15, 0.05,
                   "stand-in port file")
        if self.proc.poll() is not None:
            raise RuntimeError("stand-in exited with %s" % self.proc.returncode)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.url = "http://127.0.0.1:%d" % self.port

    def entries(self):
        out = []
        try:
            with open(self.log_path, encoding="utf-8") as f:
                for line in f:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
        except OSError:
            pass
        return out

    def mark(self):
        """Current number of log entries: pass as `after` to look only at later requests."""
        return len(self.entries())

    def main_entries(self, after=0, session=None):
        es = [e for e in self.entries()[after:] if e.get("kind") == "main"]
        if session is not None:
            es = [e for e in es if session_of(e) == session]
        return es

    def wait_main(self, pred, timeout=30, after=0, what="a main request"):
        def find():
            for e in self.main_entries(after):
                if pred(e):
                    return e
            return None
        return wait_until(find, timeout, 0.2, what)

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.stderr.close()


def session_of(entry):
    """Claude Code's session id from a logged request (metadata.user_id carries it), or None."""
    md = (entry.get("body") or {}).get("metadata") or {}
    uid = md.get("user_id") or ""
    m = re.search(r"session_([0-9a-f-]{36})", uid)
    if m:
        return m.group(1)
    try:
        j = json.loads(uid)
        return j.get("session_id")
    except (ValueError, AttributeError):
        return None


PASTE_RE = re.compile(r'\A\s*<pasted_content id="([^"]+)">\n(.*)\n</pasted_content id="\1">\s*\Z', re.S)


def unwrap_paste(text):
    """Claude Code 2.1.332 sends a multi-line (or long) paste as
    `\\n\\n<pasted_content id="ab12">\\nTEXT\\n</pasted_content id="ab12">\\n`: return TEXT."""
    m = PASTE_RE.match(text or "")
    return m.group(2) if m else text


def body_text(entry):
    """The whole request body as one string (to search for briefings, reminders...)."""
    return json.dumps(entry.get("body") or {}, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# tmux + sessions


class Env:
    def __init__(self, root=None, keep=None, focus_events=True, standin=True):
        self.keep = bool(os.environ.get("SB_E2E_KEEP")) if keep is None else keep
        self.dir = root or tempfile.mkdtemp(prefix="sb-e2e-")
        os.makedirs(self.dir, exist_ok=True)
        self.sock = os.path.join(self.dir, "sock")
        self.sessions = []
        self._closed = False
        # the tmux server (and so every pane) gets a clean environment: nothing of ours leaks in
        self.base_env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
            "HOME": os.path.join(self.dir, "tmuxhome"),
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
            "TMPDIR": os.path.join(self.dir, "tmp"),
        }
        os.makedirs(self.base_env["HOME"], exist_ok=True)
        os.makedirs(self.base_env["TMPDIR"], exist_ok=True)
        self.standin = StandIn(self.dir) if standin else None
        atexit.register(self.close)
        # a placeholder session keeps the server alive; options are global for later panes
        self.tmux("new-session", "-d", "-s", "_keep", "-x", str(COLS), "-y", str(ROWS), "sleep 100000",
                  ";", "set", "-g", "remain-on-exit", "on",
                  ";", "set", "-g", "history-limit", "5000",
                  ";", "set", "-g", "default-terminal", "tmux-256color",
                  ";", "set", "-g", "exit-empty", "off",
                  # with focus-events off (tmux's default) Claude Code shows, a few seconds into a
                  # session, a notice 'tmux focus-events off · …' above its input box; on by default
                  # here so that live screens do not depend on when that notice comes
                  ";", "set", "-g", "focus-events", "on" if focus_events else "off")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- tmux
    def tmux(self, *args, input=None, timeout=10, check=True):
        r = subprocess.run(["tmux", "-S", self.sock, "-f", "/dev/null"] + list(args),
                           input=input, capture_output=True, timeout=timeout, env=self.base_env)
        if check and r.returncode != 0:
            raise RuntimeError("tmux %s failed (%d): %s" % (" ".join(args[:3]), r.returncode,
                                                            r.stderr.decode(errors="replace").strip()))
        return r

    def server_pid(self):
        return int(self.tmux("display-message", "-p", "-t", "_keep", "#{pid}").stdout.decode().strip())

    def new_pane(self, name, command, cwd=None, env=None):
        """A new detached session NAME, one 120x40 pane running `command` (a shell string)."""
        args = ["new-session", "-d", "-s", name, "-x", str(COLS), "-y", str(ROWS), "-P", "-F", "#{pane_id}"]
        if cwd:
            args += ["-c", cwd]
        for k, v in (env or {}).items():
            args += ["-e", "%s=%s" % (k, v)]
        args.append(command)
        return self.tmux(*args).stdout.decode().strip()

    def capture(self, pane, escapes=False):
        args = ["capture-pane", "-p", "-t", pane]
        if escapes:
            args.insert(2, "-e")
        return self.tmux(*args).stdout.decode("utf-8", errors="replace")

    def pane_dead(self, pane):
        r = self.tmux("display-message", "-p", "-t", pane, "#{pane_dead}", check=False)
        return r.stdout.decode().strip() == "1"

    def paste(self, pane, text, enter=True, delay=0.0, buf="e2e"):
        """Bracketed paste of `text` into `pane` (load-buffer from stdin), then Enter. With delay 0
        the paste and the Enter are one tmux invocation; otherwise two, `delay` seconds apart."""
        data = text.encode("utf-8")
        if enter and not delay:
            self.tmux("load-buffer", "-b", buf, "-", ";", "paste-buffer", "-p", "-d", "-b", buf, "-t", pane,
                      ";", "send-keys", "-t", pane, "Enter", input=data)
            return
        self.tmux("load-buffer", "-b", buf, "-", ";", "paste-buffer", "-p", "-d", "-b", buf, "-t", pane,
                  input=data)
        if enter:
            time.sleep(delay)
            self.tmux("send-keys", "-t", pane, "Enter")

    def keys(self, pane, *keys):
        self.tmux("send-keys", "-t", pane, *keys)

    # -- claude
    def start_claude(self, name, settings=None, permissions_default=False, mcp_servers=None,
                     extra_env=None, workdir=None, args=(), gated=False, shell_after=False, home=None):
        s = Claude(self, name, settings=settings, permissions_default=permissions_default,
                   mcp_servers=mcp_servers, extra_env=extra_env, workdir=workdir, args=args, gated=gated,
                   shell_after=shell_after, home=home)
        self.sessions.append(s)
        return s

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            self.tmux("kill-server", timeout=5, check=False)
        except Exception:
            pass
        # panes get SIGHUP from kill-server; make sure no claude survives
        for s in self.sessions:
            s.kill()
        try:
            if self.standin is not None:
                self.standin.close()
        except Exception:
            pass
        if not self.keep:
            for _ in range(3):  # a dying process may still write a file or two
                shutil.rmtree(self.dir, ignore_errors=True)
                if not os.path.exists(self.dir):
                    break
                time.sleep(0.3)
        else:
            sys.stderr.write("e2e: kept %s\n" % self.dir)


def seed_home(home, workdir, settings=None, mcp_servers=None):
    """A pre-seeded HOME for Claude Code. A HOME that is already seeded (sessions sharing one, as
    one user's sessions do) only gets `workdir` trusted as well; its settings are kept."""
    os.makedirs(os.path.join(home, ".claude"), exist_ok=True)
    cfg_path = os.path.join(home, ".claude.json")
    if os.path.exists(cfg_path):
        with open(cfg_path) as f:
            cfg = json.load(f)
        cfg["projects"][workdir] = {"hasTrustDialogAccepted": True, "allowedTools": [],
                                    "hasCompletedProjectOnboarding": True}
        with open(cfg_path, "w") as f:
            json.dump(cfg, f, indent=2)
        return
    cfg = {
        "hasCompletedOnboarding": True,
        "lastOnboardingVersion": CLAUDE_VERSION,
        "theme": "dark",
        "customApiKeyResponses": {"approved": [DUMMY_KEY[-20:]], "rejected": []},
        "projects": {workdir: {"hasTrustDialogAccepted": True, "allowedTools": [],
                               "hasCompletedProjectOnboarding": True}},
        "hasSeenAutoDefaultNudge": True,
        "numStartups": 5,
        "autoUpdates": False,
        "tipsHistory": {},
    }
    if mcp_servers:
        cfg["mcpServers"] = mcp_servers
    with open(os.path.join(home, ".claude.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    if settings is not None:
        with open(os.path.join(home, ".claude", "settings.json"), "w") as f:
            json.dump(settings, f, indent=2)


def claude_env(env, home):
    """The environment a Claude Code session gets: its HOME, the stand-in, nothing sent elsewhere."""
    return {
        "HOME": home,
        "ANTHROPIC_API_KEY": DUMMY_KEY,
        "ANTHROPIC_BASE_URL": env.standin.url,
        "CLAUDE_CODE_MAX_RETRIES": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        # without these 2.1.332 looks up downloads.claude.ai and runs `ssh git@github.com` to
        # install the official plugin marketplace: no traffic may leave 127.0.0.1
        "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL": "1",
        "DISABLE_INSTALLATION_CHECKS": "1",
        "DISABLE_UPDATES": "1",
        "CLAUDE_CODE_IDE_SKIP_AUTO_INSTALL": "1",
        "TERM": "tmux-256color",
        "COLORTERM": "truecolor",
    }


class Claude:
    """One Claude Code session in its own pane, HOME and working directory."""

    def __init__(self, env, name, settings=None, permissions_default=False, mcp_servers=None,
                 extra_env=None, workdir=None, args=(), gated=False, shell_after=False, home=None):
        self.env = env
        self.name = name
        self.root = os.path.join(env.dir, name)
        # `home`: a HOME shared with other sessions (seeded by the first), else its own
        self.home = home or os.path.join(self.root, "home")
        self.workdir = workdir or os.path.join(self.root, "work")
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.workdir, exist_ok=True)
        settings = dict(settings or {})
        if permissions_default:
            settings.setdefault("permissions", {})["defaultMode"] = "default"
        seed_home(self.home, os.path.realpath(self.workdir), settings or None, mcp_servers)
        self.exe = claude_bin()
        self.penv = claude_env(env, self.home)
        self.penv.update(extra_env or {})
        # the pane waits for a gate file before it execs claude, so that a test can first learn the
        # pane id (to register it) and only then let claude start (and run its SessionStart hook)
        self.gate = os.path.join(self.root, "gate")
        exe = " ".join(shlex_quote(x) for x in [self.exe] + list(args))
        cmd = "while [ ! -e %s ]; do sleep 0.05; done; exec %s" % (shlex_quote(self.gate), exe)
        if shell_after:
            # as a person runs it: claude from a shell, which is back at its prompt when claude exits
            cmd = "while [ ! -e %s ]; do sleep 0.05; done; %s; PS1='$ ' exec bash --norc --noprofile -i" % (
                shlex_quote(self.gate), exe)
        self.pane = env.new_pane(name, cmd, cwd=self.workdir, env=self.penv)
        self.pid = int(env.tmux("display-message", "-p", "-t", self.pane, "#{pane_pid}").stdout.decode().strip())
        if not gated:
            self.release()
        log("started claude %s in %s" % (name, self.pane))

    def release(self):
        """Let a gated pane start claude."""
        open(self.gate, "w").close()

    def cli(self, *args, timeout=60):
        """Run the claude CLI non-interactively with this session's HOME and environment
        (e.g. `mcp add`, `mcp list`). Returns the CompletedProcess (text)."""
        e = dict(self.env.base_env)
        e.update(self.penv)
        return subprocess.run([self.exe] + list(args), cwd=self.workdir, env=e, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    # -- screens
    def screen(self, escapes=False):
        return self.env.capture(self.pane, escapes)

    def save_screen(self, dest_dir, name, note=None):
        os.makedirs(dest_dir, exist_ok=True)
        txt, ansi = self.screen(), self.screen(True)
        with open(os.path.join(dest_dir, name + ".txt"), "w") as f:
            f.write(txt)
        with open(os.path.join(dest_dir, name + ".ansi"), "w") as f:
            f.write(ansi)
        if note:
            with open(os.path.join(dest_dir, name + ".note"), "w") as f:
                f.write(note.rstrip("\n") + "\n")
        return txt

    def has_input_box(self, scr=None):
        return input_box(scr if scr is not None else self.screen()) is not None

    def is_busy(self, scr=None):
        scr = scr if scr is not None else self.screen()
        return "esc to interrupt" in scr or bool(SPINNER_RE.search(scr))

    def wait_ready(self, timeout=45):
        """Wait until the input box is shown and nothing runs."""
        def ok():
            if self.env.pane_dead(self.pane):
                raise RuntimeError("claude %s exited:\n%s" % (self.name, self.screen()))
            s = self.screen()
            return self.has_input_box(s) and not self.is_busy(s) and s
        return wait_until(ok, timeout, 0.3, "claude %s input box" % self.name)

    def wait_screen(self, pred, timeout=30, what="screen"):
        def ok():
            s = self.screen()
            return s if pred(s) else None
        return wait_until(ok, timeout, 0.25, "%s on %s" % (what, self.name))

    def wait_idle(self, timeout=30, stable=1.0):
        """Wait until not busy with the input box shown, for `stable` seconds."""
        start = [None]

        def ok():
            s = self.screen()
            if self.has_input_box(s) and not self.is_busy(s) and not dialog_open(s):
                if start[0] is None:
                    start[0] = time.monotonic()
                return time.monotonic() - start[0] >= stable and s
            start[0] = None
            return None
        return wait_until(ok, timeout, 0.25, "claude %s idle" % self.name)

    def paste_submit(self, text, delay=0.0, enter=True):
        self.env.paste(self.pane, text, enter=enter, delay=delay)

    def keys(self, *keys):
        self.env.keys(self.pane, *keys)

    def kill(self, grace=5.0):
        """After the tmux server is gone: wait for claude (SIGHUP'd) to exit, SIGKILL it if not."""
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not pid_alive(self.pid):
                return
            time.sleep(0.05)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass


def pid_alive(pid):
    """True while `pid` runs (a zombie, which nobody may reap here, counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


SPINNER_RE = re.compile(r"^\s*[·✢✳✶✻✽*]\s+\S+…\s+\(", re.M)


def input_box(scr):
    """The rows of the prompt box (between two full-width ─ rules, first row starting with ❯), or None."""
    lines = scr.split("\n")
    for i, l in enumerate(lines):
        if l.startswith("─" * 20):
            j = i + 1
            if j < len(lines) and lines[j].startswith("❯"):
                k = j + 1
                while k < len(lines) and not lines[k].startswith("─" * 20):
                    k += 1
                if k < len(lines):
                    return lines[j:k]
    return None


def dialog_open(scr):
    return bool(re.search(r"^\s*❯\s*\d+\.\s", scr, re.M)) or "Esc to cancel" in scr


def shlex_quote(s):
    import shlex
    return shlex.quote(s)
