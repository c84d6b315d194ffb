//! The MCP protocol itself: initialize and tools/list (all 15 tools, each with an output schema),
//! empty stdin, answering while a tool blocks, and exiting soon after stdin closes.

use super::{Mcp, TIMEOUT, server_cmd};
use crate::env::TestEnv;
use serde_json::json;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

const TOOLS: [&str; 15] = [
    "register",
    "list_peers",
    "send",
    "read_peer",
    "detect_question",
    "respond",
    "history",
    "inbox",
    "set_prompt",
    "get_prompt",
    "list_prompts",
    "delete_prompt",
    "wait_for",
    "queue_list",
    "queue_drop",
];

#[test]
fn mcp_initialize_and_tools_list_show_all_15_tools() {
    let env = TestEnv::new();
    let (mut m, init) = Mcp::start(&env);
    assert_eq!(init["serverInfo"]["name"], "sb");
    assert_eq!(init["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    assert!(init["protocolVersion"].is_string(), "{init}");

    let list = m.request("tools/list", json!({}));
    let tools = list["result"]["tools"]
        .as_array()
        .expect("tools array")
        .clone();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    let mut want = TOOLS.to_vec();
    want.sort_unstable();
    assert_eq!(names, want);
    for t in &tools {
        let name = &t["name"];
        assert_eq!(t["inputSchema"]["type"], "object", "{name}: {t}");
        assert!(
            t["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty()),
            "{name}: empty description"
        );
    }
    // The documented parameters (docs/ARCHITECTURE.md, MCP) are in the schemas, required ones marked so.
    let schema = |n: &str| tools.iter().find(|t| t["name"] == n).unwrap()["inputSchema"].clone();
    for (tool, params, required) in [
        ("register", &["role", "pane"][..], &["role"][..]),
        (
            "send",
            &["to", "from", "text", "submit", "tag", "queue", "ttl_s"],
            &["to", "text"],
        ),
        ("read_peer", &["role", "lines"], &["role"]),
        ("detect_question", &["role", "lines"], &["role"]),
        ("respond", &["role", "keys", "option", "expect"], &["role"]),
        ("history", &["limit", "role"], &[]),
        ("inbox", &["role", "limit"], &["role"]),
        ("set_prompt", &["role", "prompt"], &["role", "prompt"]),
        ("get_prompt", &["role"], &["role"]),
        ("queue_list", &["role"], &[]),
        ("queue_drop", &["id"], &["id"]),
        ("delete_prompt", &["role"], &["role"]),
        (
            "wait_for",
            &["role", "until", "timeout_s"],
            &["role", "until"],
        ),
    ] {
        let s = schema(tool);
        for p in params {
            assert!(s["properties"][p].is_object(), "{tool}.{p} missing: {s}");
        }
        let mut req: Vec<&str> = s["required"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        req.sort_unstable();
        let mut want = required.to_vec();
        want.sort_unstable();
        assert_eq!(req, want, "{tool} required params");
    }

    // ping works, unknown tools and methods are protocol errors.
    assert_eq!(m.request("ping", json!({}))["result"], json!({}));
    let r = m.request(
        "tools/call",
        json!({"name": "no_such_tool", "arguments": {}}),
    );
    assert!(r["error"]["code"].is_i64(), "{r}");
    let r = m.request("no/such/method", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");

    let (status, rest) = m.finish();
    assert!(status.success(), "{status:?}");
    assert!(rest.is_empty(), "unexpected output: {rest:?}");
    let err = std::fs::read_to_string(env.dir.path().join("mcp.stderr")).unwrap();
    assert_eq!(err, "", "sb mcp wrote to stderr");
}

#[test]
fn mcp_empty_stdin_exits_0_and_prints_nothing() {
    let env = TestEnv::new();
    for stdin in [Stdio::null(), Stdio::piped()] {
        let mut child = server_cmd(&env)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdin.take()); // a piped stdin is closed at once
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("sb mcp did not exit on empty stdin");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let (mut out, mut err) = (String::new(), String::new());
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(0), "stderr: {err}");
        assert_eq!(out, "", "stdout must stay empty");
    }
}

#[test]
fn mcp_keeps_answering_while_a_tool_blocks() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let (mut m, _) = Mcp::start(&env);
    let slow = m.send_request(
        "tools/call",
        json!({"name": "wait_for", "arguments": {"role": "dev", "until": "busy", "timeout_s": 2}}),
    );
    let t = Instant::now();
    let ping = m.request("ping", json!({}));
    assert_eq!(ping["result"], json!({}));
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "ping waited for wait_for: {:?}",
        t.elapsed()
    );
    let r = m.response(slow);
    assert_eq!(r["result"]["isError"], true, "{r}");
    let text = r["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("sb: error: timed out after 2.0s"),
        "{text}"
    );
}

/// docs/ARCHITECTURE.md, MCP: tools return `Json<T>`, so each declares an `outputSchema` (an object schema).
#[test]

fn mcp_tools_declare_an_output_schema() {
    let env = TestEnv::new();
    let (mut m, _) = Mcp::start(&env);
    let list = m.request("tools/list", json!({}));
    for t in list["result"]["tools"].as_array().unwrap() {
        assert_eq!(t["outputSchema"]["type"], "object", "{}: {t}", t["name"]);
    }
}

/// A client that goes away must not leave the server behind while a long tool call (wait_for,
/// send with when_ready_s) runs on: it exits within seconds of stdin closing (rmcp itself drains
/// in-flight responses for up to 5 s after EOF).
#[test]

fn mcp_exits_soon_after_stdin_closes_during_a_long_tool_call() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let (mut m, _) = Mcp::start(&env);
    m.send_request(
        "tools/call",
        json!({"name": "wait_for", "arguments": {"role": "dev", "until": "busy", "timeout_s": 60}}),
    );
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let (status, _) = m.finish();
    assert!(status.success(), "{status:?}");
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "sb mcp lingered {:?}",
        t.elapsed()
    );
}
