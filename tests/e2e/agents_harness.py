"""Harness for the real Codex CLI and Gemini CLI (Python 3 standard library only).

Builds on harness.py (the private tmux server, waits, captures): installs the pinned CLIs from npm
into the cache, runs the two API stand-ins (standin_openai.py, standin_gemini.py), and starts each
agent in its own 120x40 pane with a private, pre-seeded HOME. A pane runs a gate loop, then the
agent, then an interactive shell, so that an agent that exits leaves a shell prompt as it does for
a person. Codex 0.171 keeps a per-HOME background daemon that outlives the TUI: `Agent.kill()`
ends every process whose environment carries that HOME.

    with AgentEnv() as env:
        cx = env.start("codex", "rev")
        cx.wait_ready()
        env.tmux(...)
        env.api("codex").wait_turn(lambda t: "MARK-1" in t["user_text"])
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True
import harness as h  # noqa: E402

HERE = h.HERE
PINNED = {
    # agent: (npm package, version, bin name)
    "codex": ("@openai/codex", "0.171.0", "codex"),
    "gemini": ("@google/gemini-cli", "0.61.0", "gemini"),
}
GEMINI_KEY = "fake-key-123"
SHELL_PS1 = "sbshell$ "


def agent_bin(agent, install=True):
    """Path of the pinned CLI, installed with npm into <cache>/<agent>-<version> when missing."""
    pkg, version, name = PINNED[agent]
    d = os.path.join(h.cache_dir(), "%s-%s" % (agent, version))
    exe = os.path.join(d, "node_modules", ".bin", name)
    meta = os.path.join(d, "node_modules", *pkg.split("/"), "package.json")
    try:
        with open(meta) as f:
            if json.load(f).get("version") == version and os.path.exists(exe):
                return exe
    except (OSError, ValueError):
        pass
    if not install:
        raise RuntimeError("%s %s not installed in %s" % (pkg, version, d))
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "package.json")):
        with open(os.path.join(d, "package.json"), "w") as f:
            f.write('{"name": "sb-e2e-%s", "private": true}\n' % agent)
    sys.stderr.write("installing %s@%s into %s ...\n" % (pkg, version, d))
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", d, "%s@%s" % (pkg, version)],
                   cwd=d, check=True, timeout=900, stdout=sys.stderr)
    return exe


class StandIn:
    """One API stand-in process (standin_openai.py or standin_gemini.py) on a free port."""

    def __init__(self, workdir, script, name):
        self.log_path = os.path.join(workdir, "%s-log.jsonl" % name)
        port_file = os.path.join(workdir, "%s.port" % name)
        self.stderr = open(os.path.join(workdir, "%s.stderr" % name), "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-B", os.path.join(HERE, script), "--port", "0", "--port-file", port_file,
             "--log", self.log_path],
            stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True)
        h.wait_until(lambda: os.path.exists(port_file) or self.proc.poll() is not None, 15, 0.05,
                     "%s port file" % name)
        if self.proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (script, self.proc.returncode))
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.url = "http://127.0.0.1:%d" % self.port

    def turns(self):
        """The stand-in's turn log (GET /_turns): one entry per request that started a turn."""
        with urllib.request.urlopen(self.url + "/_turns", timeout=5) as r:
            return json.loads(r.read().decode("utf-8"))

    def entries(self):
        """Every logged request (with bodies), from the log file."""
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

    def wait_turn(self, pred, timeout=30, after=0, what="a turn"):
        return h.wait_until(lambda: next((t for t in self.turns()[after:] if pred(t)), None), timeout, 0.2, what)

    def wait_entry(self, pred, timeout=30, after=0, what="a request"):
        return h.wait_until(lambda: next((e for e in self.entries()[after:] if pred(e)), None), timeout, 0.2,
                            what)

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
        self.stderr.close()


