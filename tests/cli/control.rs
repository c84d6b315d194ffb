//! Event-driven watching (#18): `sb watch` and `sb wait` learn of pane changes from tmux control
//! mode on a private server; polling when asked (`--poll`) or when tmux cannot do it; a closed
//! pane, a dead server, and no `tmux -C` client left behind.

use crate::env::{FakeAgent, TestEnv, fixture, stderr, wait_for};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

const MENU: &str = "45-bash-permission-prompt";
const IDLE: &str = "42-mock-simple-reply-idle";

/// A running `sb watch` with stdout and stderr going to files.
struct Watch {
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

impl Watch {
    fn start(env: &TestEnv, args: &[&str], path: Option<&Path>) -> Watch {
        let out = env.dir.path().join("watch.out");
        let err = env.dir.path().join("watch.err");
        let mut c = std::process::Command::new(crate::env::SB);
        c.env_clear()
            .env("HOME", &env.home)
            .env("SESSION_BRIDGE_DIR", &env.state)
            .env("SB_TMUX_SOCKET", &env.sock)
            .args(["watch", "--jsonl"])
            .args(args)
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap());
        let path = match path {
            Some(dir) => {
                let mut p = std::ffi::OsString::from(dir);
                p.push(":");
                p.push(std::env::var_os("PATH").unwrap_or_default());
                p
            }
            None => std::env::var_os("PATH").unwrap_or_default(),
        };
        c.env("PATH", path);
        Watch {
            child: c.spawn().unwrap(),
            out,
            err,
        }
    }

