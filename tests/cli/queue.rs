//! The delivery queue and receipts (issue #18): `send --queue`, `sb watch` delivering queued
//! messages exactly once (two watchers), in order, expiring them with one bounce, `sb queue` and
//! `drop`, the warning without a watcher; receipts reaching `seen` without the sender waiting,
//! and a message whose Enter is swallowed flagged once to its sender. Real tmux on a private
//! socket, `sb agent` peers.

use crate::env::{FakeAgent, Input, TestEnv, fixture, stderr, stdout, wait_for};
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const MENU: &str = "45-bash-permission-prompt";
const IDLE: &str = "42-mock-simple-reply-idle";

/// A running `sb watch`, stopped (SIGINT) when dropped.
struct Watch(Child);

impl Watch {
    fn start(env: &TestEnv, extra: &[&str]) -> Watch {
        let child = Command::new(crate::env::SB)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &env.home)
            .env("SESSION_BRIDGE_DIR", &env.state)
            .env("SB_TMUX_SOCKET", &env.sock)
            .env("LANG", "C.UTF-8")
            .args(["watch", "--interval", "100ms", "--jsonl"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Watch(child)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn json(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn watcher_running(env: &TestEnv) -> bool {
    json(env, &["queue"])["watcher_running"] == true
}

fn pastes(a: &FakeAgent) -> Vec<String> {
    a.inputs()
        .into_iter()
        .filter_map(|i| match i {
            Input::Paste(p) => Some(p),
            _ => None,
        })
        .collect()
}

/// The message `id` as `history --json` shows it.
fn message(env: &TestEnv, id: &str) -> Value {
    json(env, &["history", "-n", "50"])["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

fn steps(m: &Value) -> Vec<String> {
    m["receipts"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|s| s["step"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn queue_send(env: &TestEnv, extra: &[&str], text: &str) -> Value {
    let mut args = vec!["send", "dev", "--from", "gestor", "--queue"];
    args.extend_from_slice(extra);
    args.push(text);
    json(env, &args)
}

#[test]
fn queued_messages_are_delivered_once_in_order_when_the_menu_closes_with_two_watchers() {
    let env = TestEnv::new();
    let _gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let _w1 = Watch::start(&env, &[]);
    let _w2 = Watch::start(&env, &[]);
    assert!(wait_for(Duration::from_secs(10), || watcher_running(&env)));
    let mut ids = Vec::new();
    for (i, text) in ["first queued", "second queued", "third queued"]
        .iter()
        .enumerate()
    {
        let r = queue_send(&env, &[], text);
        assert_eq!(r["outcome"], "queued", "{r}");
        assert_eq!(r["delivered"], false);
        assert_eq!(r["queued"]["watcher_running"], true, "{r}");
        assert!(r["queued"]["warning"].is_null(), "{r}");
        assert_eq!(r["queued"]["ahead"], i, "{r}");
        ids.push(r["id"].as_str().unwrap().to_string());
    }
    let q = json(&env, &["queue"]);
    let listed: Vec<&str> = q["queued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids, "oldest first: {q}");
    assert!(
        q["queued"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("Do you want to proceed?"),
        "the guard's refusal is the reason: {q}"
    );
    // Nothing is typed into the open menu while the watchers run.
    std::thread::sleep(Duration::from_millis(800));
    assert!(dev.bytes().is_empty(), "{:?}", dev.inputs());
    dev.draw(&fixture(IDLE));
    assert!(
        wait_for(Duration::from_secs(20), || pastes(&dev).len() >= 3),
        "{:?}",
        dev.inputs()
    );
    // Two watchers, and still each message exactly once.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        pastes(&dev),
        [
            "[from:gestor] first queued",
            "[from:gestor] second queued",
            "[from:gestor] third queued"
        ]
    );
    let enters = dev
        .inputs()
        .iter()
        .filter(|i| **i == Input::Key(b'\r'))
        .count();
    assert_eq!(enters, 3);
    let raw = env.raw_log("conversation.jsonl");
    for id in &ids {
        let outcomes: Vec<&str> = raw
            .iter()
            .filter(|r| r["id"] == id.as_str())
            .map(|r| r["outcome"].as_str().unwrap())
            .collect();
        // send's write-ahead, queued; the watcher's write-ahead, delivered.
        assert_eq!(
            outcomes,
            ["sending", "queued", "sending", "delivered"],
            "{id}"
        );
        let m = message(&env, id);
        assert_eq!(steps(&m)[..3], ["queued", "typed", "submitted"], "{m}");
    }
    assert!(
        json(&env, &["queue"])["queued"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let events = env.log("events.jsonl");
    assert_eq!(
        events
            .iter()
            .filter(|e| e["kind"] == "queue_delivered")
            .count(),
        3
    );
}

#[test]
fn a_queued_message_past_its_ttl_expires_with_one_bounce_and_is_never_typed() {
    let env = TestEnv::new();
    let gestor = env.role("gestor");
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let _w = Watch::start(&env, &[]);
    assert!(wait_for(Duration::from_secs(10), || watcher_running(&env)));
    let r = queue_send(&env, &["--ttl", "1s"], "only useful for a second");
    assert_eq!(r["outcome"], "queued", "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    let bounces = || {
        pastes(&gestor)
            .into_iter()
            .filter(|p| p.contains("expired"))
            .collect::<Vec<_>>()
    };
    assert!(wait_for(Duration::from_secs(20), || bounces().len() == 1));
    let b = &bounces()[0];
    assert!(
        b.starts_with("[from:watch] [sb watch] your message to dev (id ")
            && b.contains(&id)
            && b.contains("only useful for a second"),
        "{b}"
    );
    // The menu closes: the expired message is not delivered, and the bounce is not repeated.
    dev.draw(&fixture(IDLE));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(dev.bytes().is_empty(), "{:?}", dev.inputs());
    assert_eq!(bounces().len(), 1);
    let m = message(&env, &id);
    assert_eq!(m["outcome"], "expired", "{m}");
    assert_eq!(steps(&m), ["queued", "expired"]);
    let human = stdout(&env.run(&["history", "--color", "never"]));
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("✗ ") && l.contains("expired")),
        "{human}"
    );
}

#[test]
fn queue_lists_and_drops_and_send_queue_warns_without_a_watcher() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    // No watcher: the message is queued (exit 0), and sb says nothing will deliver it.
    let out = env.run(&["send", "dev", "--queue", "first"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("queued for dev (id "),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("no sb watch is running")
            && stderr(&out).contains("until `sb watch` runs"),
        "{}",
        stderr(&out)
    );
    let r = json(&env, &["send", "dev", "--queue", "--ttl", "10m", "second"]);
    assert_eq!(r["queued"]["watcher_running"], false);
    assert!(
        r["queued"]["warning"]
            .as_str()
            .unwrap()
            .contains("nothing will deliver"),
        "{r}"
    );
    assert!(
        r["queued"]["reason"]
            .as_str()
            .unwrap()
            .contains("older queued"),
        "{r}"
    );
    let q = json(&env, &["queue", "--role", "dev"]);
    let entries = q["queued"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{q}");
    assert_eq!(entries[0]["text"], "first");
    assert!(entries[0]["expires_in_s"].as_u64().unwrap() > 3500);
    assert!(entries[1]["expires_in_s"].as_u64().unwrap() <= 600);
    assert!(entries[0]["age_s"].as_u64().unwrap() < 60);
    let human = env.run(&["queue", "--color", "never"]);
    assert!(
        stdout(&human).contains("first") && stdout(&human).contains("dev"),
        "{}",
        stdout(&human)
    );
    assert!(stderr(&human).contains("no sb watch is running"));
    // Drop the first: it is logged as dropped, never typed; dropping it again is exit 3.
    let first = entries[0]["id"].as_str().unwrap().to_string();
    let d = json(&env, &["queue", "drop", &first]);
    assert_eq!(d["dropped"]["outcome"], "dropped", "{d}");
    let q = json(&env, &["queue"]);
    assert_eq!(q["queued"].as_array().unwrap().len(), 1);
    let again = env.run(&["--json", "queue", "drop", &first]);
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    let e: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(e["error"]["kind"], "not_queued", "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("dropped"),
        "{e}"
    );
    assert_eq!(
        env.run(&["queue", "drop", "nosuchid"]).status.code(),
        Some(3)
    );
    assert_eq!(env.run(&["queue", "drop", "../x"]).status.code(), Some(2));
    // --queue never combines with typing regardless of the guard.
    assert_eq!(
        env.run(&["send", "dev", "--queue", "--force", "x"])
            .status
            .code(),
        Some(2)
    );
    // The remaining one shows as queued in history, the dropped one as not typed.
    let human = stdout(&env.run(&["history", "--color", "never"]));
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("… ") && l.contains("[queued: ")),
        "{human}"
    );
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("✗ ") && l.contains("dropped")),
        "{human}"
    );
    assert!(dev.bytes().is_empty());
}

#[test]
fn a_message_reaches_seen_from_the_transcript_without_the_sender_waiting() {
    let env = TestEnv::new();
    let transcript = env.dir.path().join("dev-transcript.jsonl");
    let dev = env.agent("dev", &["--transcript", transcript.to_str().unwrap()]);
    assert!(
        env.run(&["register", "dev", "--pane", &dev.pane])
            .status
            .success()
    );
    // The transcript recorded on the role, as the SessionStart hook does.
    let reg_path = env.state.join("registry.json");
    let mut reg: Value = serde_json::from_slice(&std::fs::read(&reg_path).unwrap()).unwrap();
    reg["roles"]["dev"]["transcript_path"] = transcript.to_str().unwrap().into();
    std::fs::write(&reg_path, serde_json::to_vec(&reg).unwrap()).unwrap();
    let _w = Watch::start(&env, &[]);
    assert!(wait_for(Duration::from_secs(10), || watcher_running(&env)));
    let r = json(
        &env,
        &["send", "dev", "--from", "gestor", "please take issue 18"],
    );
    assert_eq!(r["outcome"], "delivered");
    assert!(r["confirmation"].is_null(), "the sender did not wait");
    let id = r["id"].as_str().unwrap().to_string();
    assert!(
        wait_for(Duration::from_secs(20), || steps(&message(&env, &id))
            .last()
            .is_some_and(|s| s == "seen")),
        "{}",
        message(&env, &id)
    );
    let m = message(&env, &id);
    assert_eq!(steps(&m), ["typed", "submitted", "seen"], "{m}");
    let seen = &m["receipts"][2];
    assert_eq!(seen["via"], "transcript", "{m}");
    assert!(seen["ts"].as_str().unwrap() >= m["receipts"][0]["ts"].as_str().unwrap());
    // The seen step updates the message in place: its time stays its delivery time.
    assert_eq!(m["ts"], r["ts"]);
    let human = stdout(&env.run(&["history", "--color", "never"]));
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("✓✓ ") && l.contains("please take issue 18")),
        "{human}"
    );
    // Readers see the message once: history -n 0 streams it once, and the mailbox has no
    // receipt records.
    let all = stdout(&env.run(&["history", "-n", "0", "--jsonl"]));
    assert_eq!(all.matches(&id).count(), 1, "{all}");
    assert_eq!(
        env.raw_log("mailbox/dev.jsonl")
            .iter()
            .filter(|r| r["id"] == id.as_str())
            .count(),
        2
    );
    let events = env.log("events.jsonl");
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "seen" && e["message"] == id.as_str()),
        "{events:?}"
    );
}

#[test]
fn a_message_whose_enter_is_swallowed_is_flagged_once_to_its_sender() {
    let env = TestEnv::new();
    let gestor = env.role("gestor");
    let stuck = env.agent("stuck", &["--swallow-enters", "100"]);
    assert!(
        env.run(&["register", "stuck", "--pane", &stuck.pane])
            .status
            .success()
    );
    let _w = Watch::start(&env, &["--flag-unseen", "2s"]);
    assert!(wait_for(Duration::from_secs(10), || watcher_running(&env)));
    let r = json(
        &env,
        &["send", "stuck", "--from", "gestor", "are you there"],
    );
    assert_eq!(r["outcome"], "delivered");
    let id = r["id"].as_str().unwrap().to_string();
    let flags = || {
        pastes(&gestor)
            .into_iter()
            .filter(|p| p.contains("has not taken your message"))
            .collect::<Vec<_>>()
    };
    assert!(
        wait_for(Duration::from_secs(20), || flags().len() == 1),
        "{:?}",
        gestor.inputs()
    );
    let f = &flags()[0];
    assert!(
        f.starts_with("[from:watch] [sb watch] stuck has not taken your message (id ")
            && f.contains(&id)
            && f.contains("are you there"),
        "{f}"
    );
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(flags().len(), 1, "flagged once");
    let m = message(&env, &id);
    assert_eq!(steps(&m), ["typed", "submitted", "flagged"], "{m}");
    // The Enter was pressed once more, as --confirm does, and swallowed again.
    let enters = stuck
        .inputs()
        .iter()
        .filter(|i| **i == Input::Key(b'\r'))
        .count();
    assert_eq!(enters, 2, "{:?}", stuck.inputs());
    let human = stdout(&env.run(&["history", "--color", "never"]));
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("! ") && l.contains("are you there")),
        "{human}"
    );
}

#[test]
fn a_read_marker_on_a_queued_message_never_hides_what_came_after_it() {
    let env = TestEnv::new();
    let dev = FakeAgent::with_screen(&env, "dev", &fixture(MENU));
    let q = queue_send(&env, &[], "queued first");
    let r = json(&env, &["inbox", "dev", "--unread", "--mark-read"]);
    assert_eq!(r["marked_read"], q["id"], "{r}");
    // A message arrives meanwhile (refused: logged undelivered in dev's mailbox)...
    assert_eq!(
        env.run(&["send", "dev", "--from", "gestor", "came after"])
            .status
            .code(),
        Some(6)
    );
    // ...then the menu closes and a watcher round delivers the queued one.
    dev.draw(&fixture(IDLE));
    assert!(wait_for(Duration::from_secs(10), || {
        env.run(&["watch", "--rounds", "1", "--interval", "100ms"]);
        !pastes(&dev).is_empty()
    }));
    let r = json(&env, &["inbox", "dev", "--unread"]);
    let texts: Vec<&str> = r["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"came after"), "{r}");
    assert_eq!(pastes(&dev), ["[from:gestor] queued first"]);
}
