//! Security of the state itself: files private even with umask 0, world-writable state refused
//! with the risk explained, and a pane id reused by a restarted tmux server never typed into.

use super::{mode, no_panic, strict_log, tree};
use crate::env::{SB, TestEnv, stderr, stdout};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

#[test]
fn security_state_files_are_private_even_with_umask_0() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    std::fs::remove_dir_all(&env.state).unwrap();
    let run0 = |args: &str| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("umask 000; exec {SB} {args}"))
            .env("SESSION_BRIDGE_DIR", &env.state)
            .env("SB_TMUX_SOCKET", &env.sock)
            .env("HOME", &env.home)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args}: {}", stderr(&out));
    };
    run0(&format!("register dev --pane {}", dev.pane));
    run0("send dev hi");
    run0("prompt set dev brief");
    run0("send dev --force again");
    let all = tree(&env.state);
    assert!(all.len() >= 8, "{all:?}");
    assert_eq!(mode(&env.state), 0o700);
    for rel in all {
        let p = env.state.join(&rel);
        let m = mode(&p);
        if p.is_dir() {
            assert_eq!(m, 0o700, "{}", rel.display());
        } else {
            assert_eq!(m, 0o600, "{}", rel.display());
        }
    }
}

#[test]
fn security_world_writable_state_is_refused_with_the_risk_explained() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    for (rel, m) in [
        ("", 0o777),
        ("registry.json", 0o666),
        ("prompts.json", 0o666),
        ("", 0o702),
    ] {
        let path = env.state.join(rel);
        let old = mode(&path);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
        let typed = dev.bytes().len();
        for args in [
            vec!["send", "dev", "hi"],
            vec!["send", "dev", "--force", "hi"],
            vec!["respond", "dev", "1"],
            vec!["register", "other", "--pane", dev.pane.as_str()],
            vec!["prompt", "set", "dev", "injected"],
            vec!["prompt", "get", "dev"],
            vec!["peers"],
        ] {
            let out = env.run(&args);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{rel:?} {m:o} {args:?}: {}",
                stderr(&out)
            );
            assert!(
                stderr(&out).contains("world-writable") && stderr(&out).contains("chmod go-w"),
                "{args:?}: the risk and the fix are explained: {}",
                stderr(&out)
            );
        }
        // The hook stays silent rather than inject a prompt anyone could have written.
        let out = env
            .sb()
            .env("TMUX_PANE", &dev.pane)
            .args(["hook", "session-start"])
            .write_stdin(
                r#"{"session_id":"s","source":"startup","hook_event_name":"SessionStart"}"#,
            )
            .output()
            .unwrap();
        if out.status.code() != Some(2) {
            assert_eq!(out.status.code(), Some(0));
            assert!(
                out.stdout.is_empty(),
                "the hook printed a prompt from a world-writable state: {}",
                stdout(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(dev.bytes().len(), typed, "{rel:?}: nothing typed");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(old)).unwrap();
    }
    assert!(env.run(&["send", "dev", "fine again"]).status.success());
}

#[test]
fn security_a_reused_pane_id_on_a_restarted_server_is_never_typed_into() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    env.kill_server();
    let intruder = env.agent("intruder", &[]);
    assert_eq!(intruder.pane, dev.pane, "the new server reuses the pane id");
    let attempts: Vec<Vec<&str>> = vec![
        vec!["send", "dev", "secret"],
        vec!["send", "dev", "--force", "secret"],
        vec!["send", "dev", "--when-ready=1s", "secret"],
        vec!["send", "dev", "--no-submit", "--force", "secret"],
        vec!["respond", "dev", "1"],
        vec!["respond", "dev", "--option", "1"],
        vec!["respond", "dev", "y", "Enter"],
    ];
    for args in &attempts {
        let out = env.run(args);
        no_panic(&out, &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("server"),
            "{args:?} explains the server changed: {}",
            stderr(&out)
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        intruder.bytes().is_empty(),
        "nothing typed into the reused pane: {:?}",
        intruder.bytes()
    );
    let log = strict_log(&env.state.join("conversation.jsonl"));
    assert_eq!(log.len(), 4, "each send logged");
    assert!(log.iter().all(|m| m["delivered"] == false));
    // The hook on the reused pane does not hand dev's briefing to the intruder's session.
    let out = env
        .sb()
        .env("TMUX_PANE", &intruder.pane)
        .args(["hook", "session-start"])
        .write_stdin(r#"{"session_id":"s","source":"startup","hook_event_name":"SessionStart"}"#)
        .output()
        .unwrap();
    eprintln!(
        "hook on a reused pane id printed {} bytes (exit {:?})",
        out.stdout.len(),
        out.status.code()
    );
}
