//! Confirmed delivery (`send --confirm`): "submitted" that means the peer took the message as a
//! user turn, seen in its transcript (recorded per role by the agent's hook; read by
//! `crate::transcript` for Claude Code, Codex and Gemini CLI) or,
//! without one, on its screen. One Enter is retried when the text still sits in the input box.
//!
//! By screen, a message counts as taken only when it was seen to arrive: its text shows on screen
//! more often than before the paste and is no longer in the input box; a peer that was busy
//! before the paste must also have finished (a busy screen may only have queued it). An idle
//! screen that was already there proves nothing.

use crate::detect::{Agent, Detection, State};
use crate::error::Result;
use crate::pane::Pane;
use crate::poll::{Step, Waited, poll_until};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Confirmation {
    /// The message was seen taken as a user turn.
    pub confirmed: bool,
    /// `transcript` (the peer agent's own transcript) or `screen`.
    pub method: String,
    pub waited_ms: u64,
    /// Enter was pressed once more because the text was still in the input box.
    pub retried_enter: bool,
    /// The peer's state when the check ended.
    pub state: Option<State>,
}

/// What the screen showed before the paste: the peer's state and how often the message's text
/// was already visible.
#[derive(Debug, Clone, Copy, Default)]
pub struct Before {
    pub state: Option<State>,
    pub visible: usize,
}

/// Wait up to `timeout` for the typed text to show up as a user turn.
pub fn confirm(
    pane: &Pane,
    agent: Agent,
    typed: &str,
    transcript: Option<(String, u64)>,
    before: Before,
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
    let waited = poll_until(timeout, CHECK_EVERY, || {
        let seen = pane.observe().ok();
        let det = seen.as_ref().map(|o| &o.detection);
        state = det.map(|d| d.state).or(state);
        let in_box = det.is_some_and(|d| in_draft(d, &probe));
        let confirmed = match &transcript {
            Some((path, from)) => transcript_has(agent, path, *from, &probe),
            None => seen.as_ref().is_some_and(|o| {
                taken_on_screen(
                    before,
                    &o.detection,
                    count_visible(&o.screen, &probe),
                    in_box,
                )
            }),
        };
        if confirmed {
            return Ok::<_, crate::error::SbError>(Step::Done(()));
        }
        if in_box && !retried && start.elapsed() >= RETRY_AFTER {
            retried = retry_enter(pane, &probe)?;
        }
        Ok(Step::Again)
    })?;
    let confirmed = matches!(waited, Waited::Done(()));
    Ok(report(confirmed, method, start, retried, state))
}

/// How often the transcript or screen is looked at.
const CHECK_EVERY: Duration = Duration::from_millis(200);
/// How long the text may sit in the box before Enter is pressed once more.
const RETRY_AFTER: Duration = Duration::from_millis(700);

/// Press Enter once more, under the pane lock, only if the message still sits in the input box
/// and nothing else (a menu) is open: a fresh look decides, not the one from before the lock.
pub(crate) fn retry_enter(pane: &Pane, probe: &str) -> Result<bool> {
    let _lock = pane.lock()?;
    let Ok(obs) = pane.observe() else {
        return Ok(false);
    };
    let d = &obs.detection;
    let safe = matches!(d.state, State::Idle | State::Busy) && in_draft(d, probe);
    if safe {
        pane.keys(&["Enter".to_string()])?;
    }
    Ok(safe)
}

/// The screen decision, pure: seen arriving, out of the box, and (for a peer that was busy
/// before) the turn it was queued behind is over.
pub fn taken_on_screen(before: Before, now: &Detection, visible: usize, in_box: bool) -> bool {
    let arrived = visible > before.visible;
    let readable = now.state != State::Unknown;
    let not_queued = before.state != Some(State::Busy) || now.state != State::Busy;
    arrived && !in_box && readable && not_queued
}

