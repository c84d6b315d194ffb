//! Fail closed: sb types into a pane only when it positively knows the peer can take the text.
//! One test per defect of the fail-closed issue, each against a real tmux server.

use crate::env::{FakeAgent, Input, TestEnv, fixture, stderr, stdout, wait_for};
use std::time::Duration;

const MENU: &str = "45-bash-permission-prompt";
const IDLE: &str = "42-mock-simple-reply-idle";
const DRAFT: &str = "07-idle-typed-text-not-submitted";

/// A registered pane whose agent has exited: bash at its prompt under the agent's last frame.
fn exited_agent(env: &TestEnv, role: &str) -> String {
    let frame = env.dir.path().join(format!("{role}.frame"));
    std::fs::write(&frame, fixture(IDLE)).unwrap();
    let cmd = format!(
        "cat {}; exec env -i PATH=/usr/bin:/bin HOME={} PS1='$ ' bash --norc --noprofile -i",
        frame.display(),
        env.home.display()
    );
    let pane = env.shell_pane("sbtest", &cmd, None);
    assert!(wait_for(Duration::from_secs(10), || {
        env.tmux(&["display", "-p", "-t", &pane, "#{pane_current_command}"])
            .trim()
            == "bash"
    }));
    let out = env.run(&["register", role, "--pane", &pane]);
    assert!(out.status.success(), "{}", stderr(&out));
    pane
}

