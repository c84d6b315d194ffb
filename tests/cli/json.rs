//! `--json` of every command deserializes into a strict struct (unknown or missing fields fail).

use crate::env::{TestEnv, stderr};
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Message {
    pub id: String,
    pub ts: String,
    pub from: String,
    pub to: String,
    pub text: String,
    pub delivered: bool,
    pub submitted: bool,
    pub error: Option<String>,
    pub outcome: String,
    /// `paste` or `native`; absent on write-ahead records.
    #[serde(default)]
    pub via: Option<String>,
    #[serde(default)]
    pub receipts: Vec<Receipt>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub basis: Option<Basis>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Receipt {
    pub step: String,
    pub ts: String,
    #[serde(default)]
    pub via: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Basis {
    pub agent: String,
    #[serde(default)]
    pub transcript: Option<String>,
    pub offset: u64,
    pub visible: usize,
    pub busy: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct QueueEntry {
    id: String,
    from: String,
    to: String,
    queued_at: String,
    age_s: u64,
    expires_at: Option<String>,
    expires_in_s: Option<u64>,
    reason: Option<String>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Queue {
    queued: Vec<QueueEntry>,
    watcher_running: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Register {
    role: String,
    pane: String,
    server_pid: u32,
    session: String,
    window: u32,
    cwd: String,
    registered_at: String,
    last_seen: String,
    previous_pane: Option<String>,
    shares_pane_with: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Peer {
    role: String,
    pane: String,
    alive: Option<bool>,
    server_pid: u32,
    session: String,
    window: u32,
    cwd: String,
    command: Option<String>,
    registered_at: String,
    last_seen: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Peers {
    peers: Vec<Peer>,
    #[serde(default)]
    #[allow(dead_code)]
    warning: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Send {
    id: String,
    ts: String,
    from: String,
    to: String,
    text: String,
    delivered: bool,
    submitted: bool,
    error: Option<String>,
    outcome: String,
    pane: String,
    bytes: usize,
    peer_state: Option<String>,
    confirmation: Option<serde_json::Value>,
    log_warning: Option<String>,
    #[serde(default)]
    via: Option<String>,
    native: Option<serde_json::Value>,
    native_skipped: Option<String>,
    native_failed: bool,
    #[serde(default)]
    receipts: Vec<Receipt>,
    #[serde(default)]
    basis: Option<Basis>,
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    queued: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Peek {
    role: String,
    pane: String,
    lines: usize,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Respond {
    role: String,
    pane: String,
    keys: Vec<String>,
    option: Option<u32>,
    label: Option<String>,
    question: Option<String>,
    taken: Option<bool>,
    retried: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct History {
    messages: Vec<Message>,
    skipped: usize,
    #[serde(default)]
    marked_read: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Prompt {
    role: String,
    text: String,
    updated_at: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PromptList {
    prompts: Vec<Prompt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Unregister {
    role: String,
    pane: String,
}

fn json<T: DeserializeOwned>(env: &TestEnv, args: &[&str]) -> T {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = env.run(&a);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn every_command_emits_strict_json() {
    let env = TestEnv::new();
    let a = env.agent("dev", &[]);
    let r: Register = json(&env, &["register", "dev", "--pane", &a.pane]);
    assert_eq!((r.role.as_str(), r.pane.as_str()), ("dev", a.pane.as_str()));
    let p: Peers = json(&env, &["peers"]);
    assert_eq!(p.peers.len(), 1);
    assert_eq!(p.peers[0].alive, Some(true));
    let s: Send = json(&env, &["send", "dev", "--from", "gestor", "hello"]);
    assert!(
        s.delivered && s.submitted && s.text == "hello" && s.bytes == "[from:gestor] hello".len()
    );
    let k: Peek = json(&env, &["peek", "dev", "--lines", "5"]);
    assert_eq!(k.lines, 5);
    let r: Respond = json(&env, &["respond", "dev", "esc"]);
    assert_eq!(r.keys, ["Escape"]);
    let h: History = json(&env, &["history"]);
    assert_eq!((h.messages.len(), h.skipped), (1, 0));
    // -n 0 is streamed, still one document.
    let h: History = json(&env, &["history", "-n", "0"]);
    assert_eq!((h.messages.len(), h.skipped), (1, 0));
    let h: History = json(&env, &["inbox", "dev"]);
    assert_eq!(h.messages[0].from, "gestor");
    assert_eq!(h.marked_read, None);
    let h: History = json(&env, &["inbox", "dev", "--mark-read"]);
    assert_eq!(h.marked_read.as_deref(), Some(h.messages[0].id.as_str()));
    let p: Prompt = json(&env, &["prompt", "set", "dev", "brief"]);
    assert_eq!(p.text, "brief");
    let p: Prompt = json(&env, &["prompt", "get", "dev"]);
    assert_eq!(p.role, "dev");
    let l: PromptList = json(&env, &["prompt", "ls"]);
    assert_eq!(l.prompts.len(), 1);
    let p: Prompt = json(&env, &["prompt", "rm", "dev"]);
    assert_eq!(p.role, "dev");
    let q: Queue = json(&env, &["queue"]);
    assert!(q.queued.is_empty() && !q.watcher_running);
    let u: Unregister = json(&env, &["unregister", "dev"]);
    assert_eq!(u.pane, a.pane);
}
