//! Bad input: clear messages, documented exit codes, no panics, nothing half-written.

use crate::env::{TestEnv, stderr, stdout};

#[test]
fn unknown_role_lists_the_known_ones() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let _rev = env.role("reviewer");
    let out = env.run(&["send", "nobody", "hi"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.starts_with("sb: error: unknown role \"nobody\""),
        "{err}"
    );
    assert!(err.contains("dev, reviewer"), "{err}");
    for cmd in [
        vec!["peek", "nobody"],
        vec!["respond", "nobody", "1"],
        vec!["unregister", "nobody"],
    ] {
        assert_eq!(env.run(&cmd).status.code(), Some(3), "{cmd:?}");
    }
}

#[test]
fn bad_role_names_are_refused_before_any_file_is_touched() {
    let env = TestEnv::new();
    for role in ["../x", "", ".hidden", "a/b", "with space", &"x".repeat(65)] {
        for cmd in [
            vec!["send", role, "hi"],
            vec!["register", role, "--pane", "%0"],
            vec!["inbox", role],
            vec!["prompt", "set", role, "x"],
        ] {
            let out = env.run(&cmd);
            assert_eq!(out.status.code(), Some(2), "{cmd:?}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("invalid role name"),
                "{cmd:?}: {}",
                stderr(&out)
            );
        }
    }
    assert!(!env.state.exists(), "no state was created");
}

#[test]
fn corrupt_registry_is_named_and_left_as_it_was() {
    let env = TestEnv::new();
    std::fs::create_dir_all(&env.state).unwrap();
    let reg = env.state.join("registry.json");
    std::fs::write(&reg, b"{\"version\":1,\"roles\":{\"dev\":").unwrap();
    for cmd in [
        vec!["peers"],
        vec!["send", "dev", "x"],
        vec!["register", "dev", "--pane", "%0"],
    ] {
        let out = env.run(&cmd);
        let err = stderr(&out);
        // register checks the pane first (no tmux server here: exit 4); the others read the file.
        if cmd[0] != "register" {
            assert_eq!(out.status.code(), Some(1), "{cmd:?}: {err}");
            assert!(
                err.contains("registry.json") && err.contains("not a valid"),
                "{err}"
            );
        }
    }
    assert_eq!(
        std::fs::read(&reg).unwrap(),
        b"{\"version\":1,\"roles\":{\"dev\":"
    );
}

#[test]
fn torn_last_line_is_skipped_with_a_warning() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    assert!(env.run(&["send", "dev", "one"]).status.success());
    assert!(env.run(&["send", "dev", "two"]).status.success());
    let conv = env.state.join("conversation.jsonl");
    let mut bytes = std::fs::read(&conv).unwrap();
    bytes.extend_from_slice(b"{\"id\":\"x\",\"ts\":\"20");
    std::fs::write(&conv, &bytes).unwrap();
    let out = env.run(&["history", "--jsonl"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).lines().count(), 2);
    assert!(
        stderr(&out).contains("skipped 1 unreadable line"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&conv).unwrap(),
        bytes,
        "readers never rewrite the log"
    );
}

#[test]
fn closed_stdout_exits_zero() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    for i in 0..30 {
        assert!(
            env.run(&["send", "dev", &format!("message {i} {}", "y".repeat(500))])
                .status
                .success()
        );
    }
    for how in ["", "--jsonl", "--json"] {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; {} history --limit 0 {how} | head -c 10 >/dev/null",
                crate::env::SB
            ))
            .env("SESSION_BRIDGE_DIR", &env.state)
            .output()
            .unwrap();
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{how}: {}", stderr(&out));
    }
}

#[test]
fn no_tmux_server_is_exit_4_with_a_hint() {
    let env = TestEnv::new();
    let out = env.run(&["register", "dev", "--pane", "%0"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("tmux"), "{}", stderr(&out));
    let out = env
        .sb()
        .env("PATH", "/nonexistent")
        .args(["register", "dev", "--pane", "%0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("`tmux` binary was not found"),
        "{}",
        stderr(&out)
    );
    // Without tmux, peers still lists the registry: liveness unknown (not "dead"), a warning,
    // exit 0.
    let _dev = env.role("dev");
    let out = env
        .sb()
        .env("PATH", "/nonexistent")
        .args(["--json", "peers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["peers"][0]["role"], "dev");
    assert!(v["peers"][0]["alive"].is_null(), "{v}");
    assert!(stderr(&out).starts_with("sb: warning: tmux is not available"));
    let out = env
        .sb()
        .env("PATH", "/nonexistent")
        .args(["peers", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("unknown"), "{}", stdout(&out));
}

#[test]
fn usage_errors_are_exit_2() {
    let env = TestEnv::new();
    for cmd in [
        vec!["send"],
        vec!["send", "dev"],
        vec!["bogus"],
        vec!["register", "dev", "--pane", "3"],
        vec!["respond", "dev"],
    ] {
        let out = env.run(&cmd);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {}", stderr(&out));
    }
    let out = env
        .sb()
        .env_remove("TMUX_PANE")
        .args(["register", "dev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("TMUX_PANE"));
}

#[test]
fn no_saved_prompt_is_exit_3() {
    let env = TestEnv::new();
    let out = env.run(&["prompt", "get", "dev"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("sb prompt set dev"));
}
