//! `sb mcp` driven over stdin/stdout as an MCP client would (DESIGN.md §7): the handshake, all 13
//! tools against a private tmux server with fake agents, domain errors as `isError` results with
//! the CLI's message, and the same JSON as the CLI's `--json` for every tool.

use crate::env::{FakeAgent, Input, SB, TestEnv, fixture, stderr, wait_for};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// No single response may take longer than this; a hung server fails the test instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(30);

const TOOLS: [&str; 13] = [
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
];

/// `sb mcp` as a child process with TestEnv's environment, spoken to in newline-delimited JSON-RPC.
struct Mcp {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    next_id: u64,
    /// Messages read while waiting for another id.
    stash: Vec<Value>,
}

/// The server command with the same cleared environment as `TestEnv::sb`.
fn server_cmd(env: &TestEnv) -> Command {
    let mut c = Command::new(SB);
    c.arg("mcp")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &env.home)
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("SB_TMUX_SOCKET", &env.sock)
        .env("LANG", "C.UTF-8");
    c
}

/// Every stdout line must be one JSON-RPC 2.0 message.
fn jsonrpc_line(line: &str) -> Value {
    let v: Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line:?}"));
    assert_eq!(v["jsonrpc"], "2.0", "not a JSON-RPC 2.0 message: {line}");
    v
}