class AgentEnv(h.Env):
    """A harness Env without the Claude stand-in, with the Codex and Gemini stand-ins."""

    def __init__(self, keep=None):
        super().__init__(keep=keep, standin=False)
        self.standins = {
            "codex": StandIn(self.dir, "standin_openai.py", "openai"),
            "gemini": StandIn(self.dir, "standin_gemini.py", "gemini"),
        }

    def api(self, agent):
        return self.standins[agent]

    def start(self, agent, name, extra_env=None, gated=False, seed=None):
        a = Agent(self, agent, name, extra_env=extra_env, gated=gated, seed=seed)
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


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def seed_codex(home, workdir, base_url):
    """~/.codex/config.toml: the stand-in as a custom provider (no login screen with env_key), the
    work dir trusted (workspace-write + on-request: escalations ask), and the two first-run notices
    (model migration, model availability) marked as seen, as Codex writes them after the menu."""
    write(os.path.join(home, ".codex", "config.toml"), """\
model_provider = "fake"
model = "gpt-5.5"

[model_providers.fake]
name = "fake"
base_url = "%s/v1"
wire_api = "responses"
env_key = "FAKE_OPENAI_KEY"

[projects.%s]
trust_level = "trusted"

[tui.model_availability_nux]
"gpt-6.1-sol" = 1

[notice.model_migrations]
"gpt-5.5" = "gpt-6-sol"
""" % (base_url, json.dumps(workdir)))


def seed_gemini(home, workdir):
    """~/.gemini/settings.json (API-key auth chosen) and trustedFolders.json (work dir trusted):
    what the first-run dialogs write. Written by hand, no dialog shows at startup."""
    write(os.path.join(home, ".gemini", "settings.json"),
          json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}}}, indent=2) + "\n")
    write(os.path.join(home, ".gemini", "trustedFolders.json"),
          json.dumps({workdir: "TRUST_FOLDER"}, indent=2) + "\n")


