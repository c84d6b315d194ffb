//! `TestEnv`: a temp HOME and state dir, a cleared environment, and a private tmux server (killed on
//! drop); `FakeAgent`: a pane running `sb agent`, which records the exact bytes it receives.

#![allow(dead_code)]

use assert_cmd::Command;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

pub const SB: &str = env!("CARGO_BIN_EXE_sb");

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub sock: PathBuf,
    pub state: PathBuf,
    pub home: PathBuf,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("sbt")
            .tempdir_in("/tmp")
            .unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        TestEnv {
            sock: dir.path().join("tmux.sock"),
            state: dir.path().join("state"),
            home,
            dir,
        }
    }

    /// `sb` with a cleared environment pointed at this env's state dir and tmux server.
    pub fn sb(&self) -> Command {
        let mut c = Command::new(SB);
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("SESSION_BRIDGE_DIR", &self.state)
            .env("SB_TMUX_SOCKET", &self.sock)
            .env("LANG", "C.UTF-8")
            .timeout(Duration::from_secs(60));
        c
    }

    /// Run sb with args; return the output (any exit status).
    pub fn run(&self, args: &[&str]) -> Output {
        self.sb().args(args).output().unwrap()
    }

    /// Run tmux on the private socket; panics on failure.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Start a pane running `sb agent` (a new session on the first call, a new window after).
    pub fn agent(&self, name: &str, extra: &[&str]) -> FakeAgent {
        let record = self.dir.path().join(format!("{name}.rec"));
        let screen = self.dir.path().join(format!("{name}.screen"));
        std::fs::write(&record, b"").unwrap();
        let mut cmd = format!("exec {SB} agent --record {}", record.display());
        for e in extra {
            let _ = write!(cmd, " '{e}'");
        }
        let running = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .args(["has-session"])
            .output()
            .unwrap()
            .status
            .success();
        let pane = if running {
            self.tmux(&[
                "new-window",
                "-d",
                "-P",
                "-F",
                "#{pane_id}",
                "-n",
                name,
                &cmd,
            ])
        } else {
            self.tmux(&[
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-P",
                "-F",
                "#{pane_id}",
                "-s",
                "sbtest",
                "-x",
                "120",
                "-y",
                "40",
                "-n",
                name,
                &cmd,
            ])
        };
        let agent = FakeAgent {
            pane: pane.trim().to_string(),
            record,
            screen,
        };
        // Ready once it has drawn its screen (input box or canned screen).
        wait_for(Duration::from_secs(10), || {
            !self
                .tmux(&["capture-pane", "-p", "-t", &agent.pane])
                .trim()
                .is_empty()
        });
        agent
    }

    /// A new session `session` on this env's server (120x40), its one pane running the shell
    /// command `cmd` through `sh -c`, in `cwd` when given; returns the pane id.
    pub fn shell_pane(&self, session: &str, cmd: &str, cwd: Option<&Path>) -> String {
        let mut args = vec![
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-P",
            "-F",
            "#{pane_id}",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "40",
        ];
        if let Some(c) = cwd.and_then(Path::to_str) {
            args.extend(["-c", c]);
        }
        args.extend(["sh", "-c", cmd]);
        self.tmux(&args).trim().to_string()
    }

    /// Start an agent and register it as `role`.
    pub fn role(&self, role: &str) -> FakeAgent {
        let a = self.agent(role, &[]);
        let out = self.run(&["register", role, "--pane", &a.pane]);
        assert!(
            out.status.success(),
            "register: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        a
    }

    pub fn kill_server(&self) {
        let _ = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .arg("kill-server")
            .output();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.state.join(rel)).unwrap_or_default()
    }

    /// The JSON lines of a log in the state dir.
    /// A message log as readers see it: each message once (its last record, at the place of its
    /// last), since a message is logged as a write-ahead `sending` record plus its outcome.
    /// Other logs (events.jsonl) are returned line by line.
    pub fn log(&self, rel: &str) -> Vec<serde_json::Value> {
        let mut out: Vec<serde_json::Value> = Vec::new();
        for v in self.raw_log(rel) {
            let same = v["outcome"].is_string().then(|| {
                out.iter()
                    .position(|m| m["outcome"].is_string() && m["id"] == v["id"])
            });
            match same.flatten() {
                Some(i) => out[i] = v,
                None => out.push(v),
            }
        }
        out
    }

    /// Every line of a log, parsed.
    pub fn raw_log(&self, rel: &str) -> Vec<serde_json::Value> {
        self.read(rel)
            .lines()
            .map(|l| serde_json::from_str(l).expect("valid JSON line"))
            .collect()
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        self.kill_server();
    }
}

pub struct FakeAgent {
    pub pane: String,
    pub record: PathBuf,
    pub screen: PathBuf,
}

/// What the agent's terminal received, split into pastes and keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Paste(String),
    Key(u8),
    Text(String),
}

impl FakeAgent {
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.record).unwrap_or_default()
    }

    pub fn inputs(&self) -> Vec<Input> {
        parse_inputs(&self.bytes())
    }

    /// Wait until at least `n` inputs arrived; return all inputs.
    pub fn wait_inputs(&self, n: usize) -> Vec<Input> {
        wait_for(Duration::from_secs(30), || self.inputs().len() >= n);
        self.inputs()
    }

    /// Make the agent draw this text as its screen (atomically replaced).
    pub fn draw(&self, text: &str) {
        let tmp = self.screen.with_extension("tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &self.screen).unwrap();
    }

    /// An agent that draws `text` as its screen, registered as `role`.
    pub fn with_screen(env: &TestEnv, role: &str, text: &str) -> FakeAgent {
        let screen = env.dir.path().join(format!("{role}.screen"));
        std::fs::write(&screen, text).unwrap();
        let a = env.agent(role, &["--screen", screen.to_str().unwrap()]);
        let out = env.run(&["register", role, "--pane", &a.pane]);
        assert!(out.status.success());
        a
    }
}

/// Split raw terminal input into bracketed pastes, CR keys and other text.
pub fn parse_inputs(b: &[u8]) -> Vec<Input> {
    let s = String::from_utf8_lossy(b);
    let mut out = Vec::new();
    let mut rest: &str = &s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("\x1b[200~") {
            match r.find("\x1b[201~") {
                Some(end) => {
                    out.push(Input::Paste(r[..end].to_string()));
                    rest = &r[end + 6..];
                }
                None => break, // still arriving
            }
        } else if let Some(r) = rest.strip_prefix('\r') {
            out.push(Input::Key(b'\r'));
            rest = r;
        } else {
            let end = rest
                .char_indices()
                .skip(1)
                .find(|(_, c)| *c == '\r' || *c == '\x1b')
                .map_or(rest.len(), |(i, _)| i);
            out.push(Input::Text(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    out
}

pub fn wait_for(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    f()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A shared screen fixture (plain form).
pub fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/screens/claude-code")
        .join(format!("{name}.txt"));
    std::fs::read_to_string(p).unwrap()
}

/// A shared screen fixture with its SGR codes (the `-e` capture).
pub fn fixture_ansi(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/screens/claude-code")
        .join(format!("{name}.ansi"));
    std::fs::read_to_string(p).unwrap()
}
