//! `sb mcp` driven over stdin/stdout as an MCP client would (docs/ARCHITECTURE.md, MCP): the handshake, all 15
//! tools against a private tmux server with fake agents, domain errors as `isError` results with
//! the CLI's message, and the same JSON as the CLI's `--json` for every tool.
//!
//! This file holds the `Mcp` client and the shared setup (`sb --json` calls, normalising, waiting
//! for a settled screen); the tests live in one file per theme.

mod errors;
mod parity;
mod protocol;
mod tools;
mod via;

use crate::env::{SB, TestEnv, stderr, wait_for};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// No single response may take longer than this; a hung server fails the test instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(30);

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

    /// A failed call: `isError: true`, the CLI's message as text, and the structured error
    /// (`{"error": {kind, message, hint, exit_code, message_id}}`, as `sb --json` prints it)
    /// agreeing with it. Returns the text.
    fn err(&mut self, tool: &str, args: Value) -> String {
        let r = self.call(tool, args);
        assert_eq!(r["isError"], true, "{tool}: expected a tool error: {r}");
        let text = r["content"][0]["text"].as_str().unwrap().to_string();
        let e = &r["structuredContent"]["error"];
        let message = e["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{tool}: {r}"));
        assert!(
            text.starts_with(&format!("sb: error: {message}")),
            "{tool}: {r}"
        );
        assert!(
            e["kind"].is_string() && e["exit_code"].is_u64(),
            "{tool}: {r}"
        );
        match e["hint"].as_str() {
            Some(h) => assert!(text.ends_with(&format!("hint: {h}")), "{tool}: {r}"),
            None => assert!(
                e["hint"].is_null() && !text.contains("\n  hint: "),
                "{tool}: {r}"
            ),
        }
        assert!(e.get("message_id").is_some(), "{tool}: {r}");
        text
    }

    /// A failed call's structured error object.
    fn err_json(&mut self, tool: &str, args: Value) -> Value {
        let r = self.call(tool, args);
        assert_eq!(r["isError"], true, "{tool}: expected a tool error: {r}");
        r["structuredContent"].clone()
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

/// `sb ARGS`, which must fail; its error on stderr (without warning lines, which the CLI prints
/// for people, and the final newline).
fn cli_err(env: &TestEnv, args: &[&str]) -> String {
    let out = env.run(args);
    assert!(!out.status.success(), "sb {args:?} should fail");
    stderr(&out)
        .lines()
        .filter(|l| !l.starts_with("sb: warning: "))
        .collect::<Vec<_>>()
        .join("\n")
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
