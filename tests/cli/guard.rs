//! The send guard, `sb wait`, guarded `respond --option`, and `sb watch`, against fake agents that
//! draw real Claude Code screens (tests/fixtures/screens).

use crate::env::{FakeAgent, Input, TestEnv, fixture, stderr, stdout, wait_for};
use std::time::{Duration, Instant};

const MENU: &str = "45-bash-permission-prompt";
const OTHER_MENU: &str = "50-edit-approval-prompt";
const IDLE: &str = "42-mock-simple-reply-idle";
const DRAFT: &str = "07-idle-typed-text-not-submitted";
const BUSY: &str = "43-busy-streaming-spinner-frame2";

fn state_of(env: &TestEnv, role: &str) -> serde_json::Value {
    let out = env.run(&["detect", role, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn fake_agent_screens_classify_as_captured() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let d = state_of(&env, "dev");
    assert_eq!(d["state"], "waiting_select");
    assert_eq!(d["question"], "Do you want to proceed?");
    assert_eq!(d["options"][0]["label"], "Yes");
    assert!(d["fingerprint"].is_string());
    dev.draw(&fixture(IDLE));
    assert!(wait_for(
        Duration::from_secs(5),
        || state_of(&env, "dev")["state"] == "idle"
    ));
}

#[test]
fn send_refuses_an_open_menu_then_force_and_when_ready_deliver() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let out = env.run(&["send", "dev", "--from", "gestor", "take issue #14"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Do you want to proceed?")
            && err.contains("sb respond dev --option 1 --expect "),
        "{err}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(dev.bytes().is_empty(), "nothing was typed into the menu");
    let log = env.log("conversation.jsonl");
    assert_eq!(
        (log[0]["delivered"].as_bool(), log[0]["text"].as_str()),
        (Some(false), Some("take issue #14"))
    );
    assert!(log[0]["error"].as_str().unwrap().contains("menu open"));

    let out = env.run(&["send", "dev", "--force", "forced"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        dev.wait_inputs(2)[0],
        Input::Paste("[from:user] forced".into())
    );

    let sb = env.sb();
    let waiter = std::thread::spawn(move || {
        let mut sb = sb;
        sb.args(["send", "dev", "--when-ready=20s", "after the menu"])
            .output()
            .unwrap()
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        dev.inputs().len(),
        2,
        "still waiting while the menu is open"
    );
    dev.draw(&fixture(IDLE));
    let out = waiter.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        dev.wait_inputs(4)[2],
        Input::Paste("[from:user] after the menu".into())
    );
    assert_eq!(env.log("conversation.jsonl").len(), 3);
}

#[test]
fn send_refuses_to_type_over_a_draft() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &crate::env::fixture_ansi(DRAFT));
    let out = env.run(&["send", "dev", "hello"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("unsent text"), "{}", stderr(&out));
    assert!(dev.bytes().is_empty());
    // Busy is fine: Claude Code queues the message.
    dev.draw(&fixture(BUSY));
    assert!(wait_for(
        Duration::from_secs(5),
        || state_of(&env, "dev")["state"] == "busy"
    ));
    assert!(env.run(&["send", "dev", "queued"]).status.success());
}

#[test]
fn wait_returns_on_the_change_and_times_out_with_exit_5() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(BUSY));
    let out = env.run(&[
        "wait",
        "dev",
        "--until",
        "idle",
        "--timeout",
        "700ms",
        "--interval",
        "100ms",
    ]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("still busy"), "{}", stderr(&out));

    let sb = env.sb();
    let start = Instant::now();
    let waiter = std::thread::spawn(move || {
        let mut sb = sb;
        sb.args([
            "--json",
            "wait",
            "dev",
            "--until",
            "settled",
            "--interval",
            "200ms",
            "--timeout",
            "30s",
        ])
        .output()
        .unwrap()
    });
    std::thread::sleep(Duration::from_millis(1000));
    let changed = start.elapsed();
    dev.draw(&fixture(MENU));
    let out = waiter.join().unwrap();
    let returned = start.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"], "waiting_select");
    // Within one interval of the change (plus the agent's redraw and process start-up).
    assert!(
        returned - changed < Duration::from_millis(200 + 600),
        "{:?}",
        returned - changed
    );
    let out = env.run(&["wait", "dev", "--until", "waiting", "--timeout", "5s"]);
    assert!(out.status.success());
}

#[test]
fn respond_option_answers_only_the_menu_that_was_detected() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let fp = state_of(&env, "dev")["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let out = env.run(&[
        "respond",
        "dev",
        "--option",
        "1",
        "--expect",
        "0000000000000000",
    ]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not the one detected")
            && stderr(&out).contains("Do you want to proceed?")
    );
    assert_eq!(
        env.run(&["respond", "dev", "--option", "9"]).status.code(),
        Some(2)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(dev.bytes().is_empty());
    // The agent closes its menu when a key arrives, as Claude Code does.
    let (record, screen) = (dev.record.clone(), dev.screen.clone());
    let closer = std::thread::spawn(move || {
        let agent = FakeAgent {
            pane: String::new(),
            record,
            screen,
        };
        wait_for(Duration::from_secs(10), || !agent.bytes().is_empty());
        agent.draw(&fixture(IDLE));
    });
    let out = env.run(&["--json", "respond", "dev", "--option", "1", "--expect", &fp]);
    assert!(out.status.success(), "{}", stderr(&out));
    closer.join().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["label"].as_str(), v["keys"][0].as_str()),
        (Some("Yes"), Some("1"))
    );
    assert_eq!(
        (v["taken"].as_bool(), v["retried"].as_bool()),
        (Some(true), Some(false)),
        "{v}"
    );
    assert_eq!(dev.bytes(), b"1");
    // A menu that ignores the key (as Claude Code does in its first ~200 ms) gets it once more.
    dev.draw(&fixture(MENU));
    assert!(wait_for(
        Duration::from_secs(5),
        || state_of(&env, "dev")["state"] == "waiting_select"
    ));
    // Not taken even then: a failure (exit 5), never "sent".
    let out = env.run(&["--json", "respond", "dev", "--option", "1"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did not take option 1"),
        "{}",
        stderr(&out)
    );
    assert!(wait_for(Duration::from_secs(5), || dev.bytes() == b"111"));
    // The menu changed: the old fingerprint is refused.
    dev.draw(&fixture(OTHER_MENU));
    assert!(wait_for(Duration::from_secs(5), || {
        state_of(&env, "dev")["question"]
            .as_str()
            .is_some_and(|q| q.contains("edit"))
    }));
    assert_eq!(
        env.run(&["respond", "dev", "--option", "1", "--expect", &fp])
            .status
            .code(),
        Some(6)
    );
    dev.draw(&fixture(IDLE));
    assert!(wait_for(
        Duration::from_secs(5),
        || state_of(&env, "dev")["state"] == "idle"
    ));
    let out = env.run(&["respond", "dev", "--option", "1"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr(&out).contains("no menu open"));
    assert_eq!(dev.bytes(), b"111");
}

#[test]
fn watch_notifies_the_manager_once_per_question() {
    let env = TestEnv::new();
    let gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(IDLE));
    let mut watch = std::process::Command::new(crate::env::SB)
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("SB_TMUX_SOCKET", &env.sock)
        .args([
            "watch",
            "--notify",
            "gestor",
            "--interval",
            "150ms",
            "--jsonl",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pastes = |g: &FakeAgent| {
        g.inputs()
            .into_iter()
            .filter(|i| matches!(i, Input::Paste(_)))
            .count()
    };
    std::thread::sleep(Duration::from_millis(500));
    dev.draw(&fixture(MENU));
    assert!(wait_for(Duration::from_secs(10), || pastes(&gestor) == 1));
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        pastes(&gestor),
        1,
        "no duplicate notice while the same menu stays open"
    );
    let Input::Paste(notice) = gestor.inputs()[0].clone() else {
        panic!()
    };
    assert!(
        notice.starts_with(
            "[from:watch] [sb watch] dev is waiting on a menu: Do you want to proceed?"
        ),
        "{notice}"
    );
    assert!(
        notice.contains("1. Yes → sb respond dev --option 1 --expect"),
        "{notice}"
    );
    dev.draw(&fixture(IDLE));
    std::thread::sleep(Duration::from_millis(500));
    dev.draw(&fixture(OTHER_MENU));
    assert!(
        wait_for(Duration::from_secs(10), || pastes(&gestor) == 2),
        "a new menu gives a second notice"
    );
    let notified = |env: &TestEnv| env.read("events.jsonl").matches("\"notified\"").count();
    assert!(wait_for(Duration::from_secs(10), || notified(&env) == 2));
    let _ = watch.kill();
    let out = watch.wait_with_output().unwrap();
    let printed = stdout(&out);
    let events = env.log("events.jsonl");
    let transitions: Vec<(String, String)> = events
        .iter()
        .filter(|e| e["kind"] == "transition" && e["role"] == "dev")
        .map(|e| {
            (
                e["from"].as_str().unwrap_or("-").to_string(),
                e["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("-", "idle"),
        ("idle", "waiting_select"),
        ("waiting_select", "idle"),
        ("idle", "waiting_select"),
    ];
    assert_eq!(
        transitions,
        want.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(events.iter().filter(|e| e["kind"] == "notified").count(), 2);
    assert!(printed.lines().count() >= 6, "{printed}");
}

#[test]
fn confirm_uses_the_transcript_and_retries_a_swallowed_enter() {
    let env = TestEnv::new();
    let transcript = env.dir.path().join("dev-transcript.jsonl");
    let dev = env.agent(
        "dev",
        &[
            "--transcript",
            transcript.to_str().unwrap(),
            "--swallow-enters",
            "1",
        ],
    );
    assert!(
        env.run(&["register", "dev", "--pane", &dev.pane])
            .status
            .success()
    );
    // No transcript known: the screen decides. The first Enter is swallowed, so sb presses it again.
    let out = env.run(&["--json", "send", "dev", "--confirm=10s", "first message"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["confirmation"]["confirmed"], true, "{v}");
    assert_eq!(v["confirmation"]["method"], "screen");
    assert_eq!(v["confirmation"]["retried_enter"], true, "{v}");
    // With the transcript recorded on the role (as the SessionStart hook does): it decides.
    let reg_path = env.state.join("registry.json");
    let mut reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reg_path).unwrap()).unwrap();
    reg["roles"]["dev"]["transcript_path"] = transcript.to_str().unwrap().into();
    std::fs::write(&reg_path, serde_json::to_vec(&reg).unwrap()).unwrap();
    let out = env.run(&["--json", "send", "dev", "--confirm=10s", "second message"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["confirmation"]["confirmed"].as_bool(),
            v["confirmation"]["method"].as_str()
        ),
        (Some(true), Some("transcript")),
        "{v}"
    );
    assert_eq!(v["confirmation"]["retried_enter"], false);
    // A peer that never takes it: unconfirmed, exit 5, and still delivered and logged.
    let stuck = FakeAgent::with_screen(&env, "stuck", &fixture(BUSY));
    let mut reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reg_path).unwrap()).unwrap();
    reg["roles"]["stuck"]["transcript_path"] =
        env.dir.path().join("none.jsonl").to_str().unwrap().into();
    std::fs::write(&reg_path, serde_json::to_vec(&reg).unwrap()).unwrap();
    let out = env.run(&["--json", "send", "stuck", "--confirm=1s", "lost?"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["delivered"].as_bool(),
            v["confirmation"]["confirmed"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert!(
        stderr(&out).contains("not seen taken as a user turn"),
        "{}",
        stderr(&out)
    );
    drop(stuck);
}
