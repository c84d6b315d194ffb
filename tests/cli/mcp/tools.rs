//! Every tool called over MCP against fake agents on a private tmux server.

use super::{Mcp, settle};
use crate::env::{Input, TestEnv, wait_for};
use serde_json::{Value, json};
use std::time::Duration;

#[test]
fn mcp_calls_every_tool_against_fake_agents() {
    let env = TestEnv::new();
    let dev = env.agent("dev", &[]);
    let (mut m, _) = Mcp::start(&env);

    // register
    let r = m.ok("register", json!({"role": "dev", "pane": dev.pane}));
    assert_eq!(
        (r["role"].as_str(), r["pane"].as_str()),
        (Some("dev"), Some(dev.pane.as_str()))
    );
    assert!(r["server_pid"].as_u64().unwrap() > 0);
    assert_eq!(r["previous_pane"], Value::Null);
    let reg: Value = serde_json::from_str(&env.read("registry.json")).unwrap();
    assert_eq!(reg["roles"]["dev"]["pane"], dev.pane.as_str());

    // list_peers
    let p = m.ok("list_peers", json!({}));
    let peers = p["peers"].as_array().unwrap();
    assert_eq!(peers.len(), 1, "{p}");
    assert_eq!(
        (peers[0]["role"].as_str(), peers[0]["alive"].as_bool()),
        (Some("dev"), Some(true))
    );

    // send: one bracketed paste with the tag, then Enter; logged in both logs.
    let s = m.ok(
        "send",
        json!({"to": "dev", "from": "gestor", "text": "hello over mcp\nline two"}),
    );
    assert_eq!(s["delivered"], true);
    assert_eq!(s["submitted"], true);
    assert_eq!(s["error"], Value::Null);
    assert_eq!(s["pane"], dev.pane.as_str());
    assert_eq!(s["bytes"], "[from:gestor] hello over mcp\nline two".len());
    let got = dev.wait_inputs(2);
    assert_eq!(
        got,
        vec![
            Input::Paste("[from:gestor] hello over mcp\rline two".into()),
            Input::Key(b'\r')
        ]
    );
    let raw = String::from_utf8_lossy(&dev.bytes()).into_owned();
    assert!(
        raw.contains("\x1b[200~[from:gestor] hello over mcp\rline two\x1b[201~\r"),
        "{raw:?}"
    );
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["id"], s["id"]);
    assert_eq!(log[0]["from"], "gestor");
    assert_eq!(log[0]["to"], "dev");
    assert_eq!(log[0]["text"], "hello over mcp\nline two");
    assert_eq!(log[0]["delivered"], true);
    assert_eq!(env.log("mailbox/dev.jsonl")[0]["id"], s["id"]);

    // send with submit=false and tag=false: the bare paste, no Enter.
    settle(&env, "dev");
    let s2 = m.ok(
        "send",
        json!({"to": "dev", "from": "gestor", "text": "draft only", "submit": false, "tag": false}),
    );
    assert_eq!(
        (s2["delivered"].as_bool(), s2["submitted"].as_bool()),
        (Some(true), Some(false))
    );
    let got = dev.wait_inputs(3);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        dev.inputs(),
        [got[..2].to_vec(), vec![Input::Paste("draft only".into())]].concat()
    );

    // read_peer shows what the agent drew.
    settle(&env, "dev");
    let k = m.ok("read_peer", json!({"role": "dev", "lines": 30}));
    assert_eq!(
        (k["role"].as_str(), k["lines"].as_u64()),
        (Some("dev"), Some(30))
    );
    assert!(
        k["text"].as_str().unwrap().contains("hello over mcp"),
        "{k}"
    );

    // detect_question: a state from the documented set, with its evidence.
    let d = m.ok("detect_question", json!({"role": "dev"}));
    assert_eq!(d["role"], "dev");
    assert!(
        ["busy", "waiting_select", "waiting_text", "idle", "unknown"]
            .contains(&d["state"].as_str().unwrap()),
        "{d}"
    );
    assert!(
        d["options"].is_array() && d["evidence"]["rule"].is_string(),
        "{d}"
    );

    // respond: keys validated, mapped and typed.
    let before = dev.bytes().len();
    let r = m.ok("respond", json!({"role": "dev", "keys": ["esc", "BSpace"]}));
    assert_eq!(r["keys"], json!(["Escape", "BSpace"]));
    assert!(wait_for(Duration::from_secs(10), || dev.bytes().len() > before));

    // history and inbox
    let h = m.ok("history", json!({}));
    assert_eq!(h["messages"].as_array().unwrap().len(), 2);
    assert_eq!(h["messages"][0]["id"], s["id"]);
    assert_eq!(h["skipped"], 0);
    let h = m.ok("history", json!({"limit": 1, "role": "gestor"}));
    assert_eq!(h["messages"].as_array().unwrap().len(), 1);
    assert_eq!(h["messages"][0]["id"], s2["id"]);
    let i = m.ok("inbox", json!({"role": "dev", "limit": 0}));
    assert_eq!(i["messages"].as_array().unwrap().len(), 2);
    let i = m.ok("inbox", json!({"role": "gestor"}));
    assert_eq!(i["messages"], json!([]));

    // prompts
    let p = m.ok(
        "set_prompt",
        json!({"role": "dev", "prompt": "You are dev.\nTake issues from gestor."}),
    );
    assert_eq!(p["text"], "You are dev.\nTake issues from gestor.");
    assert_eq!(m.ok("get_prompt", json!({"role": "dev"})), p);
    assert_eq!(
        m.ok("list_prompts", json!({})),
        json!({"prompts": [p.clone()]})
    );
    assert_eq!(m.ok("delete_prompt", json!({"role": "dev"})), p);
    assert_eq!(m.ok("list_prompts", json!({})), json!({"prompts": []}));

    // wait_for: the fake agent is not busy, so "settled" holds at once.
    let w = m.ok(
        "wait_for",
        json!({"role": "dev", "until": "settled", "timeout_s": 10}),
    );
    assert_eq!(w["role"], "dev");
    assert_ne!(w["state"], "busy");
    assert!(w["waited_ms"].as_u64().unwrap() < 10_000);

    let (status, rest) = m.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty(), "unexpected output: {rest:?}");
}

