//! Security of paths: role names cannot escape the state dir (CLI or MCP), and symlinks in the
//! state dir are refused, not followed.

use super::{no_panic, sb, strict_log, tree};
use crate::env::{TestEnv, stderr};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const BAD_ROLES: &[&str] = &[
    "..",
    ".",
    "../x",
    "../../etc/passwd",
    "/etc/passwd",
    "a/b",
    ".hidden",
    "a b",
    "ü",
    "a\nb",
    "~",
    "*",
    "a\\b",
];

#[test]
fn security_role_names_cannot_escape_the_state_dir() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["send", "dev", "hello"]).status.success());
    let long = "x".repeat(65);
    let huge = "y".repeat(100_000);
    let outside_before = tree(env.dir.path());
    let mut roles: Vec<&str> = BAD_ROLES.to_vec();
    roles.extend([long.as_str(), huge.as_str()]);
    for role in &roles {
        for args in [
            vec!["register", role, "--pane", dev.pane.as_str()],
            vec!["send", role, "hi"],
            vec!["send", "dev", "--from", role, "hi"],
            vec!["inbox", role],
            vec!["history", "--role", role],
            vec!["prompt", "set", role, "x"],
            vec!["prompt", "get", role],
            vec!["unregister", role],
            vec!["respond", role, "1"],
            vec!["detect", role],
        ] {
            let out = env.run(&args);
            no_panic(&out, &format!("{args:?}"));
            assert_eq!(
                out.status.code(),
                Some(2),
                "{:?}: {}",
                &args[..2],
                stderr(&out)
            );
            assert!(
                stderr(&out).contains("invalid role name"),
                "{}",
                stderr(&out)
            );
            assert!(
                stderr(&out).len() < 1_000,
                "the error does not echo a huge name back"
            );
        }
    }
    let now = tree(env.dir.path());
    let new: Vec<_> = now.difference(&outside_before).collect();
    assert!(new.is_empty(), "files appeared: {new:?}");
    assert!(!Path::new("/etc/passwd.jsonl").exists());
    assert_eq!(strict_log(&env.state.join("conversation.jsonl")).len(), 1);

    // Through MCP, where a NUL byte can reach the role name.
    let mut child = sb(&env)
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let watchdog = {
        let pid = child.id();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(30));
            kill9(pid);
        })
    };
    let mut rpc = |v: Value| writeln!(stdin, "{v}").unwrap();
    rpc(
        serde_json::json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
        "protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"reliability","version":"0"}}}),
    );
    let init: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(init["id"], 0);
    rpc(serde_json::json!({"jsonrpc":"2.0","method":"notifications/initialized"}));
    let calls = [
        (
            "register",
            serde_json::json!({"role":"a\u{0}","pane":dev.pane}),
        ),
        ("send", serde_json::json!({"to":"a\u{0}","text":"hi"})),
        (
            "send",
            serde_json::json!({"to":"dev","from":"../x","text":"hi"}),
        ),
        ("inbox", serde_json::json!({"role":"../../etc/passwd"})),
        ("set_prompt", serde_json::json!({"role":"a/b","prompt":"x"})),
        ("get_prompt", serde_json::json!({"role":"a\u{0}b"})),
        ("history", serde_json::json!({"role":"..","limit":1})),
    ];
    for (i, (tool, args)) in calls.iter().enumerate() {
        rpc(
            serde_json::json!({"jsonrpc":"2.0","id":i+1,"method":"tools/call","params":{"name":tool,"arguments":args}}),
        );
    }
    let mut answered = 0;
    while answered < calls.len() {
        let line = lines.next().expect("a response").unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        let Some(id) = v["id"].as_u64().filter(|i| *i > 0) else {
            continue;
        };
        answered += 1;
        let (tool, _) = &calls[usize::try_from(id).unwrap() - 1];
        assert_eq!(v["result"]["isError"], true, "{tool}: {v}");
        assert!(v.to_string().contains("invalid role name"), "{tool}: {v}");
    }
    drop(stdin);
    let _ = child.wait();
    drop(watchdog);
    assert_eq!(tree(env.dir.path()).difference(&outside_before).count(), 0);
}

/// SIGKILL a pid (a hung MCP server) without a libc dependency in the tests.
fn kill9(pid: u32) {
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
}

#[test]
fn security_symlinks_in_the_state_dir_are_refused_not_followed() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["send", "dev", "hello"]).status.success());
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    dev.wait_inputs(2);
    let target = env.dir.path().join("elsewhere");
    for (rel, args) in [
        ("mailbox/dev.jsonl", vec!["inbox", "dev"]),
        ("conversation.jsonl", vec!["history"]),
        ("registry.json", vec!["peers"]),
        ("prompts.json", vec!["prompt", "get", "dev"]),
        ("mailbox/dev.jsonl", vec!["send", "dev", "--force", "x"]),
        ("conversation.jsonl", vec!["send", "dev", "--force", "x"]),
        (
            "registry.json",
            vec!["register", "dev", "--pane", dev.pane.as_str()],
        ),
        ("prompts.json", vec!["prompt", "set", "dev", "x"]),
    ] {
        let path = env.state.join(rel);
        let saved = env.dir.path().join("saved");
        std::fs::rename(&path, &saved).unwrap();
        std::fs::write(&target, b"secret, not sb's\n").unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let out = env.run(&args);
        no_panic(&out, rel);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{rel} {args:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("symbolic link"),
            "{rel} {args:?}: {}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"secret, not sb's\n",
            "{rel}: the link target is untouched"
        );
        assert!(
            std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink(),
            "{rel}: the link was not replaced"
        );
        std::fs::remove_file(&path).unwrap();
        std::fs::rename(&saved, &path).unwrap();
    }
    // The state dir itself may be reached through a link (a symlinked ~/.claude is common).
    let link = env.dir.path().join("state-link");
    std::os::unix::fs::symlink(&env.state, &link).unwrap();
    let out = env
        .sb()
        .arg("--state-dir")
        .arg(&link)
        .args(["send", "dev", "via a linked state dir"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a symlinked state dir works: {}",
        stderr(&out)
    );
    // A lock file that is a symlink is refused too (O_NOFOLLOW), before anything is typed.
    let typed = dev.bytes().len();
    let lock = std::fs::read_dir(env.state.join("locks"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("pane-"))
        .unwrap();
    std::fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let out = env.run(&["send", "dev", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(dev.bytes().len(), typed, "nothing typed");
}
