//! Delivery (docs/ARCHITECTURE.md, Delivery: `sb send`): exact bytes in one bracketed paste, one Enter, sanitizing, big
//! messages, concurrency, and dead or replaced panes.

use crate::env::{Input, TestEnv, stderr, wait_for};
use std::time::Duration;

/// tmux pastes a newline as CR, as a terminal does; everything else arrives unchanged.
fn as_pasted(s: &str) -> String {
    s.replace('\n', "\r")
}

#[test]
fn multiline_message_arrives_byte_exact_in_one_paste_and_one_enter() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let text = "first line with \"double\" and 'single' quotes\n\tsecond: tab, ünïcødé ✓ 🚀\nthird: $(rm -rf /) `x` ; \\ %s";
    let out = env
        .sb()
        .args(["send", "dev", "--from", "gestor", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = dev.wait_inputs(2);
    assert_eq!(
        got,
        vec![
            Input::Paste(as_pasted(&format!("[from:gestor] {text}"))),
            Input::Key(b'\r')
        ]
    );

    // --no-submit: the paste and no Enter; --no-tag: no prefix.
    let out = env.run(&[
        "send",
        "dev",
        "--from",
        "gestor",
        "--no-submit",
        "--no-tag",
        "two\nlines",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    wait_for(Duration::from_secs(10), || dev.inputs().len() >= 3);
    std::thread::sleep(Duration::from_millis(200));
    let got = dev.inputs();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[2], Input::Paste("two\rlines".into()));
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["text"], text);
    assert_eq!(log[1]["submitted"], false);
    assert_eq!(log[1]["delivered"], true);
}

#[test]
fn slash_commands_are_sent_without_the_tag() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(
        env.run(&["send", "dev", "--from", "gestor", "/clear"])
            .status
            .success()
    );
    assert_eq!(
        dev.wait_inputs(2),
        vec![Input::Paste("/clear".into()), Input::Key(b'\r')]
    );
}

#[test]
fn a_100_kb_message_arrives_intact() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let text: String = (0..2000)
        .map(|i| format!("line {i:05} {}\n", "x".repeat(40)))
        .collect::<String>();
    let text = text.trim_end().to_string();
    assert!(text.len() > 100_000);
    let out = env
        .sb()
        .args(["send", "dev", "--no-tag", "-"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = dev.wait_inputs(2);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], Input::Paste(as_pasted(&text)));
    assert_eq!(got[1], Input::Key(b'\r'));
}

#[test]
fn escape_sequences_and_controls_never_reach_the_pane() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let evil = "a\x1b[201~b\x1b[200~c\x1b]0;title\x07d\x1b[2J\x03\x04\x1a\x00e\r\nf\u{9b}31mg";
    let out = env
        .sb()
        .args(["send", "dev", "--no-tag", "-"])
        .write_stdin(evil)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = dev.wait_inputs(2);
    let raw = String::from_utf8(dev.bytes()).unwrap();
    assert_eq!(raw.matches("\x1b[200~").count(), 1, "{raw:?}");
    assert_eq!(raw.matches("\x1b[201~").count(), 1, "{raw:?}");
    assert_eq!(
        raw.matches('\x1b').count(),
        2,
        "only the paste markers carry ESC: {raw:?}"
    );
    assert_eq!(
        got,
        vec![
            Input::Paste("a[201~b[200~c]0;titled[2Je\rf31mg".into()),
            Input::Key(b'\r')
        ]
    );
}

#[test]
fn concurrent_senders_never_interleave() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let procs: Vec<_> = (0..8)
        .map(|p| {
            let mut cmd = std::process::Command::new("sh");
            let script = format!("for i in $(seq 1 100); do {} send dev --from s{p} \"msg $i from {p} end\" 2>/dev/null || exit 1; done", crate::env::SB);
            cmd.arg("-c").arg(script).env("SESSION_BRIDGE_DIR", &env.state).env("SB_TMUX_SOCKET", &env.sock);
            cmd.spawn().unwrap()
        })
        .collect();
    for mut p in procs {
        assert!(p.wait().unwrap().success());
    }
    let got = dev.wait_inputs(1600);
    assert_eq!(got.len(), 1600, "800 pastes and 800 Enters");
    for pair in got.chunks(2) {
        match (&pair[0], &pair[1]) {
            (Input::Paste(t), Input::Key(b'\r')) => {
                assert!(t.starts_with("[from:s") && t.ends_with(" end"), "{t:?}")
            }
            other => panic!("interleaved: {other:?}"),
        }
    }
    let mut seen: Vec<String> = got
        .iter()
        .filter_map(|i| {
            if let Input::Paste(t) = i {
                Some(t.clone())
            } else {
                None
            }
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 800, "every message exactly once");
    assert_eq!(env.log("conversation.jsonl").len(), 800);
    assert_eq!(env.log("mailbox/dev.jsonl").len(), 800);
}

#[test]
fn a_gone_pane_is_never_typed_into_and_the_message_is_logged_undelivered() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let _other = env.role("other");
    env.tmux(&["kill-pane", "-t", &dev.pane]);
    let out = env.run(&["send", "dev", "hello"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no longer exists") && stderr(&out).contains("logged as undelivered"),
        "{}",
        stderr(&out)
    );
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["delivered"], false);
    assert_eq!(log[0]["submitted"], false);
    assert!(
        log[0]["error"]
            .as_str()
            .unwrap()
            .contains("no longer exists")
    );
}

#[test]
fn a_restarted_server_reusing_the_pane_id_is_not_typed_into() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    env.kill_server();
    // A new server on the same socket: its first pane gets the same id.
    let intruder = env.agent("intruder", &[]);
    assert_eq!(intruder.pane, dev.pane, "the pane id is reused");
    let out = env.run(&["send", "dev", "secret"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("server"), "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        intruder.bytes().is_empty(),
        "nothing typed into the new pane"
    );
    let log = env.log("conversation.jsonl");
    assert_eq!(log[0]["delivered"], false);
    // With no server at all: exit 4 too, still logged.
    env.kill_server();
    let out = env.run(&["send", "dev", "again"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(env.log("conversation.jsonl").len(), 2);
}

#[test]
fn respond_sends_validated_keys_only() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let out = env.run(&["respond", "dev", "1", "Down", "Bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Bogus"));
    std::thread::sleep(Duration::from_millis(200));
    assert!(dev.bytes().is_empty(), "nothing sent when any key is bad");
    let out = env.run(&["respond", "dev", "1", "down", "esc", "Enter", ";"]);
    assert!(out.status.success(), "{}", stderr(&out));
    wait_for(Duration::from_secs(5), || dev.bytes().len() >= 7);
    assert_eq!(dev.bytes(), b"1\x1b[B\x1b\r;");
}

#[test]
fn force_into_a_pane_whose_program_exited_is_undelivered() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let _other = env.role("other");
    env.tmux(&["set-option", "-wg", "remain-on-exit", "on"]);
    env.tmux(&["respawn-pane", "-k", "-t", &dev.pane, "true"]);
    assert!(wait_for(Duration::from_secs(5), || env
        .tmux(&["display-message", "-p", "-t", &dev.pane, "#{pane_dead}"])
        .trim()
        == "1"));
    for args in [
        vec!["send", "dev", "--force", "hello"],
        vec!["send", "dev", "hello"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("exited"), "{}", stderr(&out));
    }
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|m| m["delivered"] == false));
}
