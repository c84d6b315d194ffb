//! Confirmed delivery (`send --confirm`): "submitted" that means the peer took the message as a
//! user turn, seen in its Claude Code transcript (recorded per role by the SessionStart hook) or,
//! without one, on its screen. One Enter is retried when the text still sits in the input box.

use super::Ctx;
use crate::detect::State;
use crate::error::Result;
use crate::store::FileLock;
use crate::store::registry::RoleEntry;
use serde::{Deserialize, Serialize};
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Confirmation {
    /// The message was seen taken as a user turn.
    pub confirmed: bool,
    /// `transcript` (the peer's Claude Code transcript) or `screen`.
    pub method: String,
    pub waited_ms: u64,
    /// Enter was pressed once more because the text was still in the input box.
    pub retried_enter: bool,
    /// The peer's state when the check ended.
    pub state: Option<State>,
}

/// Wait up to `timeout` for the typed text to show up as a user turn.
pub fn confirm(
    ctx: &Ctx,
    role: &str,
    entry: &RoleEntry,
    lock_name: &str,
    typed: &str,
    transcript: Option<(String, u64)>,
    timeout: Duration,
) -> Result<Confirmation> {
    let start = Instant::now();
    let probe = probe(typed);
    let mut retried = false;
    let mut state = None;
    let method = if transcript.is_some() {
        "transcript"
    } else {
        "screen"
    };
    loop {
        let seen_in_transcript = transcript
            .as_ref()
            .is_some_and(|(path, from)| transcript_has(path, *from, &probe));
        let det = super::detect::detect(ctx, role, None)
            .ok()
            .map(|r| r.detection);
        state = det.as_ref().map(|d| d.state).or(state);
        let in_box = det
            .as_ref()
            .and_then(|d| d.draft.as_deref())
            .is_some_and(|d| squash(d).contains(&probe));
        let confirmed = match &transcript {
            Some(_) => seen_in_transcript,
            // Without a transcript: the text left the input box and the peer took up work or
            // shows the turn (idle with an empty box, busy, or waiting on what it was asked).
            // Not before 300 ms: a screen read right after the paste may predate its drawing.
            None => {
                start.elapsed() >= Duration::from_millis(300)
                    && det
                        .as_ref()
                        .is_some_and(|d| !in_box && d.state != State::Unknown && d.draft.is_none())
            }
        };
        if confirmed {
            return Ok(report(true, method, start, retried, state));
        }
        if in_box && !retried && start.elapsed() >= Duration::from_millis(700) {
            let _lock = FileLock::acquire(&ctx.state.lock_path(lock_name))?;
            ctx.tmux.send_keys(&entry.pane, &["Enter".to_string()])?;
            retried = true;
        }
        if start.elapsed() >= timeout {
            return Ok(report(false, method, start, retried, state));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn report(
    confirmed: bool,
    method: &str,
    start: Instant,
    retried_enter: bool,
    state: Option<State>,
) -> Confirmation {
    Confirmation {
        confirmed,
        method: method.into(),
        waited_ms: start.elapsed().as_millis() as u64,
        retried_enter,
        state,
    }
}

/// The first line of the message, whitespace squashed, at most 80 characters: enough to recognise
/// it in a transcript or an input box, short enough to survive wrapping and paste collapsing.
fn probe(typed: &str) -> String {
    let first = typed.lines().next().unwrap_or("");
    squash(first)
        .chars()
        .take(80)
        .collect::<String>()
        .trim()
        .to_string()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a user turn written after byte `from` of the transcript contains `probe`.
pub fn transcript_has(path: &str, from: u64, probe: &str) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len <= from {
        return false;
    }
    let mut buf = vec![0u8; (len - from).min(64 << 20) as usize];
    if f.read_exact_at(&mut buf, from).is_err() {
        return false;
    }
    buf.split(|b| *b == b'\n').any(|line| {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
            return false;
        };
        v["type"] == "user"
            && user_text(&v["message"]["content"]).is_some_and(|t| squash(&t).contains(probe))
    })
}

fn user_text(content: &serde_json::Value) -> Option<String> {
    match content {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_message_in_new_transcript_lines_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let old = "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"[from:gestor] take issue #14\"}}\n";
        std::fs::write(&path, old).unwrap();
        let p = path.to_str().unwrap();
        let probe = probe("[from:gestor] take issue #14\nsecond line");
        assert!(
            !transcript_has(p, old.len() as u64, &probe),
            "old lines do not count"
        );
        let new = "{\"type\":\"assistant\",\"message\":{\"content\":\"[from:gestor] take issue #14\"}}\n{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"[from:gestor]  take issue #14\\nsecond line\"}]}}\n";
        std::fs::write(&path, format!("{old}{new}")).unwrap();
        assert!(transcript_has(p, old.len() as u64, &probe));
        assert!(!transcript_has("/nonexistent", 0, &probe));
    }
}
