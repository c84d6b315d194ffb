//! sb under a POSIX locale (cron, `ssh host cmd`, systemd units): with LANG/LC_ALL unset, tmux
//! would print the tabs of sb's formats as `_`; sb runs tmux with -u, so every pane-touching
//! command works, with a non-ASCII session name and working directory.

use crate::env::{Input, TestEnv, stderr, wait_for};
use std::time::Duration;

#[test]
fn pane_commands_work_without_a_locale_and_with_non_ascii_names() {
    let env = TestEnv::new();
    let cwd = env.dir.path().join("prøj-ü ✓");
    std::fs::create_dir_all(&cwd).unwrap();
    let record = env.dir.path().join("dev.rec");
    std::fs::write(&record, b"").unwrap();
    let cmd = format!(
        "exec {} agent --record {}",
        crate::env::SB,
        record.display()
    );
    let pane = env.shell_pane("séssion-ü", &cmd, Some(&cwd));
    assert!(wait_for(Duration::from_secs(10), || {
        !env.tmux(&["capture-pane", "-p", "-t", &pane])
            .trim()
            .is_empty()
    }));
    // `env -i`: no LANG, LC_ALL or LC_CTYPE at all.
    let sb = |args: &[&str]| {
        std::process::Command::new(crate::env::SB)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("SESSION_BRIDGE_DIR", &env.state)
            .env("SB_TMUX_SOCKET", &env.sock)
            .args(args)
            .output()
            .unwrap()
    };
    let out = sb(&["--json", "register", "dev", "--pane", &pane]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["session"], "séssion-ü");
    assert_eq!(v["cwd"], cwd.to_str().unwrap());
    let out = sb(&["--json", "peers"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["peers"][0]["alive"], true, "{v}");
    let out = sb(&["--json", "detect", "dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb(&["send", "dev", "héllo ✓"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb(&["peek", "dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let agent = crate::env::FakeAgent {
        pane: pane.clone(),
        record,
        screen: env.dir.path().join("unused"),
    };
    assert_eq!(
        agent.wait_inputs(1)[0],
        Input::Paste("[from:user] héllo ✓".into())
    );
}
