//! The state directory: permissions, atomic rewrites under concurrency and SIGKILL, prompts,
//! history and inbox.

use crate::env::{TestEnv, stderr, stdout};
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn files_are_private() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    assert!(env.run(&["send", "dev", "hi"]).status.success());
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    assert_eq!(mode(&env.state), 0o700);
    assert_eq!(mode(&env.state.join("mailbox")), 0o700);
    for f in [
        "registry.json",
        "prompts.json",
        "conversation.jsonl",
        "mailbox/dev.jsonl",
        "VERSION",
    ] {
        assert_eq!(mode(&env.state.join(f)), 0o600, "{f}");
    }
    assert_eq!(env.read("VERSION").trim(), "1");
}

#[test]
fn world_writable_state_is_refused_with_the_risk_explained() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    std::fs::set_permissions(&env.state, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = env.run(&["send", "dev", "hi"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("world-writable") && stderr(&out).contains("inject"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_symlinked_mailbox_is_refused_not_followed() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let target = env.dir.path().join("elsewhere");
    std::fs::write(&target, b"").unwrap();
    std::os::unix::fs::symlink(&target, env.state.join("mailbox/dev.jsonl")).unwrap();
    let out = env.run(&["send", "dev", "hi"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"",
        "the link target was not written"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        dev.bytes().is_empty(),
        "a message that cannot be logged is not typed either"
    );
}

#[test]
fn prompts_round_trip_and_rewrites_are_never_torn() {
    let env = TestEnv::new();
    assert!(
        env.run(&["prompt", "set", "dev", "You are dev.\nLine two."])
            .status
            .success()
    );
    let out = env.run(&["prompt", "get", "dev"]);
    assert_eq!(stdout(&out), "You are dev.\nLine two.\n");
    // Writers killed at random points while a reader checks the file is always whole JSON.
    let path = env.state.join("prompts.json");
    let stop = Instant::now() + Duration::from_secs(3);
    let mut killed = 0;
    let mut i = 0u64;
    while Instant::now() < stop {
        i += 1;
        let mut c = std::process::Command::new(crate::env::SB);
        c.env("SESSION_BRIDGE_DIR", &env.state).args([
            "prompt",
            "set",
            &format!("r{}", i % 7),
            &"z".repeat((usize::try_from(i).unwrap() * 997) % 50_000 + 1),
        ]);
        let mut p = c
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(i * 371 % 3000));
        if p.try_wait().unwrap().is_none() {
            let _ = p.kill();
            killed += 1;
        }
        let _ = p.wait();
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).expect("prompts.json is whole");
        assert_eq!(v["prompts"]["dev"]["text"], "You are dev.\nLine two.");
    }
    assert!(
        killed > 0 || i > 20,
        "the test exercised kills ({killed}) or many writes ({i})"
    );
    // The next write removes the temp files that killed writers left behind.
    assert!(env.run(&["prompt", "set", "r0", "final"]).status.success());
    let leftovers: Vec<String> = std::fs::read_dir(&env.state)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".prompts.json.tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let out = env.run(&["prompt", "ls", "--json"]);
    assert!(out.status.success());
    let out = env.run(&["prompt", "rm", "dev"]);
    assert!(out.status.success());
    assert_eq!(env.run(&["prompt", "get", "dev"]).status.code(), Some(3));
}

#[test]
fn history_and_inbox_show_newest_last() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let _rev = env.role("reviewer");
    for i in 0..5 {
        assert!(
            env.run(&["send", "dev", "--from", "gestor", &format!("to dev {i}")])
                .status
                .success()
        );
        assert!(
            env.run(&["send", "reviewer", "--from", "dev", &format!("to rev {i}")])
                .status
                .success()
        );
    }
    let out = env.run(&["history", "--limit", "3", "--jsonl"]);
    let texts: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(texts, ["to rev 3", "to dev 4", "to rev 4"]);
    let out = env.run(&["inbox", "reviewer", "--limit", "2", "--jsonl"]);
    let texts: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(texts, ["to rev 3", "to rev 4"]);
    let out = env.run(&["history", "--role", "gestor", "--limit", "0", "--jsonl"]);
    assert_eq!(stdout(&out).lines().count(), 5);
    let human = stdout(&env.run(&["history", "--limit", "1"]));
    assert!(
        human.contains("dev → reviewer") && human.contains("to rev 4"),
        "{human}"
    );
}

#[test]
fn history_follow_prints_new_messages() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let mut child = std::process::Command::new(crate::env::SB)
        .env("SESSION_BRIDGE_DIR", &env.state)
        .args(["history", "--follow", "--jsonl"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(env.run(&["send", "dev", "followed"]).status.success());
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(&mut stdout)
            .read_line(&mut line)
            .unwrap();
        line
    });
    let start = Instant::now();
    while !reader.is_finished() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let line = reader.join().unwrap();
    assert!(line.contains("\"followed\""), "{line}");
}

#[test]
fn peers_reports_alive_and_dead_panes() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let _rev = env.role("reviewer");
    env.tmux(&["kill-pane", "-t", &dev.pane]);
    let out = env.run(&["peers", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let alive: Vec<(String, bool)> = v["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["role"].as_str().unwrap().to_string(),
                p["alive"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        alive,
        [("dev".to_string(), false), ("reviewer".to_string(), true)]
    );
    let human = stdout(&env.run(&["peers"]));
    assert!(
        human.contains("reviewer") && human.contains("sb"),
        "{human}"
    );
}
