//! `sb send --via` (docs/ARCHITECTURE.md, Native delivery): what happens where Claude Code offers
//! no socket. Delivery over a real session's socket is checked against the pinned Claude Code by
//! `tests/e2e/native.py`.

use crate::env::{TestEnv, stderr};
use std::time::Duration;

#[test]
fn native_where_no_session_offers_a_socket_is_refused_and_nothing_is_typed() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let out = env.run(&[
        "--json", "send", "dev", "--via", "native", "--from", "gestor", "hi",
    ]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("native delivery to dev is not possible"),
        "{err}"
    );
    assert!(
        err.contains("--via paste"),
        "the hint names the way out: {err}"
    );
    let js: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(js["error"]["kind"], "refused");
    std::thread::sleep(Duration::from_millis(300));
    assert!(dev.inputs().is_empty(), "typed: {:?}", dev.inputs());
    let log = env.log("conversation.jsonl");
    assert_eq!(log.last().unwrap()["outcome"], "undelivered");
    assert_eq!(log.last().unwrap()["id"], js["error"]["message_id"]);

    // A slash command or --no-submit only typing can do: a usage error under --via native.
    for args in [
        &["send", "dev", "--via", "native", "/clear"][..],
        &["send", "dev", "--via", "native", "--no-submit", "draft"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--via native cannot send this"),
            "{}",
            stderr(&out)
        );
    }
    // An unknown path is a usage error naming the values.
    let out = env.run(&["send", "dev", "--via", "typed", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("auto"), "{}", stderr(&out));
    assert!(dev.inputs().is_empty(), "typed: {:?}", dev.inputs());
}

#[test]
fn auto_pastes_through_the_guard_where_no_socket_is_offered() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    // auto is the default; the record says which path the message took.
    for args in [
        &["--json", "send", "dev", "--from", "gestor", "one"][..],
        &[
            "--json", "send", "dev", "--via", "auto", "--from", "gestor", "two",
        ],
        &[
            "--json", "send", "dev", "--via", "paste", "--from", "gestor", "three",
        ],
    ] {
        let out = env.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let js: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(js["via"], "paste", "{js}");
        assert_eq!(js["native"], serde_json::Value::Null);
        assert_eq!(js["native_failed"], false);
        // Native delivery was not tried: nothing to say about it on stderr.
        assert!(
            !stderr(&out).contains("not sent natively"),
            "{}",
            stderr(&out)
        );
    }
    dev.wait_inputs(6);
    let log = env.log("conversation.jsonl");
    let outcomes: Vec<_> = log
        .iter()
        .filter(|m| m["outcome"] == "delivered")
        .map(|m| m["via"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(outcomes, ["paste", "paste", "paste"]);
    // The write-ahead record has no path yet.
    assert!(
        log.iter()
            .filter(|m| m["outcome"] == "sending")
            .all(|m| m.get("via").is_none())
    );
}