pub fn in_draft(d: &Detection, probe: &str) -> bool {
    d.draft
        .as_deref()
        .is_some_and(|t| despace(t).contains(probe))
}

/// How often `probe` shows on a captured screen (SGR codes and line breaks ignored).
pub fn count_visible(screen: &str, probe: &str) -> usize {
    if probe.is_empty() {
        return 0;
    }
    let flat = despace(&crate::output::strip_sgr(screen));
    flat.matches(probe).count()
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
        waited_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        retried_enter,
        state,
    }
}

/// The first 40 non-blank characters of the message's first line: enough to recognise it in a
/// transcript, an input box or a wrapped screen, short enough to survive paste collapsing.
pub fn probe(typed: &str) -> String {
    let first = typed.lines().next().unwrap_or("");
    despace(first).chars().take(40).collect()
}

fn despace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a user message the agent wrote to its transcript after byte `from` contains `probe`,
/// and the offset to resume from when it does not (only whole lines are read).
pub fn transcript_since(agent: Agent, path: &str, from: u64, probe: &str) -> (bool, u64) {
    crate::transcript::user_messages_since(agent, std::path::Path::new(path), from)
        .map_or((false, from), |(messages, next)| {
            (messages.iter().any(|m| despace(m).contains(probe)), next)
        })
}

/// Whether a user message the agent wrote to its transcript after byte `from` contains `probe`.
pub fn transcript_has(agent: Agent, path: &str, from: u64, probe: &str) -> bool {
    crate::transcript::user_messages_since(agent, std::path::Path::new(path), from)
        .is_ok_and(|(messages, _)| messages.iter().any(|m| despace(m).contains(probe)))
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
            !transcript_has(Agent::Claude, p, old.len() as u64, &probe),
            "old lines do not count"
        );
        let new = "{\"type\":\"assistant\",\"message\":{\"content\":\"[from:gestor] take issue #14\"}}\n{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"[from:gestor]  take issue #14\\nsecond line\"}]}}\n";
        std::fs::write(&path, format!("{old}{new}")).unwrap();
        assert!(transcript_has(Agent::Claude, p, old.len() as u64, &probe));
        assert!(!transcript_has(Agent::Claude, "/nonexistent", 0, &probe));
    }

    fn det(state: State, draft: Option<&str>) -> Detection {
        let mut d = crate::detect::classify("", None);
        d.state = state;
        d.draft = draft.map(str::to_string);
        d
    }

    #[test]
    fn a_screen_that_was_already_idle_confirms_nothing() {
        let p = probe("[from:gestor] review the patch");
        let idle = det(State::Idle, None);
        let before = Before {
            state: Some(State::Idle),
            visible: 0,
        };
        // Never seen on screen: not taken, however idle the screen looks.
        assert!(!taken_on_screen(before, &idle, 0, false));
        // Seen, but still in the box: not taken.
        assert!(!taken_on_screen(before, &idle, 1, true));
        // Seen as a turn, out of the box: taken (idle or working on it).
        assert!(taken_on_screen(before, &idle, 1, false));
        assert!(taken_on_screen(before, &det(State::Busy, None), 1, false));
        // The same text already on screen before the paste does not count again.
        let seen_before = Before {
            state: Some(State::Idle),
            visible: 1,
        };
        assert!(!taken_on_screen(seen_before, &idle, 1, false));
        assert!(count_visible("\x1b[1m[from:gestor] review\x1b[0m the\npatch", &p) == 1);
    }

    #[test]
    fn a_peer_busy_before_must_finish_before_the_screen_confirms() {
        let before = Before {
            state: Some(State::Busy),
            visible: 0,
        };
        assert!(!taken_on_screen(before, &det(State::Busy, None), 1, false));
        assert!(taken_on_screen(before, &det(State::Idle, None), 1, false));
        assert!(!taken_on_screen(
            before,
            &det(State::Unknown, None),
            1,
            false
        ));
    }
}