class Agent:
    """One Codex or Gemini session in its own pane, HOME and working directory."""

    def __init__(self, env, agent, name, extra_env=None, gated=False, seed=None):
        self.env = env
        self.agent = agent
        self.name = name
        self.root = os.path.join(env.dir, name)
        self.home = os.path.join(self.root, "home")
        self.workdir = os.path.realpath(os.path.join(self.root, "work"))
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.workdir, exist_ok=True)
        self.standin = env.api(agent)
        self.exe = agent_bin(agent)
        self.penv = {"HOME": self.home, "TERM": "tmux-256color"}
        if agent == "codex":
            seed_codex(self.home, self.workdir, self.standin.url)
            self.penv["FAKE_OPENAI_KEY"] = "sk-standin"
        else:
            seed_gemini(self.home, self.workdir)
            self.penv.update(GEMINI_API_KEY=GEMINI_KEY, GOOGLE_GEMINI_BASE_URL=self.standin.url)
        # node (Gemini, and Codex's launcher) must be on PATH
        node_dir = os.path.dirname(os.path.realpath(h.shutil.which("node") or "/usr/bin/node"))
        self.penv["PATH"] = node_dir + ":" + env.base_env["PATH"]
        self.penv.update(extra_env or {})
        if seed:
            seed(self)
        self.gate = os.path.join(self.root, "gate")
        rc = os.path.join(self.root, "shellrc")
        write(rc, "PS1=%s\n" % h.shlex_quote(SHELL_PS1))
        q = h.shlex_quote
        cmd = ("while [ ! -e %s ]; do sleep 0.05; done; %s; exec bash --rcfile %s --noprofile -i"
               % (q(self.gate), q(self.exe), q(rc)))
        self.pane = env.new_pane(name, cmd, cwd=self.workdir, env=self.penv)
        self.shell_pid = int(env.tmux("display-message", "-p", "-t", self.pane, "#{pane_pid}")
                             .stdout.decode().strip())
        if not gated:
            self.release()
        h.log("started %s %s in %s" % (agent, name, self.pane))

    def release(self):
        open(self.gate, "w").close()

    def cli(self, *args, timeout=60):
        e = dict(self.env.base_env)
        e.update(self.penv)
        return subprocess.run([self.exe] + list(args), cwd=self.workdir, env=e, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    # -- screens
    def screen(self, escapes=False):
        return self.env.capture(self.pane, escapes)

    def is_ready(self, scr):
        if self.agent == "codex":
            # the composer shows ~6 s before the session has started (cold daemon); only then does
            # the footer name the model and cwd, and a startup menu may still open until it does
            return ("? for shortcuts" in scr and " default · " in scr and "esc to interrupt" not in scr
                    and "›" in scr)
        return "Type your message" in scr and "esc to cancel" not in scr

    def is_busy(self, scr):
        if self.agent == "codex":
            return "esc to interrupt" in scr
        return "esc to cancel" in scr

    def exited(self, scr=None):
        scr = scr if scr is not None else self.screen()
        return SHELL_PS1.strip() in scr

    def wait_ready(self, timeout=45):
        def ok():
            s = self.screen()
            if self.exited(s):
                raise RuntimeError("%s %s exited:\n%s" % (self.agent, self.name, s))
            return self.is_ready(s) and s
        scr = h.wait_until(ok, timeout, 0.25, "%s %s ready" % (self.agent, self.name))
        if self.agent == "gemini":
            self.wait_quiet(timeout)
        return scr

    def cpu_ticks(self):
        """CPU time (clock ticks) used so far by this session's processes."""
        total = 0
        for p in self.own_pids():
            try:
                with open("/proc/%d/stat" % p) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return total

    def wait_quiet(self, timeout=30, window=0.5, max_ticks=3):
        """Wait until the session's processes use (almost) no CPU for `window` seconds. Gemini draws
        its prompt while node is still busy starting; an Enter read in that time lands in the same
        input chunk as the paste before it and becomes a newline (README, measured)."""
        last = [self.cpu_ticks()]

        def ok():
            time.sleep(window)
            now = self.cpu_ticks()
            quiet = now - last[0] <= max_ticks
            last[0] = now
            return quiet
        return h.wait_until(ok, timeout, 0, "%s %s quiet" % (self.agent, self.name))

    def wait_screen(self, pred, timeout=30, what="screen"):
        return h.wait_until(lambda: (lambda s: s if pred(s) else None)(self.screen()), timeout, 0.25,
                            "%s on %s" % (what, self.name))

    def wait_idle(self, timeout=30, stable=1.0):
        """Ready (input box, not busy) for `stable` seconds."""
        start = [None]

        def ok():
            s = self.screen()
            if self.is_ready(s):
                if start[0] is None:
                    start[0] = time.monotonic()
                return time.monotonic() - start[0] >= stable and s
            start[0] = None
            return None
        return h.wait_until(ok, timeout, 0.25, "%s %s idle" % (self.agent, self.name))

    def keys(self, *keys):
        self.env.keys(self.pane, *keys)

    def own_pids(self):
        """Every live process whose environment has this session's HOME: the TUI, its shell and
        tools, and Codex's background daemon (re-parented to init) with its children."""
        want = ("HOME=" + self.home).encode()
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit() or int(d) == os.getpid():
                continue
            try:
                with open("/proc/%s/environ" % d, "rb") as f:
                    if want in f.read().split(b"\0") and h.pid_alive(int(d)):
                        out.append(int(d))
            except OSError:
                pass
        return out

    def commands(self):
        """argv of every live process of this session (see own_pids)."""
        out = []
        for p in self.own_pids():
            try:
                with open("/proc/%d/cmdline" % p, "rb") as f:
                    out.append([a.decode(errors="replace") for a in f.read().split(b"\0") if a])
            except OSError:
                pass
        return out

    def kill(self, grace=3.0):
        """After the tmux server is gone: end every process of this session, the daemon too."""
        pids = self.own_pids()
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(h.pid_alive(p) for p in pids):
            time.sleep(0.05)
        for p in pids + self.own_pids():
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