#[test]
fn mcp_send_returns_a_preview_not_the_whole_text_twice() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let (mut m, _) = Mcp::start(&env);
    let text = "é".repeat(50_000);
    let r = m.call(
        "send",
        json!({"to": "dev", "from": "gestor", "text": text, "force": true, "submit": false}),
    );
    assert_eq!(r["isError"], false, "{r}");
    let reply = r.to_string();
    assert!(
        reply.len() < 3_000,
        "the result is small: {} bytes",
        reply.len()
    );
    let s = &r["structuredContent"];
    assert!(s.get("text").is_none(), "no text field");
    assert_eq!(s["preview"], format!("{}…", "é".repeat(200)));
    assert_eq!(s["text_chars"], 50_000);
    assert_eq!(s["delivered"], true);
    // The whole text is in the log, under the returned id.
    let log = env.log("conversation.jsonl");
    assert_eq!(log[0]["id"], s["id"]);
    assert_eq!(log[0]["text"].as_str().unwrap().chars().count(), 50_000);
    // A short text is its own preview.
    let s = m.ok(
        "send",
        json!({"to": "dev", "text": "short", "force": true, "submit": false}),
    );
    assert_eq!(
        (s["preview"].as_str(), s["text_chars"].as_u64()),
        (Some("short"), Some(5))
    );
    let (status, _) = m.finish();
    assert!(status.success());
}

#[test]
fn mcp_send_with_queue_and_the_queue_tools() {
    let env = TestEnv::new();
    let menu = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/screens/claude-code/45-bash-permission-prompt.txt"),
    )
    .unwrap();
    let dev = crate::env::FakeAgent::with_screen(&env, "dev", &menu);
    let (mut m, _) = Mcp::start(&env);
    // The open menu refuses it; with queue it is queued, not an error, and not typed.
    let s = m.ok(
        "send",
        json!({"to": "dev", "from": "gestor", "text": "when you can", "queue": true, "ttl_s": 600}),
    );
    assert_eq!(s["outcome"], "queued", "{s}");
    assert_eq!(s["delivered"], false);
    assert_eq!(s["receipts"][0]["step"], "queued", "{s}");
    assert_eq!(s["queued"]["watcher_running"], false);
    assert!(
        s["queued"]["warning"]
            .as_str()
            .unwrap()
            .contains("nothing will deliver this message until `sb watch` runs"),
        "{s}"
    );
    let e = m.err_json(
        "send",
        json!({"to": "dev", "text": "x", "queue": true, "ttl_s": -1}),
    );
    assert_eq!(e["error"]["kind"], "usage", "{e}");
    // queue_list is `sb queue --json`.
    let list = m.ok("queue_list", json!({}));
    let mut cli = super::cli(&env, &["queue"]);
    cli["queued"][0]["age_s"] = list["queued"][0]["age_s"].clone();
    cli["queued"][0]["expires_in_s"] = list["queued"][0]["expires_in_s"].clone();
    assert_eq!(list, cli);
    assert_eq!(list["queued"][0]["id"], s["id"]);
    let d = m.ok("queue_drop", json!({"id": s["id"]}));
    assert_eq!(d["dropped"]["outcome"], "dropped");
    let e = m.err_json("queue_drop", json!({"id": s["id"]}));
    assert_eq!(e["error"]["kind"], "not_queued", "{e}");
    assert_eq!(
        m.ok("queue_list", json!({"role": "dev"}))["queued"],
        json!([])
    );
    assert!(dev.bytes().is_empty());
    let (status, _) = m.finish();
    assert!(status.success());
}