impl Mcp {
    /// Start the server without a handshake.
    fn spawn(env: &TestEnv) -> Mcp {
        let log = std::fs::File::create(env.dir.path().join("mcp.stderr")).unwrap();
        let mut child = server_cmd(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("spawn sb mcp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Mcp {
            stdin: child.stdin.take(),
            child,
            lines: rx,
            next_id: 0,
            stash: vec![],
        }
    }

    /// Start the server and do the handshake; returns it and the initialize result.
    fn start(env: &TestEnv) -> (Mcp, Value) {
        let mut m = Mcp::spawn(env);
        let init = m.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "sb-tests", "version": "1"}
            }),
        );
        let result = init
            .get("result")
            .unwrap_or_else(|| panic!("initialize failed: {init}"))
            .clone();
        m.write(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        (m, result)
    }

    fn write(&mut self, v: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{v}").unwrap();
        stdin.flush().unwrap();
    }

    /// Send a request; return the id used.
    fn send_request(&mut self, method: &str, params: Value) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.write(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Wait for the response to `id` (other messages are kept for later).
    fn response(&mut self, id: u64) -> Value {
        if let Some(i) = self.stash.iter().position(|v| v["id"] == id) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let v = jsonrpc_line(&line);
                    if v["id"] == id {
                        return v;
                    }
                    self.stash.push(v);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no response to request {id} in {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("sb mcp closed stdout before answering request {id}")
                }
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// `tools/call`; the result (a JSON-RPC error fails the test).
    fn call(&mut self, tool: &str, args: Value) -> Value {
        let r = self.request("tools/call", json!({"name": tool, "arguments": args}));
        r.get("result")
            .unwrap_or_else(|| panic!("{tool}: JSON-RPC error instead of a tool result: {r}"))
            .clone()
    }

    /// A successful call: its structured content, checked equal to its text content.
    fn ok(&mut self, tool: &str, args: Value) -> Value {
        let r = self.call(tool, args);
        assert_eq!(r["isError"], false, "{tool}: {r}");
        let text = r["content"][0]["text"].as_str().unwrap_or_default();
        let from_text: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{tool}: text content is not JSON ({e}): {r}"));
        assert_eq!(
            r["structuredContent"], from_text,
            "{tool}: text and structured content differ"
        );
        from_text
    }

    /// A failed call: `isError: true` and the error text.
    fn err(&mut self, tool: &str, args: Value) -> String {
        let r = self.call(tool, args);
        assert_eq!(r["isError"], true, "{tool}: expected a tool error: {r}");
        assert!(
            r.get("structuredContent").is_none_or(Value::is_null),
            "{tool}: {r}"
        );
        r["content"][0]["text"].as_str().unwrap().to_string()
    }

    /// Close stdin; wait (bounded) for exit; return the status and any stdout lines left unread.
    fn finish(mut self) -> (ExitStatus, Vec<String>) {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "sb mcp did not exit after stdin closed"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let rest: Vec<String> = self.lines.try_iter().collect();
        for l in &rest {
            jsonrpc_line(l);
        }
        (status, rest)
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sb --json ARGS`, which must succeed.
fn cli(env: &TestEnv, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = env.run(&a);
    assert!(out.status.success(), "sb {args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("sb {args:?}: {e}"))
}

/// `sb ARGS`, which must fail; its stderr without the final newline.
fn cli_err(env: &TestEnv, args: &[&str]) -> String {
    let out = env.run(args);
    assert!(!out.status.success(), "sb {args:?} should fail");
    stderr(&out).trim_end().to_string()
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
    v
}

/// Replace the message id inside "… logged as undelivered (id X)".
fn norm_id(s: &str) -> String {
    match s.find("(id ") {
        Some(i) => {
            let end = s[i..].find(')').map_or(s.len(), |j| i + j);
            format!("{}(id <id>{}", &s[..i], &s[end..])
        }
        None => s.to_string(),
    }
}

/// Until the fake agent has shown what it received and sits at an empty prompt.
fn settle(env: &TestEnv, role: &str) {
    let mut last = String::new();
    let mut stable = 0;
    let ok = wait_for(Duration::from_secs(10), || {
        let now = cli(env, &["peek", role, "--lines", "200"])["text"]
            .as_str()
            .unwrap()
            .to_string();
        stable = if now == last { stable + 1 } else { 0 };
        last = now;
        stable >= 5
    });
    assert!(ok, "the screen of {role} kept changing");
}

#[test]
fn mcp_initialize_and_tools_list_show_all_13_tools() {
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
    // The documented parameters (DESIGN.md §7) are in the schemas, required ones marked so.
    let schema = |n: &str| tools.iter().find(|t| t["name"] == n).unwrap()["inputSchema"].clone();
    for (tool, params, required) in [
        ("register", &["role", "pane"][..], &["role"][..]),
        (
            "send",
            &["to", "from", "text", "submit", "tag"],
            &["to", "text"],
        ),
        ("read_peer", &["role", "lines"], &["role"]),
        ("detect_question", &["role", "lines"], &["role"]),
        ("respond", &["role", "keys", "option", "expect"], &["role"]),
        ("history", &["limit", "role"], &[]),
        ("inbox", &["role", "limit"], &["role"]),
        ("set_prompt", &["role", "prompt"], &["role", "prompt"]),
        ("get_prompt", &["role"], &["role"]),
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
fn mcp_domain_errors_are_tool_results_with_the_cli_message() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let (mut m, _) = Mcp::start(&env);

    let unknown = m.err("send", json!({"to": "nobody", "text": "hi"}));
    assert!(unknown.starts_with("sb: error: unknown role"), "{unknown}");
    assert_eq!(unknown, cli_err(&env, &["send", "nobody", "hi"]));

    for (tool, args, cmd) in [
        (
            "read_peer",
            json!({"role": "nobody"}),
            &["peek", "nobody"][..],
        ),
        (
            "detect_question",
            json!({"role": "nobody"}),
            &["detect", "nobody"],
        ),
        (
            "respond",
            json!({"role": "nobody", "keys": ["1"]}),
            &["respond", "nobody", "1"],
        ),
        (
            "respond",
            json!({"role": "dev", "keys": ["Entr"]}),
            &["respond", "dev", "Entr"],
        ),
        (
            "respond",
            json!({"role": "dev", "keys": []}),
            &["respond", "dev", ""],
        ),
        (
            "get_prompt",
            json!({"role": "dev"}),
            &["prompt", "get", "dev"],
        ),
        (
            "delete_prompt",
            json!({"role": "dev"}),
            &["prompt", "rm", "dev"],
        ),
        (
            "set_prompt",
            json!({"role": "dev", "prompt": "  "}),
            &["prompt", "set", "dev", "  "],
        ),
        ("inbox", json!({"role": "../x"}), &["inbox", "../x"]),
        (
            "history",
            json!({"role": "a b"}),
            &["history", "--role", "a b"],
        ),
        (
            "register",
            json!({"role": "x", "pane": "bogus"}),
            &["register", "x", "--pane", "bogus"],
        ),
        (
            "register",
            json!({"role": "x", "pane": "%999"}),
            &["register", "x", "--pane", "%999"],
        ),
        ("register", json!({"role": "x"}), &["register", "x"]),
        (
            "send",
            json!({"to": "dev", "text": "\u{1b}\u{7}"}),
            &["send", "dev", "\u{1b}\u{7}"],
        ),
        (
            "wait_for",
            json!({"role": "dev", "until": "busy", "timeout_s": 0.3}),
            &["wait", "dev", "--until", "busy", "--timeout", "300ms"],
        ),
    ] {
        if cmd.last() == Some(&"") {
            // `sb respond dev` with no keys is a clap usage error; the MCP tool refuses the empty list.
            let e = m.err(tool, args);
            assert!(e.starts_with("sb: error: no keys given"), "{e}");
            continue;
        }
        assert_eq!(
            m.err(tool, args.clone()),
            cli_err(&env, cmd),
            "{tool} {args}"
        );
    }

    // A dead pane: logged as undelivered by both, with the same message (ids aside). Another
    // pane keeps the tmux server up, so both see the same "pane gone" and not "no server".
    let _other = env.agent("other", &[]);
    env.tmux(&["kill-pane", "-t", &dev.pane]);
    let e = m.err(
        "send",
        json!({"to": "dev", "from": "gestor", "text": "are you there?"}),
    );
    assert!(e.contains("logged as undelivered"), "{e}");
    assert_eq!(
        norm_id(&e),
        norm_id(&cli_err(
            &env,
            &["send", "dev", "--from", "gestor", "are you there?"]
        ))
    );
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r["delivered"] == false && r["error"].is_string())
    );

    let (status, rest) = m.finish();
    assert!(status.success());
    assert!(rest.is_empty(), "{rest:?}");
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
    assert_eq!(norm(ms, &["id", "ts"]), norm(cs, &["id", "ts"]));
    let ms = m.ok(
        "send",
        json!({"to": "dev", "text": "two", "submit": false, "tag": false}),
    );
    settle(&env, "dev");
    let cs = cli(
        &env,
        &["send", "dev", "--force", "--no-submit", "--no-tag", "two"],
    );
    assert_eq!(cs["peer_state"], Value::Null); // --force skips the guard
    let ms_forced = m.ok(
        "send",
        json!({"to": "dev", "text": "two", "submit": false, "tag": false, "force": true}),
    );
    assert_eq!(norm(ms_forced, &["id", "ts"]), norm(cs, &["id", "ts"]));
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
        (json!({"role": "nobody"}), &["inbox", "nobody"]),
    ] {
        assert_eq!(m.ok("inbox", args.clone()), cli(&env, cmd), "inbox {args}");
    }
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
    let mr = m.ok("respond", json!({"role": "rev", "option": 2, "expect": fp}));
    let cr = cli(
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
    assert_eq!(mr["label"], "Yes, I trust this folder");
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

/// DESIGN.md §7: tools return `Json<T>`, so each declares an `outputSchema` (an object schema).
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
