//! Agent transcripts: the user messages an agent appended to its session file after a byte offset,
//! for `send --confirm` and receipts. Pure functions on the file's bytes; the hooks record each
//! role's `transcript_path` (Claude Code and Codex: SessionStart; Gemini: BeforeAgent).
//!
//! - Claude Code, `~/.claude/projects/<dir>/<session>.jsonl`: `{"type":"user","message":{"content":
//!   "…" | [{"type":"text","text":"…"}, …]}}`; tool results are user lines without text parts.
//! - Codex, `~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<thread>.jsonl`: `{"type":"response_item",
//!   "payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"…"}]}}`.
//!   Context Codex injects is a user message too; its metadata says
//!   `provenance.type: "harness"` (the user's say `"user"`), and without metadata its text starts
//!   with `<environment_context>`, `# AGENTS.md instructions` or `<user_instructions>`. The same
//!   message is repeated as an `event_msg` `item_completed` `UserMessage`, which is skipped.
//! - Gemini CLI, `~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl`: `{"type":"user",
//!   "content":[{"text":"…"}]}`; tool results are user lines with `functionResponse` parts only, and
//!   `{"$set":…}` lines (the header, the session context) are no messages. Text parts wrapped whole
//!   in `<hook_context>` / `<session_context>` are context, not the user's words.
//!
//! Only whole lines count: a line still being written (no final newline) is left for the next read,
//! and the returned offset says where to resume.

use crate::detect::Agent;
use serde_json::Value;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// The most bytes read past the offset at once (a transcript grows by far less between two reads).
pub const READ_CAP: u64 = 64 << 20;

/// Prefixes of the context Codex sends as user messages.
const CODEX_INJECTED: &[&str] = &[
    "<environment_context>",
    "# AGENTS.md instructions",
    "<user_instructions>",
];
/// Tags of the context Gemini CLI adds as whole text parts of a user message.
const GEMINI_CONTEXT: &[&str] = &["hook_context", "session_context"];

/// The user messages in the transcript at `path` written after byte `from`, and the offset just
/// past the last whole line read (where the next read resumes). A missing file, or one no longer
/// than `from`, gives none and `from`.
pub fn user_messages_since(
    agent: Agent,
    path: &Path,
    from: u64,
) -> std::io::Result<(Vec<String>, u64)> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((vec![], from)),
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    if len <= from {
        return Ok((vec![], from));
    }
    let mut buf = vec![0u8; (len - from).min(READ_CAP) as usize];
    f.read_exact_at(&mut buf, from)?;
    let (messages, used) = user_messages_in(agent, &buf);
    Ok((messages, from + used as u64))
}

/// The user messages in the whole lines of `bytes`, and how many bytes those lines take.
pub fn user_messages_in(agent: Agent, bytes: &[u8]) -> (Vec<String>, usize) {
    let used = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let messages = bytes[..used]
        .split(|b| *b == b'\n')
        .filter_map(|line| serde_json::from_slice::<Value>(line).ok())
        .filter_map(|v| user_message(agent, &v))
        .collect();
    (messages, used)
}

