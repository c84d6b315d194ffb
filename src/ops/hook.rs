//! The SessionStart hook (docs/ARCHITECTURE.md, Hooks and setup): the briefing of the role bound to this pane, prefixed by
//! who this session is and who its peers are, and the session's ids recorded on the role.
//! Codex runs the same hook (same input and output). Gemini CLI ignores SessionStart context after
//! `/clear`, so it gets the briefing from a BeforeAgent hook instead, on the first prompt of each
//! session only: `before_agent` remembers the sessions it briefed (a bounded list in the state dir).
//!
//! The hook runs on every start, resume, `/clear` and compaction of a Claude Code session, so it
//! must never block or break one: no tmux, no network, at most a few milliseconds waiting for the
//! registry lock (when it is busy the ids are simply not recorded this time), and every failure
//! means "say nothing". `Ok(None)` is the silent answer; an `Err` is silence too, for the caller.

use crate::error::Result;
use crate::store::StateDir;
use crate::store::prompts::Prompts;
use crate::store::registry::Registry;
use crate::store::{FileLock, write_atomic};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long the hook may wait for the registry lock before skipping the recording.
pub const LOCK_BUDGET: Duration = Duration::from_millis(5);

/// Longest session id or transcript path recorded (longer ones are not recorded).
const MAX_FIELD: usize = 4096;

/// How many briefed session ids `before_agent` remembers (the oldest are forgotten first).
pub const BRIEFED_KEEP: usize = 256;
/// The file (in the state dir) listing the briefed session ids, one a line, oldest first.
const BRIEFED_FILE: &str = "briefed-sessions";

/// What Claude Code writes on the hook's stdin (unknown fields are ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HookInput {
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub transcript_path: Option<String>,
    #[serde(default)]
    pub cwd: Option<String>,
    /// `startup`, `resume`, `clear` or `compact`.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub hook_event_name: Option<String>,
}

/// The briefing the hook hands to Claude Code, and what it did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionStartReport {
    pub role: String,
    pub pane: String,
    /// The other registered roles (roles sharing this pane are not peers).
    pub peers: Vec<String>,
    /// What started the session: startup, resume, clear or compact.
    pub source: Option<String>,
    /// The identity line, a blank line, then the saved briefing.
    pub context: String,
    /// The session id and transcript path were written to the registry (false when the lock was
    /// busy, nothing changed, or the input carried neither).
    pub recorded: bool,
}

/// The JSON document Claude Code reads from the hook's stdout.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HookOutput {
    #[serde(rename = "hookSpecificOutput")]
    pub hook_specific_output: HookSpecificOutput,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HookSpecificOutput {
    #[serde(rename = "hookEventName")]
    pub hook_event_name: String,
    #[serde(rename = "additionalContext")]
    pub additional_context: String,
}

impl From<&SessionStartReport> for HookOutput {
    fn from(r: &SessionStartReport) -> HookOutput {
        HookOutput::new(SESSION_START, r)
    }
}

impl HookOutput {
    /// The briefing as the output of the hook event `event` (SessionStart, BeforeAgent).
    pub fn new(event: &str, r: &SessionStartReport) -> HookOutput {
        HookOutput {
            hook_specific_output: HookSpecificOutput {
                hook_event_name: event.into(),
                additional_context: r.context.clone(),
            },
        }
    }
}

pub const SESSION_START: &str = "SessionStart";
pub const BEFORE_AGENT: &str = "BeforeAgent";

/// Parse the hook's stdin: a JSON object for `event` (or naming no event), or None (garbage,
/// empty, another event).
pub fn parse_input(input: &[u8], event: &str) -> Option<HookInput> {
    let v: serde_json::Value = serde_json::from_slice(input).ok()?;
    if !v.is_object() {
        return None;
    }
    let input: HookInput = serde_json::from_value(v).ok()?;
    match input.hook_event_name.as_deref() {
        None => Some(input),
        Some(e) if e == event => Some(input),
        Some(_) => None,
    }
}

/// The briefing for the session in `pane`, given the hook's raw stdin. Ok(None) when the hook
/// should stay silent: garbage input, an unsafe state dir, an unregistered pane, no saved prompt.
/// `server_pid` is the tmux server's pid from `$TMUX`: a pane id registered on another (earlier)
/// server is another session's, and gets nothing.
pub fn session_start(
    state: &StateDir,
    pane: &str,
    server_pid: Option<u32>,
    input: &[u8],
) -> Result<Option<SessionStartReport>> {
    let Some(input) = parse_input(input, SESSION_START) else {
        return Ok(None);
    };
    brief(state, pane, server_pid, input)
}

/// Gemini CLI's BeforeAgent hook: the briefing on the first prompt of each session (by
/// `session_id`), Ok(None) on every later prompt, without a session id, or when `session_start`
/// would be silent. The briefed ids are kept in the state dir (the newest [`BRIEFED_KEEP`]); when
/// their lock is busy for more than [`LOCK_BUDGET`], the briefing is given but not remembered (a
/// second briefing is better than none).
pub fn before_agent(
    state: &StateDir,
    pane: &str,
    server_pid: Option<u32>,
    input: &[u8],
) -> Result<Option<SessionStartReport>> {
    let Some(input) = parse_input(input, BEFORE_AGENT) else {
        return Ok(None);
    };
    let Some(sid) = clean(&input.session_id) else {
        return Ok(None);
    };
    if !state.root().is_dir() {
        return Ok(None); // nothing registered yet; taking the lock would create the directory
    }
    let path = state.root().join(BRIEFED_FILE);
    let lock = FileLock::acquire_within(&state.lock_path("briefed"), LOCK_BUDGET)?;
    let mut briefed = read_briefed(&path);
    if briefed.contains(&sid) {
        return Ok(None);
    }
    let Some(report) = brief(state, pane, server_pid, input)? else {
        return Ok(None);
    };
    if lock.is_some() {
        briefed.push(sid);
        let keep = briefed.len().saturating_sub(BRIEFED_KEEP);
        let mut text = briefed[keep..].join("\n");
        text.push('\n');
        write_atomic(&path, text.as_bytes())?;
    }
    Ok(Some(report))
}

