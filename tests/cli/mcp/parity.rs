//! Parity: for every tool, the MCP result equals `sb --json`'s output for the same call, and
//! `respond` with `option` takes the same guarded path as `sb respond --option`.

use super::{Mcp, cli, cli_err, norm_id, settle};
use crate::env::{FakeAgent, TestEnv, fixture};
use serde_json::{Value, json};
use std::time::Duration;

/// `sb send --json`'s report as the MCP `send` tool gives it: the text replaced by a preview
/// (the whole text is in the log, so a large message does not come back twice), and without the
/// `basis` of the seen receipt (in the log, of no use to an agent).
fn as_mcp_send(mut v: Value) -> Value {
    let obj = v.as_object_mut().unwrap();
    obj.remove("basis");
    let text = obj.remove("text").unwrap();
    let text = text.as_str().unwrap();
    let mut out = serde_json::Map::new();
    for (k, val) in std::mem::take(obj) {
        if k == "delivered" {
            out.insert("preview".into(), json!(text));
            out.insert("text_chars".into(), json!(text.chars().count()));
        }
        out.insert(k, val);
    }
    Value::Object(out)
}

/// Blank out fields that legitimately differ between two calls (times, ids, durations).
fn norm(mut v: Value, keys: &[&str]) -> Value {
    for k in keys {
        let slot = &mut v[*k];
        assert!(
            !slot.is_null(),
            "field {k} missing or null in {v}",
            v = slot
        );
        *slot = json!("<normalised>");
    }
    // Receipt steps carry their own times.
    if let Some(steps) = v.get_mut("receipts").and_then(Value::as_array_mut) {
        for s in steps {
            s["ts"] = json!("<normalised>");
        }
    }
    v
}

#[test]
fn mcp_and_cli_json_agree_for_every_tool() {
    let env = TestEnv::new();
    let dev = env.agent("dev", &[]);
    let menu = fixture("02-preseeded-trust-folder-dialog");
    let rev = FakeAgent::with_screen(&env, "rev", &menu);
    let (mut m, _) = Mcp::start(&env);
    let times = ["registered_at", "last_seen"];

    // register (twice each way, so previous_pane is set in both).
    cli(&env, &["register", "dev", "--pane", &dev.pane]);
    let mr = m.ok("register", json!({"role": "dev", "pane": dev.pane}));
    let cr = cli(&env, &["register", "dev", "--pane", &dev.pane]);
    assert_eq!(mr["previous_pane"], dev.pane.as_str());
    assert_eq!(norm(mr, &times), norm(cr, &times));

    // list_peers: read-only, exact.
    assert_eq!(m.ok("list_peers", json!({})), cli(&env, &["peers"]));

    // send: equal but for the message id and time.
    let ms = m.ok(
        "send",
        json!({"to": "dev", "from": "gestor", "text": "one"}),
    );
    dev.wait_inputs(2);
    settle(&env, "dev");
    let cs = cli(&env, &["send", "dev", "--from", "gestor", "one"]);
    dev.wait_inputs(4);
    settle(&env, "dev");
    assert_ne!(ms["id"], cs["id"]);
    assert_eq!(
        norm(ms, &["id", "ts"]),
        norm(as_mcp_send(cs), &["id", "ts"])
    );
    let ms = m.ok(
        "send",
        json!({"to": "dev", "text": "two", "submit": false, "tag": false}),
    );
    settle(&env, "dev");
    let cs = cli(
        &env,
        &["send", "dev", "--force", "--no-submit", "--no-tag", "two"],
    );
    // --force types past the guard, but still reports what it saw before typing.
    assert_eq!(cs["peer_state"], "idle");
    let ms_forced = m.ok(
        "send",
        json!({"to": "dev", "text": "two", "submit": false, "tag": false, "force": true}),
    );
    assert_eq!(
        norm(ms_forced, &["id", "ts"]),
        norm(as_mcp_send(cs), &["id", "ts"])
    );
    assert_eq!(ms["submitted"], false);
    settle(&env, "dev");

    // The send guard refuses the menu the same way (message logged as undelivered by both).
    let me = m.err("send", json!({"to": "rev", "from": "gestor", "text": "hi"}));
    let ce = cli_err(&env, &["send", "rev", "--from", "gestor", "hi"]);
    assert_eq!(norm_id(&me), norm_id(&ce));

    // Read-only tools: exact.
    assert_eq!(m.ok("list_peers", json!({})), cli(&env, &["peers"]));
    for (args, cmd) in [
        (json!({}), &["history"][..]),
        (json!({"limit": 0}), &["history", "--limit", "0"]),
        (
            json!({"limit": 2, "role": "gestor"}),
            &["history", "--limit", "2", "--role", "gestor"],
        ),
        (json!({"role": "rev"}), &["history", "--role", "rev"]),
    ] {
        assert_eq!(
            m.ok("history", args.clone()),
            cli(&env, cmd),
            "history {args}"
        );
    }
    for (args, cmd) in [
        (json!({"role": "dev"}), &["inbox", "dev"][..]),
        (
            json!({"role": "dev", "limit": 1}),
            &["inbox", "dev", "--limit", "1"],
        ),
        (json!({"role": "rev"}), &["inbox", "rev"]),
        (
            json!({"role": "dev", "unread": true}),
            &["inbox", "dev", "--unread"],
        ),
    ] {
        assert_eq!(m.ok("inbox", args.clone()), cli(&env, cmd), "inbox {args}");
    }
    // An unknown role is an error (exit 3) both ways.
    assert_eq!(
        m.err("inbox", json!({"role": "nobody"})),
        cli_err(&env, &["inbox", "nobody"])
    );
    for role in ["dev", "rev"] {
        assert_eq!(
            m.ok("read_peer", json!({"role": role})),
            cli(&env, &["peek", role]),
            "read_peer {role}"
        );
        assert_eq!(
            m.ok("read_peer", json!({"role": role, "lines": 7})),
            cli(&env, &["peek", role, "--lines", "7"]),
            "read_peer {role} 7"
        );
        assert_eq!(
            m.ok("detect_question", json!({"role": role})),
            cli(&env, &["detect", role]),
            "detect_question {role}"
        );
        assert_eq!(
            m.ok("detect_question", json!({"role": role, "lines": 12})),
            cli(&env, &["detect", role, "--lines", "12"]),
            "detect_question {role} 12"
        );
    }

    // wait_for: equal but for the time waited.
    let mw = m.ok(
        "wait_for",
        json!({"role": "rev", "until": "settled", "timeout_s": 5}),
    );
    let cw = cli(
        &env,
        &["wait", "rev", "--until", "settled", "--timeout", "5s"],
    );
    assert_eq!(norm(mw, &["waited_ms"]), norm(cw, &["waited_ms"]));

    // respond: same report (the keys go to the canned-screen agent, which ignores them).
    assert_eq!(
        m.ok(
            "respond",
            json!({"role": "rev", "keys": ["Down", "ctrl-c", "2"]})
        ),
        cli(&env, &["respond", "rev", "Down", "ctrl-c", "2"])
    );

    // Prompts: set (equal but for the time), then get and list exactly, then delete.
    let brief = "You are dev.\nReport to gestor.";
    let cp = cli(&env, &["prompt", "set", "dev", brief]);
    let mp = m.ok("set_prompt", json!({"role": "dev", "prompt": brief}));
    assert_eq!(norm(mp.clone(), &["updated_at"]), norm(cp, &["updated_at"]));
    assert_eq!(
        m.ok("get_prompt", json!({"role": "dev"})),
        cli(&env, &["prompt", "get", "dev"])
    );
    cli(&env, &["prompt", "set", "rev", "You are rev."]);
    assert_eq!(
        m.ok("list_prompts", json!({})),
        cli(&env, &["prompt", "ls"])
    );
    let md = m.ok("delete_prompt", json!({"role": "dev"}));
    assert_eq!(md, mp, "delete returns what was removed");
    let cp2 = cli(&env, &["prompt", "set", "dev", brief]);
    let cd = cli(&env, &["prompt", "rm", "dev"]);
    assert_eq!(cd, cp2);
    assert_eq!(norm(md, &["updated_at"]), norm(cd, &["updated_at"]));
    assert_eq!(
        m.ok("list_prompts", json!({})),
        cli(&env, &["prompt", "ls"])
    );

    let (status, rest) = m.finish();
    assert!(status.success());
    assert!(rest.is_empty(), "{rest:?}");
    drop(rev);
}

