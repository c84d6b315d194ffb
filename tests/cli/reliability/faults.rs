//! Faults around sb: the tmux server killed mid-run, tmux missing from PATH (exit 4), and a full
//! or read-only state dir (a clear error, nothing typed, no torn file).

use super::{no_panic, run_stdin, sb, strict_log, tree};
use crate::env::{TestEnv, stderr, wait_for};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tmpfs mounted over a directory, unmounted on drop. None when mounting is not permitted.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
    fn remount(&self, opts: &str) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fill the filesystem holding `dir` until a write fails with ENOSPC.
fn fill(dir: &Path) {
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![b'f'; 512];
    while f.write_all(&chunk).and_then(|_| f.sync_all()).is_ok() {}
}

#[test]
fn reliability_tmux_server_killed_mid_run() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let results = Arc::new(Mutex::new(Vec::<(i32, String)>::new()));
    let sender = {
        let results = results.clone();
        let mut cmds: Vec<Command> = (0..40)
            .map(|i| {
                let mut c = sb(&env);
                c.args(["send", "dev", &format!("m{i}")]);
                c
            })
            .collect();
        std::thread::spawn(move || {
            for c in cmds.iter_mut() {
                let out = c.output().unwrap();
                results
                    .lock()
                    .unwrap()
                    .push((out.status.code().unwrap_or(-1), stderr(&out)));
            }
        })
    };
    wait_for(Duration::from_secs(20), || {
        results.lock().unwrap().len() >= 8
    });
    env.kill_server();
    sender.join().unwrap();
    let results = results.lock().unwrap();
    let log = strict_log(&env.state.join("conversation.jsonl"));
    assert_eq!(
        log.len(),
        results.len(),
        "every send is logged, delivered or not"
    );
    assert!(results[..8].iter().all(|(c, _)| *c == 0));
    for ((code, err), m) in results.iter().zip(&log) {
        match code {
            0 => assert_eq!(m["delivered"], true),
            4 => {
                assert_eq!(m["delivered"], false, "{m}");
                assert!(
                    err.contains("tmux") || err.contains("no longer exists"),
                    "{err}"
                );
                assert!(err.contains("logged as undelivered"), "{err}");
            }
            other => panic!("send exited {other} around the server's death (want 0 or 4): {err}"),
        }
    }
    assert_eq!(
        results.last().unwrap().0,
        4,
        "sends after the kill fail with exit 4"
    );
    let out = env.run(&["send", "dev", "after"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no tmux server is running"),
        "{}",
        stderr(&out)
    );
    let last = strict_log(&env.state.join("conversation.jsonl"))
        .pop()
        .unwrap();
    assert_eq!(
        (last["text"].as_str(), last["delivered"].as_bool()),
        (Some("after"), Some(false))
    );
}

#[test]
fn reliability_tmux_missing_from_path_is_a_clear_exit_4() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let empty = env.dir.path().join("emptybin");
    std::fs::create_dir_all(&empty).unwrap();
    // (`sb peers` is not here: it shows every pane as dead and exits 0 when tmux is missing.)
    for args in [
        vec!["send", "dev", "hello"],
        vec!["respond", "dev", "1"],
        vec!["detect", "dev"],
        vec!["register", "x", "--pane", "%0"],
    ] {
        let out = sb(&env).env("PATH", &empty).args(&args).output().unwrap();
        no_panic(&out, &args.join(" "));
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("`tmux` binary was not found"),
            "{args:?} names the missing binary: {}",
            stderr(&out)
        );
    }
    let log = strict_log(&env.state.join("conversation.jsonl"));
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["delivered"], false);
    assert!(log[0]["error"].as_str().unwrap().contains("tmux"));
}

#[test]
fn reliability_full_or_read_only_state_dir_gives_a_clear_error_and_no_torn_file() {
    let env = TestEnv::new();
    let Some(fs) = Tmpfs::mount(&env.state, "96k") else {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); ENOSPC and EROFS untested"
        );
        return;
    };
    let dev = env.role("dev");
    assert!(
        env.run(&["send", "dev", "before the disk filled"])
            .status
            .success()
    );
    assert!(
        env.run(&["prompt", "set", "dev", "the briefing"])
            .status
            .success()
    );
    dev.wait_inputs(2);
    let files = [
        "conversation.jsonl",
        "mailbox/dev.jsonl",
        "registry.json",
        "prompts.json",
    ];
    let snapshot = |env: &TestEnv| -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| std::fs::read(env.state.join(f)).unwrap())
            .collect()
    };
    let before = snapshot(&env);
    fill(&env.state);

    // Disk full: a message bigger than the slack in the log's last page cannot be appended.
    let big = "y".repeat(20_000);
    let out = run_stdin(&env, &["send", "dev", "--no-tag", "-"], big.as_bytes());
    no_panic(&out, "send on a full disk");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("No space left") || stderr(&out).contains("disk full"),
        "a clear disk-full error: {}",
        stderr(&out)
    );
    let out = env.run(&["prompt", "set", "dev", &"z".repeat(30_000)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("prompts.json") && stderr(&out).contains("No space left"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["register", "other", "--pane", &dev.pane]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    for (f, b) in files.iter().zip(&before) {
        let now = std::fs::read(env.state.join(f)).unwrap();
        if f.ends_with(".json") {
            assert_eq!(&now, b, "{f} is the old whole file");
        } else {
            assert_eq!(&now[..b.len()], &b[..], "{f}: earlier lines unchanged");
            strict_log(&env.state.join(f));
        }
    }
    assert!(
        !tree(&env.state)
            .iter()
            .any(|p| p.to_string_lossy().contains(".tmp.")),
        "no temp file left behind: {:?}",
        tree(&env.state)
    );
    std::fs::remove_file(env.state.join("filler")).unwrap();
    let before = snapshot(&env);
    let typed_before = dev.bytes().len();

    // Read-only: refused before anything is typed, nothing changed.
    assert!(fs.remount("ro"), "remount read-only");
    let out = env.run(&["send", "dev", "while read-only"]);
    no_panic(&out, "send on a read-only state dir");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Read-only file system"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["prompt", "set", "dev", "new"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        dev.bytes().len(),
        typed_before,
        "nothing typed when the message cannot be logged"
    );
    assert_eq!(snapshot(&env), before);
    let out = env.run(&["history", "--jsonl"]);
    assert!(
        out.status.success(),
        "reading still works: {}",
        stderr(&out)
    );
    assert!(fs.remount("rw"));
}