/// The user's words in one transcript line, or None (another kind of line, a tool result,
/// injected context, an agent sb has no transcript rules for).
pub fn user_message(agent: Agent, line: &Value) -> Option<String> {
    let text = match agent {
        Agent::Claude => {
            // A message that arrives while Claude Code works is handed to the model with the
            // next tool result, logged as a `queued_command` attachment (2.1.332) instead of a
            // user line of its own.
            let content = match line["type"].as_str() {
                Some("user") => &line["message"]["content"],
                Some("attachment")
                    if line["attachment"]["type"] == "queued_command"
                        && line["attachment"]["commandMode"]
                            .as_str()
                            .is_none_or(|m| m == "prompt") =>
                {
                    &line["attachment"]["prompt"]
                }
                _ => return None,
            };
            match content {
                Value::String(s) => s.clone(),
                parts => join_texts(parts, |p| {
                    (p["type"] == "text").then(|| p["text"].as_str()).flatten()
                }),
            }
        }
        Agent::Codex => {
            let p = &line["payload"];
            if line["type"] != "response_item" || p["type"] != "message" || p["role"] != "user" {
                return None;
            }
            let meta = &p["internal_chat_message_metadata_passthrough"]["content_item_metadata"];
            if let Some(items) = meta.as_array().filter(|m| !m.is_empty())
                && items.iter().any(|m| m["provenance"]["type"] != "user")
            {
                return None;
            }
            let text = join_texts(&p["content"], |c| {
                (c["type"] == "input_text")
                    .then(|| c["text"].as_str())
                    .flatten()
            });
            if CODEX_INJECTED
                .iter()
                .any(|pre| text.trim_start().starts_with(pre))
            {
                return None;
            }
            text
        }
        Agent::Gemini => {
            if line["type"] != "user" {
                return None;
            }
            join_texts(&line["content"], |c| {
                c["text"].as_str().filter(|t| !is_gemini_context(t))
            })
        }
        Agent::Unknown => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// The texts `pick` takes from an array of parts, joined by newlines.
fn join_texts<'a>(parts: &'a Value, pick: impl Fn(&'a Value) -> Option<&'a str>) -> String {
    parts
        .as_array()
        .map(|a| a.iter().filter_map(&pick).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

/// A text part that is one `<hook_context>…</hook_context>` (or session context) block.
fn is_gemini_context(t: &str) -> bool {
    let t = t.trim();
    GEMINI_CONTEXT
        .iter()
        .any(|tag| t.starts_with(&format!("<{tag}>")) && t.ends_with(&format!("</{tag}>")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as Codex 0.171.0 wrote them (long fields shortened).
    const CODEX: &str = concat!(
        r#"{"timestamp":"2026-12-02T06:41:24.737Z","ordinal":0,"type":"session_meta","payload":{"session_id":"01a2357c","id":"01a2357c","cwd":"/w"}}"#,
        "\n",
        r#"{"timestamp":"2026-12-02T06:41:24.769Z","ordinal":2,"type":"response_item","payload":{"type":"message","id":"msg_1","role":"developer","content":[{"type":"input_text","text":"<skills_instructions>…"}]}}"#,
        "\n",
        r#"{"timestamp":"2026-12-02T06:41:24.769Z","ordinal":3,"type":"response_item","payload":{"type":"message","id":"msg_2","role":"user","content":[{"type":"input_text","text":"<environment_context>\n  <cwd>/w</cwd>\n</environment_context>"}],"internal_chat_message_metadata_passthrough":{"turn_id":"t1","content_item_kinds":["environments.environment_context"],"content_item_metadata":[{"provenance":{"type":"harness","hook":false}}]}},"metadata":{"history_sequence":2}}"#,
        "\n",
        r#"{"timestamp":"2026-12-02T06:41:24.785Z","ordinal":7,"type":"response_item","payload":{"type":"message","id":"msg_3","role":"user","content":[{"type":"input_text","text":"[from:lead] hello MARK-x1"}],"internal_chat_message_metadata_passthrough":{"turn_id":"t1","content_item_kinds":["user.text"],"content_item_metadata":[{"provenance":{"type":"user"}}]}},"metadata":{"history_sequence":3}}"#,
        "\n",
        r#"{"timestamp":"2026-12-02T06:41:24.786Z","ordinal":8,"type":"event_msg","payload":{"type":"item_completed","thread_id":"01a2357c","turn_id":"t1","item":{"type":"UserMessage","id":"u1","content":[{"type":"text","text":"[from:lead] hello MARK-x1","text_elements":[]}]}}}"#,
        "\n",
        r#"{"timestamp":"2026-12-02T06:41:35.917Z","ordinal":24,"type":"response_item","payload":{"type":"function_call_output","id":"fco_1","call_id":"call_1","output":"Process exited with code 0\n"}}"#,
        "\n",
        r#"{"timestamp":"2026-12-02T06:41:36.000Z","ordinal":30,"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"line one\nline two"}]}}"#,
        "\n",
    );

    /// Lines as Gemini CLI 0.61.0 wrote them (long fields shortened).
    const GEMINI: &str = concat!(
        r#"{"sessionId":"ad327113-7e09","projectHash":"0feec3b2","startTime":"2026-12-02T06:41:46.354Z","lastUpdated":"2026-12-02T06:41:46.354Z","kind":"main"}"#,
        "\n",
        r#"{"$set":{"messages":[{"id":"d049","timestamp":"2026-12-02T06:41:46.354Z","type":"user","content":[{"text":"<session_context>\nThis is the Gemini CLI.\n</session_context>"}]}],"lastUpdated":"2026-12-02T06:41:46.355Z"}}"#,
        "\n",
        r#"{"id":"8006","timestamp":"2026-12-02T06:41:50.595Z","type":"user","content":[{"text":"[from:lead] hello gemini MARK-g1"}]}"#,
        "\n",
        r#"{"$set":{"lastUpdated":"2026-12-02T06:41:50.595Z"}}"#,
        "\n",
        r#"{"id":"0bf6","timestamp":"2026-12-02T06:41:50.739Z","type":"gemini","content":"stand-in reply #1","thoughts":[],"model":"gemini-3.1-pro-preview"}"#,
        "\n",
        r#"{"id":"a8c0","timestamp":"2026-12-02T06:42:01.677Z","type":"user","content":[{"functionResponse":{"id":"run_shell_command_1","name":"run_shell_command","response":{"output":"Output: (empty)"}}}]}"#,
        "\n",
        r#"{"id":"b1c2","timestamp":"2026-12-02T06:42:05.000Z","type":"user","content":[{"text":"second MARK-g2"},{"text":"<hook_context>You are \"gm\" in sb</hook_context>"}]}"#,
        "\n",
    );

    #[test]
    fn codex_user_messages_skip_injected_context_and_the_repeated_event() {
        let (msgs, used) = user_messages_in(Agent::Codex, CODEX.as_bytes());
        assert_eq!(msgs, ["[from:lead] hello MARK-x1", "line one\nline two"]);
        assert_eq!(used, CODEX.len());
    }

    #[test]
    fn gemini_user_messages_skip_tool_results_set_lines_and_hook_context() {
        let (msgs, _) = user_messages_in(Agent::Gemini, GEMINI.as_bytes());
        assert_eq!(msgs, ["[from:lead] hello gemini MARK-g1", "second MARK-g2"]);
    }

    #[test]
    fn claude_user_messages_are_text_not_tool_results() {
        let lines = concat!(
            r#"{"type":"user","message":{"role":"user","content":"[from:gestor] take issue #14"}}"#,
            "\n",
            r#"{"type":"assistant","message":{"content":[{"type":"text","text":"ok"}]}}"#,
            "\n",
            r#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"done"}]}}"#,
            "\n",
            r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}"#,
            "\n",
        );
        let (msgs, _) = user_messages_in(Agent::Claude, lines.as_bytes());
        assert_eq!(msgs, ["[from:gestor] take issue #14", "a\nb"]);
        assert!(
            user_messages_in(Agent::Unknown, lines.as_bytes())
                .0
                .is_empty()
        );
    }

    #[test]
    fn a_claude_message_handed_over_mid_turn_is_a_user_message() {
        // Shape as logged by Claude Code 2.1.332 for a message that arrived during a tool call.
        let lines = concat!(
            r#"{"type":"attachment","attachment":{"type":"queued_command","prompt":"[from:lead] queued for you","commandMode":"prompt"},"isMeta":true}"#,
            "\n",
            r#"{"type":"attachment","attachment":{"type":"queued_command","prompt":"/compact","commandMode":"bash"}}"#,
            "\n",
            r#"{"type":"attachment","attachment":{"type":"todo_reminder","prompt":"not a message"}}"#,
            "\n",
        );
        let (msgs, _) = user_messages_in(Agent::Claude, lines.as_bytes());
        assert_eq!(msgs, ["[from:lead] queued for you"]);
    }

    #[test]
    fn reads_from_the_offset_and_leaves_a_partial_line_for_later() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rollout.jsonl");
        let first_two = CODEX.split_inclusive('\n').take(4).collect::<String>();
        let partial = &CODEX[first_two.len()..first_two.len() + 40];
        std::fs::write(&path, format!("{first_two}{partial}")).unwrap();
        let (msgs, end) = user_messages_since(Agent::Codex, &path, 0).unwrap();
        assert_eq!(msgs, ["[from:lead] hello MARK-x1"]);
        assert_eq!(
            end,
            first_two.len() as u64,
            "the partial line is not consumed"
        );
        std::fs::write(&path, CODEX).unwrap();
        let (msgs, end) = user_messages_since(Agent::Codex, &path, end).unwrap();
        assert_eq!(msgs, ["line one\nline two"]);
        assert_eq!(end, CODEX.len() as u64);
        let (none, same) = user_messages_since(Agent::Codex, &path, end).unwrap();
        assert!(none.is_empty() && same == end);
        let missing = user_messages_since(Agent::Gemini, &dir.path().join("nope"), 7).unwrap();
        assert_eq!(missing, (vec![], 7));
    }
}