#[test]
fn a_shell_where_the_agent_exited_is_refused_and_nothing_runs() {
    let env = TestEnv::new();
    exited_agent(&env, "dev");
    let marker = env.dir.path().join("PWNED");
    let text = format!("review this; touch {}", marker.display());
    let out = env.run(&["send", "dev", "--from", "gestor", &text]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("dev's agent is not running (the pane runs bash)"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    // `detect` says the same without typing.
    let d: serde_json::Value =
        serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
    assert_eq!(d["deliverable"], false, "{d}");
    assert_eq!(d["foreground"], "bash", "{d}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(!marker.exists(), "the shell ran nothing");
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "undelivered");
    assert!(log[0]["error"].as_str().unwrap().contains("not running"));
    // --force types anyway (and so the shell runs it: that is what --force means).
    let out = env.run(&["send", "dev", "--force", "--from", "gestor", &text]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(wait_for(Duration::from_secs(5), || marker.exists()));
}

#[test]
fn an_agent_started_by_a_shell_without_job_control_is_seen_through_the_shell() {
    let env = TestEnv::new();
    let screen = env.dir.path().join("idle.screen");
    std::fs::write(&screen, fixture(IDLE)).unwrap();
    let record = env.dir.path().join("dev.rec");
    // `sh -c` runs the agent as a child in the shell's process group: tmux names the shell.
    let cmd = format!(
        "{} agent --screen {} --record {}; exec env -i PATH=/usr/bin:/bin bash --norc --noprofile -i",
        crate::env::SB,
        screen.display(),
        record.display()
    );
    let pane = env.shell_pane("sbtest", &cmd, None);
    assert!(
        env.run(&["register", "dev", "--pane", &pane])
            .status
            .success()
    );
    assert!(wait_for(Duration::from_secs(10), || {
        let d: serde_json::Value =
            serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
        d["deliverable"] == true
    }));
    let d: serde_json::Value =
        serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
    assert_eq!(d["foreground"], "sb", "{d}");
    assert!(env.run(&["send", "dev", "hello"]).status.success());
    // The agent exits; the shell takes the terminal: refused.
    let sh = env.tmux(&["display", "-p", "-t", &pane, "#{pane_pid}"]);
    std::process::Command::new("pkill")
        .args(["-P", sh.trim()])
        .status()
        .unwrap();
    assert!(wait_for(Duration::from_secs(10), || {
        env.tmux(&["display", "-p", "-t", &pane, "#{pane_current_command}"])
            .trim()
            == "bash"
    }));
    let out = env.run(&["send", "dev", "echo hi"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("runs bash"), "{}", stderr(&out));
}

#[test]
fn options_after_the_message_are_options() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let out = env.run(&["send", "dev", "deploy now", "--no-submit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        dev.wait_inputs(1),
        vec![Input::Paste("[from:user] deploy now".into())],
        "pasted without Enter, the flag not typed"
    );
    // The paste is a draft now: only --force (given after the text) types next to it.
    let out = env.run(&[
        "send", "dev", "two", "--from", "gestor", "--json", "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["from"], "gestor");
    assert_eq!(v["text"], "two");
    // `--` ends the options: a message may start with a dash.
    let out = env.run(&["send", "dev", "--force", "--", "--literal", "text"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inputs = dev.wait_inputs(5);
    assert_eq!(
        inputs[3..],
        [
            Input::Paste("[from:user] --literal text".into()),
            Input::Key(b'\r')
        ]
    );
}

#[test]
fn an_optional_value_is_taken_only_with_an_equals_sign() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let out = env.run(&["send", "dev", "--when-ready", "5", "files", "changed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        dev.wait_inputs(1)[0],
        Input::Paste("[from:user] 5 files changed".into())
    );
    let out = env.run(&["send", "dev", "--when-ready=5x", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--when-ready=5m"), "{}", stderr(&out));
    let out = env.run(&["send", "dev", "--confirm=soon", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--confirm=30s"), "{}", stderr(&out));
}

#[test]
fn respond_option_never_presses_again_into_another_dialog() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    // The agent ignores the digit, and a look-alike dialog for another command replaces the
    // first one: the fingerprint covers the command, so this is a different dialog.
    let other = fixture(MENU).replace(
        "touch /srv/agents/proj/created-by-bash.txt",
        "rm -rf /srv/agents/proj                   ",
    );
    let swapper = {
        let record = dev.record.clone();
        let screen = dev.screen.clone();
        std::thread::spawn(move || {
            wait_for(Duration::from_secs(20), || {
                std::fs::read(&record).is_ok_and(|b| b.contains(&b'1'))
            });
            let tmp = screen.with_extension("tmp2");
            std::fs::write(&tmp, other).unwrap();
            std::fs::rename(&tmp, &screen).unwrap();
        })
    };
    let out = env.run(&["respond", "dev", "--option", "1", "--json"]);
    swapper.join().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let ones = dev.bytes().iter().filter(|b| **b == b'1').count();
    assert_eq!(ones, 1, "the digit was pressed once: {}", stdout(&out));
}

#[test]
fn respond_option_that_is_not_taken_fails_with_exit_5() {
    let env = TestEnv::new();
    // A canned screen never changes: the menu never takes the key.
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let out = env.run(&["respond", "dev", "--option", "1"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did not take option 1"),
        "{}",
        stderr(&out)
    );
    let ones = dev.bytes().iter().filter(|b| **b == b'1').count();
    assert_eq!(
        ones, 2,
        "sent once, and once more into the very same dialog"
    );
}

#[test]
fn respond_raw_keys_honour_expect_and_refuse_a_shell() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let out = env.run(&["respond", "dev", "Enter", "--expect", "0000000000000000"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("not the one detected"));
    std::thread::sleep(Duration::from_millis(200));
    assert!(dev.bytes().is_empty(), "nothing sent into another dialog");
    let d: serde_json::Value =
        serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
    let fp = d["fingerprint"].as_str().unwrap();
    let out = env.run(&["respond", "dev", "Down", "--expect", fp]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dev.wait_inputs(1), vec![Input::Text("\x1b[B".into())]);

    let env = TestEnv::new();
    exited_agent(&env, "sh");
    let out = env.run(&["respond", "sh", "y", "Enter"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no keys were sent"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_message_is_logged_before_it_is_typed_and_ctrl_c_logs_it_undelivered() {
    let env = TestEnv::new();
    let _dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let mut child = spawn_sb(&env, &["send", "dev", "--when-ready=30s", "after the menu"]);
    // While it waits, the write-ahead record is already in both logs.
    assert!(wait_for(Duration::from_secs(10), || {
        env.raw_log("mailbox/dev.jsonl").len() == 1
    }));
    let raw = env.raw_log("conversation.jsonl");
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0]["outcome"], "sending");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["outcome"], "undelivered");
    assert!(log[0]["error"].as_str().unwrap().contains("interrupted"));
    assert_eq!(env.raw_log("mailbox/dev.jsonl").len(), 2);
}

#[test]
fn a_message_killed_mid_send_shows_its_outcome_as_unknown() {
    let env = TestEnv::new();
    let _dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let mut child = spawn_sb(&env, &["send", "dev", "--when-ready=30s", "lost?"]);
    assert!(wait_for(Duration::from_secs(10), || {
        env.raw_log("mailbox/dev.jsonl").len() == 1
    }));
    child.kill().unwrap();
    child.wait().unwrap();
    let out = env.run(&["history", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"][0]["outcome"], "sending", "{v}");
    let out = env.run(&["inbox", "dev"]);
    assert!(stdout(&out).contains("lost?"), "{}", stdout(&out));
}

#[test]
fn confirm_by_screen_needs_to_see_the_message_arrive() {
    let env = TestEnv::new();
    // An idle screen that is already there (and never shows the message) confirms nothing.
    let _dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let out = env.run(&["send", "dev", "--confirm=2s", "--json", "are you there"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["confirmation"]["confirmed"], false, "{v}");
    assert_eq!(v["confirmation"]["method"], "screen", "{v}");
}

#[test]
fn only_a_real_slash_command_goes_untagged() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(
        env.run(&["send", "dev", "/etc/hosts has a bad entry"])
            .status
            .success()
    );
    assert!(env.run(&["send", "dev", "/clear"]).status.success());
    let inputs = dev.wait_inputs(4);
    assert_eq!(
        inputs[0],
        Input::Paste("[from:user] /etc/hosts has a bad entry".into())
    );
    assert_eq!(inputs[2], Input::Paste("/clear".into()));
}

#[test]
fn a_failed_send_does_not_refresh_last_seen() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let reg_path = env.state.join("registry.json");
    let mut reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reg_path).unwrap()).unwrap();
    reg["roles"]["dev"]["last_seen"] = "2026-01-01T00:00:00.000Z".into();
    std::fs::write(&reg_path, serde_json::to_vec(&reg).unwrap()).unwrap();
    env.tmux(&["kill-pane", "-t", &dev.pane]);
    let out = env.run(&["send", "dev", "hello?"]);
    assert_ne!(out.status.code(), Some(0));
    let reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reg_path).unwrap()).unwrap();
    assert_eq!(reg["roles"]["dev"]["last_seen"], "2026-01-01T00:00:00.000Z");
}

#[test]
fn watch_validates_its_roles_and_keeps_one_pending_notice() {
    let env = TestEnv::new();
    let gestor = FakeAgent::with_screen(&env, "gestor", &fixture(DRAFT));
    let _dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let out = env.run(&["watch", "--notify", "nosuch", "--rounds", "1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("nosuch"));
    let out = env.run(&[
        "watch",
        "--notify",
        "gestor",
        "--roles",
        "dev,ghost",
        "--rounds",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // The manager has a draft open: the notice waits (nothing typed, nothing logged) and is
    // delivered once when the draft is gone.
    let watcher = {
        let mut sb = env.sb();
        sb.args([
            "watch",
            "--notify",
            "gestor",
            "--interval",
            "100ms",
            "--rounds",
            "40",
        ]);
        std::thread::spawn(move || sb.output().unwrap())
    };
    std::thread::sleep(Duration::from_millis(1500));
    assert!(gestor.bytes().is_empty(), "nothing typed over the draft");
    assert!(
        !env.state.join("conversation.jsonl").exists() || env.log("conversation.jsonl").is_empty(),
        "no undelivered copies logged while waiting"
    );
    gestor.draw(&fixture(IDLE));
    let out = watcher.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 1, "one notice, logged once: {log:?}");
    assert_eq!(log[0]["outcome"], "delivered");
    assert!(log[0]["text"].as_str().unwrap().contains("--expect"));
}

#[test]
fn detect_reports_deliverable_and_the_refusal() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let d: serde_json::Value =
        serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
    assert_eq!(d["deliverable"], false);
    let refusal = d["refusal"].as_str().unwrap();
    assert!(refusal.contains("menu open"), "{refusal}");
    dev.draw(&fixture(IDLE));
    assert!(wait_for(Duration::from_secs(5), || {
        let d: serde_json::Value =
            serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
        d["deliverable"] == true && d["refusal"].is_null()
    }));
    // The same decision for a saved screen.
    let out = env
        .sb()
        .args(["detect", "--screen", "-", "--json"])
        .write_stdin(fixture(MENU))
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["deliverable"], false);
}

/// Claude Code's session file for the pane: `status` from the agent itself.
fn session_file(env: &TestEnv, dev: &FakeAgent, status: &str, pid_delta: i64, start: Option<&str>) {
    let pid: i64 = env
        .tmux(&["display", "-p", "-t", &dev.pane, "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let real_start = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .nth(19)
        .unwrap()
        .to_string();
    let dir = env.home.join(".claude/sessions");
    std::fs::create_dir_all(&dir).unwrap();
    let body = serde_json::json!({
        "pid": pid + pid_delta,
        "procStart": start.unwrap_or(&real_start),
        "status": status,
        "waitingFor": if status == "waiting" { Some("permission prompt") } else { None },
        "tmux": format!("sbtest:@0.{}", dev.pane),
        "sessionId": "s1",
        "updatedAt": 1,
    });
    std::fs::write(dir.join(format!("{pid}.json")), body.to_string()).unwrap();
}

#[test]
fn the_agents_own_waiting_status_refuses_an_idle_looking_screen() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    session_file(&env, &dev, "waiting", 0, None);
    let out = env.run(&["send", "dev", "hi"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("permission prompt"),
        "{}",
        stderr(&out)
    );
    let d: serde_json::Value =
        serde_json::from_slice(&env.run(&["detect", "dev", "--json"]).stdout).unwrap();
    assert_eq!(d["agent_status"]["status"], "waiting", "{d}");
    assert_eq!(d["sources_disagree"], true, "{d}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(dev.bytes().is_empty());

    // Idle in the file: typed into.
    session_file(&env, &dev, "idle", 0, None);
    assert!(env.run(&["send", "dev", "one"]).status.success());
    // A file whose pid or procStart does not match is ignored (the screen alone decides).
    session_file(&env, &dev, "waiting", 0, Some("12345"));
    assert!(env.run(&["send", "dev", "two"]).status.success());
    session_file(&env, &dev, "waiting", 1_000_000, None);
    assert!(env.run(&["send", "dev", "three"]).status.success());
    assert_eq!(dev.wait_inputs(6).len(), 6);
}

/// sb in the background, with the test env's state dir and tmux server.
fn spawn_sb(env: &TestEnv, args: &[&str]) -> std::process::Child {
    std::process::Command::new(crate::env::SB)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &env.home)
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("SB_TMUX_SOCKET", &env.sock)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn agent_fixture(agent: &str, name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/screens")
        .join(agent)
        .join(format!("{name}.txt"));
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn a_busy_codex_is_not_typed_into_and_c_c_needs_force() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(
        &env,
        "dev",
        &agent_fixture("codex", "14-busy-working-thinking"),
    );
    let out = env.run(&["send", "dev", "one more thing"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("abandons the request"),
        "{}",
        stderr(&out)
    );
    dev.draw(&agent_fixture("codex", "07-idle-after-reply"));
    assert!(wait_for(Duration::from_secs(5), || {
        env.run(&["send", "dev", "now"]).status.success()
    }));
    // One C-c on an empty Codex prompt quits Codex: not without --force. The message's bytes
    // may still be reaching the agent: count them once they have stopped growing.
    let mut before = dev.bytes().len();
    assert!(wait_for(Duration::from_secs(5), || {
        std::thread::sleep(Duration::from_millis(300));
        let now = dev.bytes().len();
        std::mem::replace(&mut before, now) == now
    }));
    let out = env.run(&["respond", "dev", "C-c"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("quits or interrupts"),
        "{}",
        stderr(&out)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(dev.bytes().len(), before);
    assert!(
        env.run(&["respond", "dev", "C-c", "--force"])
            .status
            .success()
    );
    assert!(wait_for(Duration::from_secs(5), || dev.bytes().len() == before + 1));
}

#[test]
fn a_gemini_send_pauses_before_enter_and_reports_an_enter_taken_as_a_newline() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &agent_fixture("gemini", "06-idle-after-reply"));
    // The agent shows the pasted text left in its box, as Gemini does when Enter becomes a newline.
    let stuck = agent_fixture("gemini", "05-idle-draft-typed");
    let swapper = {
        let (record, screen) = (dev.record.clone(), dev.screen.clone());
        std::thread::spawn(move || {
            wait_for(Duration::from_secs(20), || {
                std::fs::read(&record).is_ok_and(|b| b.windows(6).any(|w| w == b"\x1b[201~"))
            });
            let tmp = screen.with_extension("tmp3");
            std::fs::write(&tmp, stuck).unwrap();
            std::fs::rename(&tmp, &screen).unwrap();
        })
    };
    let out = env.run(&["send", "dev", "--no-tag", "--json", "hello there SCN_TEXT"]);
    swapper.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["delivered"], true, "{v}");
    assert_eq!(v["submitted"], false, "never reported as submitted: {v}");
    assert!(v["error"].as_str().unwrap().contains("newline"), "{v}");
    let enters = dev.bytes().iter().filter(|b| **b == b'\r').count();
    assert_eq!(enters, 2, "Enter, then once more");
    let log = env.log("conversation.jsonl");
    assert_eq!(log[0]["submitted"], false);
}

#[test]
fn raw_key_respond_takes_the_pane_lock() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.state.join("registry.json")).unwrap()).unwrap();
    let lock = env.state.join(format!(
        "locks/pane-{}-{}.lock",
        reg["roles"]["dev"]["server_pid"],
        dev.pane.trim_start_matches('%')
    ));
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    // Another writer (a send, a respond) holds the pane for 1.5 s.
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sleep", "1.5"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let start = std::time::Instant::now();
    let out = env.run(&["respond", "dev", "Down"]);
    let waited = start.elapsed();
    holder.wait().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        waited >= Duration::from_millis(900),
        "respond typed while the pane was locked ({waited:?})"
    );
    assert_eq!(dev.wait_inputs(1), vec![Input::Text("\x1b[B".into())]);
}

#[test]
fn a_refused_send_in_json_names_the_logged_message() {
    let env = TestEnv::new();
    let _dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let out = env.run(&["--json", "send", "dev", "are you there"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "refused", "{v}");
    assert_eq!(v["error"]["exit_code"], 6, "{v}");
    let log = env.log("conversation.jsonl");
    assert_eq!(v["error"]["message_id"], log[0]["id"], "{v}");
    assert_eq!(log[0]["outcome"], "undelivered");
    assert!(
        v["error"]["hint"].as_str().unwrap().contains("--expect"),
        "{v}"
    );
}

#[test]
fn ctrl_c_stops_watch_between_rounds_with_exit_130() {
    let env = TestEnv::new();
    let _dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let mut child = std::process::Command::new(crate::env::SB)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("SB_TMUX_SOCKET", &env.sock)
        .args(["watch", "--interval", "100ms", "--jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_for(Duration::from_secs(10), || {
        env.state.join("events.jsonl").exists()
    }));
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let start = std::time::Instant::now();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(start.elapsed() < Duration::from_secs(5));
    // Every line in events.jsonl is whole: it stopped between rounds.
    for line in std::fs::read_to_string(env.state.join("events.jsonl"))
        .unwrap()
        .lines()
    {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}
