//! A Codex or Gemini that has drawn its input box but has not finished starting is refused as
//! `starting` (text typed then is lost or lands in a startup dialog), and `--when-ready` waits
//! for the agent's own signal: Codex's footer naming the model and folder, Gemini's process
//! going quiet. Both checks apply only while the agent is young (`agents::Startup`).

use crate::env::{FakeAgent, Input, TestEnv, stderr, wait_for};
use std::path::Path;
use std::time::{Duration, Instant};

fn screen(agent: &str, name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/screens")
        .join(agent)
        .join(format!("{name}.txt"));
    std::fs::read_to_string(p).unwrap()
}

/// Codex just after a cold start: the composer, no `model · folder` footer yet.
const CODEX_STARTING: &str = "92-lab-120x40-01-idle";
/// The same composer once its session has started.
const CODEX_STARTED: &str = "05-idle-empty-prompt-splash";

fn detect(env: &TestEnv, role: &str) -> serde_json::Value {
    serde_json::from_slice(&env.run(&["detect", role, "--json"]).stdout).unwrap()
}

#[test]
fn a_codex_without_its_footer_is_starting_and_refused_until_the_footer_shows() {
    let env = TestEnv::new();
    let rev = FakeAgent::with_screen(&env, "rev", &screen("codex", CODEX_STARTING));
    let d = detect(&env, "rev");
    assert_eq!(d["state"], "idle", "{d}");
    assert_eq!(d["agent_status"]["status"], "starting", "{d}");
    assert_eq!(d["deliverable"], false, "{d}");
    let out = env.run(&["send", "rev", "--from", "gestor", "review #14"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("still starting"), "{err}");
    assert!(err.contains("footer"), "{err}");
    assert!(err.contains("--when-ready"), "{err}");
    assert!(rev.inputs().is_empty(), "nothing was typed");
    let log = env.log("conversation.jsonl");
    assert_eq!(log.last().unwrap()["outcome"], "undelivered");

    // --when-ready waits for the footer, then delivers once.
    let swapper = {
        let started = screen("codex", CODEX_STARTED);
        let screen_file = rev.screen.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            let tmp = screen_file.with_extension("tmp");
            std::fs::write(&tmp, started).unwrap();
            std::fs::rename(&tmp, &screen_file).unwrap();
        })
    };
    let t = Instant::now();
    let out = env.run(&[
        "send",
        "rev",
        "--from",
        "gestor",
        "--when-ready=30",
        "--json",
        "review #15",
    ]);
    swapper.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        t.elapsed() >= Duration::from_millis(1400),
        "it waited for the footer"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "delivered", "{v}");
    let inputs = rev.wait_inputs(2);
    assert_eq!(
        inputs,
        vec![
            Input::Paste("[from:gestor] review #15".into()),
            Input::Key(b'\r')
        ]
    );
    assert_eq!(detect(&env, "rev")["agent_status"], serde_json::Value::Null);
}

#[test]
fn a_gemini_still_loading_is_starting_until_its_process_goes_quiet() {
    let env = TestEnv::new();
    // A Gemini prompt drawn by a program that keeps a core busy for 4 s after drawing it, then
    // idles, as Gemini CLI does while node finishes starting.
    let frame = env.dir.path().join("gem.frame");
    std::fs::write(&frame, screen("gemini", "06-idle-after-reply")).unwrap();
    let cmd = format!(
        "exec perl -e 'open F, q[<{}]; print <F>; $| = 1; $t = time + 4; 1 while time < $t; sleep 600'",
        frame.display()
    );
    let pane = env.shell_pane("sbtest", &cmd, None);
    let out = env.run(&["register", "gem", "--pane", &pane]);
    assert!(out.status.success(), "{}", stderr(&out));
    // While it loads: `starting`, not deliverable; once quiet: deliverable (the check reads the
    // CPU, not a clock).
    let mut seen = Vec::new();
    let quiet = wait_for(Duration::from_secs(30), || {
        let d = detect(&env, "gem");
        let done = d["deliverable"] == true;
        seen.push(d);
        done
    });
    assert!(quiet, "{seen:#?}");
    let starting = seen
        .iter()
        .find(|d| d["agent_status"]["status"] == "starting")
        .unwrap_or_else(|| panic!("never seen starting: {seen:#?}"));
    assert_eq!(starting["state"], "idle", "{starting}");
    assert_eq!(starting["deliverable"], false, "{starting}");
    assert!(
        starting["agent_status"]["source"]
            .as_str()
            .unwrap()
            .contains("still loading"),
        "{starting}"
    );
    assert_eq!(detect(&env, "gem")["agent_status"], serde_json::Value::Null);
}