/// The briefed session ids, oldest first (a missing or unreadable file is an empty list).
fn read_briefed(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The briefing for the role registered on `pane`, recording the session's ids on the role.
fn brief(
    state: &StateDir,
    pane: &str,
    server_pid: Option<u32>,
    input: HookInput,
) -> Result<Option<SessionStartReport>> {
    // Registry::load refuses a world-writable state (whoever can write it could inject prompts).
    let reg = Registry::load(state)?;
    let Some(role) = reg.role_for_pane(pane, server_pid).map(str::to_string) else {
        return Ok(None);
    };
    let prompts = Prompts::load(state)?;
    let Some(prompt) = prompts
        .prompts
        .get(&role)
        .filter(|p| !p.text.trim().is_empty())
    else {
        return Ok(None);
    };
    let peers: Vec<String> = reg
        .roles
        .iter()
        .filter(|(r, e)| **r != role && e.pane != pane)
        .map(|(r, _)| r.clone())
        .collect();
    let context = format!("{}\n\n{}", identity_line(&role, &peers), prompt.text);
    let recorded = record(state, &reg, &role, pane, &input).unwrap_or(false);
    Ok(Some(SessionStartReport {
        role,
        pane: pane.to_string(),
        peers,
        source: input.source,
        context,
        recorded,
    }))
}

/// `You are "dev" in sb (session bridge); peers: gestor, reviewer. …`
pub fn identity_line(role: &str, peers: &[String]) -> String {
    let peers = if peers.is_empty() {
        "none registered yet".to_string()
    } else {
        peers.join(", ")
    };
    format!(
        "You are \"{role}\" in sb (session bridge); peers: {peers}. Use `sb send ROLE TEXT` to \
         message a peer (it arrives in their prompt as `[from:{role}] TEXT`, or in Claude Code as \
         a message from @{role}), `sb peers` to list \
         them, `sb inbox {role}` to reread messages sent to you."
    )
}

/// A value worth storing: bounded, no control characters.
fn clean(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .filter(|s| !s.is_empty() && s.len() <= MAX_FIELD && !s.chars().any(char::is_control))
        .cloned()
}

/// Write the session id and transcript path on the role, if they changed, waiting at most
/// `LOCK_BUDGET` for the lock. Ok(true) when written.
fn record(
    state: &StateDir,
    seen: &Registry,
    role: &str,
    pane: &str,
    input: &HookInput,
) -> Result<bool> {
    let (sid, tp) = (clean(&input.session_id), clean(&input.transcript_path));
    let differs = |e: &crate::store::registry::RoleEntry| {
        (sid.is_some() && e.session_id != sid) || (tp.is_some() && e.transcript_path != tp)
    };
    if !seen.roles.get(role).is_some_and(differs) {
        return Ok(false);
    }
    let written = Registry::try_update(state, LOCK_BUDGET, |reg| {
        // Re-read under the lock: the role may have moved or gone meanwhile.
        let Some(e) = reg.roles.get_mut(role).filter(|e| e.pane == pane) else {
            return Ok(false);
        };
        if sid.is_some() {
            e.session_id = sid.clone();
        }
        if tp.is_some() {
            e.transcript_path = tp.clone();
        }
        Ok(true)
    })?;
    Ok(written.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_must_be_an_object_for_the_event() {
        assert!(parse_input(b"", SESSION_START).is_none());
        assert!(parse_input(b"not json", SESSION_START).is_none());
        assert!(parse_input(b"[\"a\",\"b\"]", SESSION_START).is_none());
        assert!(parse_input(br#"{"session_id":3}"#, SESSION_START).is_none());
        assert!(parse_input(br#"{"hook_event_name":"Stop"}"#, SESSION_START).is_none());
        assert!(parse_input(br#"{"hook_event_name":"SessionStart"}"#, BEFORE_AGENT).is_none());
        assert!(parse_input(br#"{"hook_event_name":"BeforeAgent"}"#, BEFORE_AGENT).is_some());
        let i = parse_input(
            br#"{"session_id":"s","source":"clear","model":"x"}"#,
            SESSION_START,
        )
        .unwrap();
        assert_eq!(i.session_id.as_deref(), Some("s"));
        assert_eq!(i.source.as_deref(), Some("clear"));
    }

    #[test]
    fn identity_line_names_role_and_peers() {
        let l = identity_line("dev", &["gestor".into(), "reviewer".into()]);
        assert!(l.starts_with("You are \"dev\" in sb (session bridge); peers: gestor, reviewer."));
        assert!(identity_line("dev", &[]).contains("peers: none registered yet"));
    }

    #[test]
    fn control_characters_are_not_recorded() {
        assert_eq!(clean(&Some("a\nb".into())), None);
        assert_eq!(clean(&Some("x".repeat(5000))), None);
        assert_eq!(
            clean(&Some("/t/x.jsonl".into())).as_deref(),
            Some("/t/x.jsonl")
        );
    }
}
