//! The SessionStart hook (DESIGN.md §8): the briefing of the role bound to this pane, prefixed by
//! who this session is and who its peers are, and the session's ids recorded on the role.
//!
//! The hook runs on every start, resume, `/clear` and compaction of a Claude Code session, so it
//! must never block or break one: no tmux, no network, at most a few milliseconds waiting for the
//! registry lock (when it is busy the ids are simply not recorded this time), and every failure
//! means "say nothing". `Ok(None)` is the silent answer; an `Err` is silence too, for the caller.

use crate::error::Result;
use crate::store::StateDir;
use crate::store::prompts::Prompts;
use crate::store::registry::Registry;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long the hook may wait for the registry lock before skipping the recording.
pub const LOCK_BUDGET: Duration = Duration::from_millis(5);

/// Longest session id or transcript path recorded (longer ones are not recorded).
const MAX_FIELD: usize = 4096;

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
        HookOutput {
            hook_specific_output: HookSpecificOutput {
                hook_event_name: "SessionStart".into(),
                additional_context: r.context.clone(),
            },
        }
    }
}

/// Parse the hook's stdin: a JSON object for the SessionStart event, or None (garbage, empty,
/// another event).
pub fn parse_input(input: &[u8]) -> Option<HookInput> {
    let v: serde_json::Value = serde_json::from_slice(input).ok()?;
    if !v.is_object() {
        return None;
    }
    let input: HookInput = serde_json::from_value(v).ok()?;
    match input.hook_event_name.as_deref() {
        None | Some("SessionStart") => Some(input),
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
    let Some(input) = parse_input(input) else {
        return Ok(None);
    };
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
         message a peer (it arrives in their prompt as `[from:{role}] TEXT`), `sb peers` to list \
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
    fn input_must_be_a_session_start_object() {
        assert!(parse_input(b"").is_none());
        assert!(parse_input(b"not json").is_none());
        assert!(parse_input(b"[\"a\",\"b\"]").is_none());
        assert!(parse_input(br#"{"session_id":3}"#).is_none());
        assert!(parse_input(br#"{"hook_event_name":"Stop"}"#).is_none());
        let i = parse_input(br#"{"session_id":"s","source":"clear","model":"x"}"#).unwrap();
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