/// `respond` with `option` (and `expect`) must take the guarded path, as `sb respond --option` does.
#[test]

fn mcp_respond_option_matches_the_cli() {
    let env = TestEnv::new();
    let menu = fixture("02-preseeded-trust-folder-dialog");
    let rev = FakeAgent::with_screen(&env, "rev", &menu);
    let idle = env.role("dev");
    let (mut m, _) = Mcp::start(&env);
    let fp = cli(&env, &["detect", "rev"])["fingerprint"].clone();
    assert!(fp.is_string(), "no fingerprint for an open menu");
    // The canned menu never takes the key: both fail the same way (exit 5, not "sent").
    let mr = m.err("respond", json!({"role": "rev", "option": 2, "expect": fp}));
    let cr = cli_err(
        &env,
        &[
            "respond",
            "rev",
            "--option",
            "2",
            "--expect",
            fp.as_str().unwrap(),
        ],
    );
    assert_eq!(mr, cr);
    assert!(
        mr.contains("did not take option 2 (\"Yes, I trust this folder\")"),
        "{mr}"
    );
    // An un-numbered menu is answered with arrows and Enter, never repeated.
    assert_eq!(
        rev.bytes(),
        b"\x1b[B\r\x1b[B\r",
        "each call sent its keys once"
    );
    // No menu open: refused, with the CLI's message, and nothing typed.
    let before = idle.bytes().len();
    assert_eq!(
        m.err("respond", json!({"role": "dev", "option": 1})),
        cli_err(&env, &["respond", "dev", "--option", "1"])
    );
    // A stale fingerprint: refused.
    assert_eq!(
        m.err(
            "respond",
            json!({"role": "rev", "option": 1, "expect": "stale"})
        ),
        cli_err(
            &env,
            &["respond", "rev", "--option", "1", "--expect", "stale"]
        )
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(idle.bytes().len(), before);
    drop(rev);
}