    fn events(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn has(&self, f: impl Fn(&Value) -> bool) -> bool {
        self.events().iter().any(f)
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Ctrl-C; its exit status.
    fn stop(mut self) -> Option<i32> {
        std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let done = wait_for(Duration::from_secs(10), || {
            self.child.try_wait().unwrap().is_some()
        });
        if !done {
            let _ = self.child.kill();
        }
        self.child.wait().unwrap().code()
    }
}

/// Processes running a tmux control client on this env's socket.
fn control_clients(env: &TestEnv) -> Vec<String> {
    let sock = env.sock.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(raw) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.iter().any(|a| a == &sock) && args.iter().any(|a| a == "-C") {
            found.push(args.join(" "));
        }
    }
    found
}

fn transition_to(e: &Value, role: &str, to: &str) -> bool {
    e["kind"] == "transition" && e["role"] == role && e["to"] == to
}

#[test]
fn control_watch_hears_of_a_menu_at_once_and_says_which_mode_it_uses() {
    let env = TestEnv::new();
    let gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    // 30 s between polls, a safety sweep every 10 s: only tmux's report can be this quick.
    let w = Watch::start(&env, &["--notify", "gestor", "--interval", "30s"], None);
    assert!(wait_for(Duration::from_secs(15), || w
        .has(|e| transition_to(e, "dev", "idle"))));
    assert!(
        w.stderr().contains("tmux control mode"),
        "stderr: {}",
        w.stderr()
    );
    assert_eq!(
        control_clients(&env).len(),
        1,
        "one client for the one session"
    );
    let drawn = Instant::now();
    dev.draw(&fixture(MENU));
    assert!(
        wait_for(Duration::from_secs(5), || w.has(|e| transition_to(
            e,
            "dev",
            "waiting_select"
        ))),
        "no transition {:?} after the menu was drawn: {:?}",
        drawn.elapsed(),
        w.events()
    );
    assert!(
        wait_for(Duration::from_secs(5), || !gestor.inputs().is_empty()),
        "the manager got no notice"
    );
    assert!(drawn.elapsed() < Duration::from_secs(8));
    // The mode is logged, not printed among the peers' events.
    assert!(!w.has(|e| e["kind"] == "mode"));
    let modes: Vec<Value> = env
        .raw_log("events.jsonl")
        .into_iter()
        .filter(|e| e["kind"] == "mode")
        .collect();
    assert_eq!(modes.len(), 1, "{modes:?}");
    assert_eq!(modes[0]["mode"], "control");
    assert_eq!(w.stop(), Some(130));
    assert!(
        wait_for(Duration::from_secs(5), || control_clients(&env).is_empty()),
        "left behind: {:?}",
        control_clients(&env)
    );
}

#[test]
fn poll_flag_and_an_old_tmux_mean_polling_and_it_still_sees_the_menu() {
    let env = TestEnv::new();
    let _gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let out = env.run(&["watch", "--poll", "--rounds", "2", "--interval", "100ms"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("polling") && stderr(&out).contains("--poll"),
        "{}",
        stderr(&out)
    );
    let modes: Vec<Value> = env
        .raw_log("events.jsonl")
        .into_iter()
        .filter(|e| e["kind"] == "mode")
        .collect();
    assert_eq!(modes.len(), 1);
    assert_eq!(modes[0]["mode"], "polling");

    // A tmux that says it is 3.1: no control mode, polling, the same events.
    let bin = tmux_wrapper(
        &env,
        "for a in \"$@\"; do [ \"$a\" = -V ] && { echo 'tmux 3.1c'; exit 0; }; done",
    );
    let w = Watch::start(
        &env,
        &["--notify", "gestor", "--interval", "200ms"],
        Some(&bin),
    );
    assert!(wait_for(Duration::from_secs(15), || w
        .has(|e| transition_to(e, "dev", "idle"))));
    assert!(
        w.stderr().contains("polling") && w.stderr().contains("tmux 3.1c"),
        "{}",
        w.stderr()
    );
    assert!(control_clients(&env).is_empty());
    dev.draw(&fixture(MENU));
    assert!(wait_for(Duration::from_secs(10), || w
        .has(|e| transition_to(e, "dev", "waiting_select"))));
    assert_eq!(w.stop(), Some(130));
}

/// A directory with a `tmux` script that runs `prelude` (shell) and then the real tmux.
fn tmux_wrapper(env: &TestEnv, prelude: &str) -> PathBuf {
    let bin = env.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let real = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "command -v tmux"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let wrapper = bin.join("tmux");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\n{prelude}\nexec {} \"$@\"\n", real.trim()),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", wrapper.to_str().unwrap()])
        .status()
        .unwrap();
    bin
}

#[test]
fn control_watch_captures_down_its_connection_not_by_a_process_each() {
    let env = TestEnv::new();
    let _gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let calls = env.dir.path().join("tmux.calls");
    let bin = tmux_wrapper(
        &env,
        &format!("printf '%s\\n' \"$*\" >> '{}'", calls.display()),
    );
    let w = Watch::start(
        &env,
        &["--notify", "gestor", "--interval", "200ms"],
        Some(&bin),
    );
    assert!(wait_for(Duration::from_secs(15), || w
        .has(|e| transition_to(e, "dev", "idle"))));
    for screen in [MENU, IDLE, MENU, IDLE] {
        dev.draw(&fixture(screen));
        let want = if screen == MENU {
            "waiting_select"
        } else {
            "idle"
        };
        let n = w
            .events()
            .iter()
            .filter(|e| transition_to(e, "dev", want))
            .count();
        assert!(
            wait_for(Duration::from_secs(10), || w
                .events()
                .iter()
                .filter(|e| transition_to(e, "dev", want))
                .count()
                > n),
            "{:?}",
            w.events()
        );
    }
    let log = std::fs::read_to_string(&calls).unwrap();
    assert!(log.contains("-C attach-session"), "{log}");
    // Every round captured dev (and the notices' guard captured gestor): none as a process.
    assert!(!log.contains("capture-pane"), "{log}");
    assert_eq!(w.stop(), Some(130));
    // The same watcher with --poll: a process per capture (the baseline of the benchmark).
    std::fs::write(&calls, "").unwrap();
    let out = env
        .sb()
        .env("PATH", {
            let mut p = std::ffi::OsString::from(&bin);
            p.push(":");
            p.push(std::env::var_os("PATH").unwrap_or_default());
            p
        })
        .args(["watch", "--poll", "--rounds", "3", "--interval", "100ms"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = std::fs::read_to_string(&calls).unwrap();
    assert!(log.matches("capture-pane").count() >= 3, "{log}");
}

#[test]
fn control_watch_reports_a_closed_pane_and_falls_back_when_the_server_dies() {
    let env = TestEnv::new();
    let _gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let _qa = FakeAgent::with_screen(&env, "qa", &fixture(IDLE));
    let w = Watch::start(&env, &["--notify", "gestor", "--interval", "30s"], None);
    assert!(wait_for(Duration::from_secs(15), || w
        .has(|e| transition_to(e, "qa", "idle"))));
    assert!(w.stderr().contains("tmux control mode"), "{}", w.stderr());
    env.tmux(&["kill-pane", "-t", &dev.pane]);
    assert!(
        wait_for(Duration::from_secs(5), || w
            .has(|e| e["kind"] == "gone" && e["role"] == "dev")),
        "{:?}",
        w.events()
    );
    assert!(!w.has(|e| e["kind"] == "gone" && e["role"] == "qa"));
    env.kill_server();
    assert!(
        wait_for(Duration::from_secs(10), || w.stderr().contains("polling")),
        "{}",
        w.stderr()
    );
    assert!(wait_for(Duration::from_secs(10), || w
        .has(|e| e["kind"] == "gone" && e["role"] == "qa")));
    assert!(
        control_clients(&env).is_empty(),
        "{:?}",
        control_clients(&env)
    );
    assert_eq!(w.stop(), Some(130));
}

#[test]
fn wait_returns_when_tmux_reports_the_change() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let mut child = env.sb();
    child
        .args([
            "wait",
            "dev",
            "--until",
            "waiting",
            "--interval",
            "30s",
            "--timeout",
            "25s",
        ])
        .timeout(Duration::from_secs(40));
    let handle = std::thread::spawn(move || child.output().unwrap());
    std::thread::sleep(Duration::from_millis(700));
    let drawn = Instant::now();
    dev.draw(&fixture(MENU));
    let out = handle.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        drawn.elapsed() < Duration::from_secs(8),
        "took {:?}: not event-driven",
        drawn.elapsed()
    );
    assert!(control_clients(&env).is_empty());
}

#[test]
fn doctor_says_which_watch_mode_works() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let out = env.run(&["doctor", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "watch mode")
        .cloned()
        .unwrap();
    assert_eq!(check["status"], "ok", "{check}");
    assert!(check["detail"].as_str().unwrap().starts_with("control"));
    assert!(control_clients(&env).is_empty());
    let text = env.run(&["doctor"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("watch mode"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}
