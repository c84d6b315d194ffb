//! The classifier's result types: `State`, `Agent`, `MenuOption`, `Evidence`, `Detection`.
//!
//! These are part of the JSON contract (docs/ARCHITECTURE.md, The classifier): field names and the snake_case spelling of
//! the enums must not change. `Detection::fingerprint` lets a later command check that the same
//! menu is still open before it presses keys.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What the agent in the pane is doing, as far as the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Working: spinner, "esc to interrupt", a tool or hook running.
    Busy,
    /// A menu, permission prompt, question dialog or "Press Enter" screen waits for a choice.
    WaitingSelect,
    /// The agent waits for free text (a question in prose, an interruption, a text box).
    WaitingText,
    /// Prompt shown, turn finished; an unsent draft may be in the box.
    Idle,
    /// Exited, blank, or not recognised.
    Unknown,
}

impl State {
    /// The snake_case name used in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Busy => "busy",
            State::WaitingSelect => "waiting_select",
            State::WaitingText => "waiting_text",
            State::Idle => "idle",
            State::Unknown => "unknown",
        }
    }

    /// True when the agent waits for the user (a choice or free text).
    pub fn is_waiting(&self) -> bool {
        matches!(self, State::WaitingSelect | State::WaitingText)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which TUI drew the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Agent {
    Claude,
    Codex,
    Gemini,
    Unknown,
}

impl Agent {
    /// The snake_case name used in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One selectable row of an open menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MenuOption {
    /// The number printed before `.`, or null in un-numbered menus.
    pub number: Option<u32>,
    /// The row's text without cursor, number, box, current-setting mark or right-hand column.
    pub label: String,
    /// The description shown under the row or in its right-hand column, if any.
    pub description: Option<String>,
    /// True for the row under the `❯` cursor.
    pub selected: bool,
    /// For multi-select rows with a box: `[✔]` is true, `[ ]` false; null otherwise.
    pub checked: Option<bool>,
}

/// Which rule decided the state, and on which screen line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    pub rule: String,
    pub line: Option<String>,
}

/// The classifier's full answer for one screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Detection {
    pub state: State,
    pub agent: Agent,
    pub question: Option<String>,
    pub options: Vec<MenuOption>,
    pub tabs: Vec<String>,
    pub draft: Option<String>,
    /// What an open dialog is about (the command, file, diff or plan shown between its heading
    /// and its options), lines joined with `\n`, at most [`MAX_DETAIL`] chars; null otherwise.
    pub detail: Option<String>,
    pub footer: Option<String>,
    pub evidence: Evidence,
}

/// The longest `detail` kept, in chars.
pub const MAX_DETAIL: usize = 2000;

impl Detection {
    /// A detection with the given state and rule and nothing else.
    pub fn new(state: State, agent: Agent, rule: &str, line: Option<&str>) -> Self {
        Detection {
            state,
            agent,
            question: None,
            options: Vec::new(),
            tabs: Vec::new(),
            draft: None,
            detail: None,
            footer: None,
            evidence: Evidence {
                rule: rule.to_string(),
                line: line.map(str::to_string),
            },
        }
    }

    /// A short stable hash (FNV-1a 64, 16 hex digits) of the whole dialog: the question, the
    /// option labels and the `detail` (what is approved). Two captures of the same open menu give
    /// the same value even if the cursor moved; the same menu for another command does not.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv1a::new();
        h.write(self.question.as_deref().unwrap_or("").as_bytes());
        for o in &self.options {
            h.write(&[0x1e]);
            h.write(o.label.as_bytes());
        }
        if let Some(d) = &self.detail {
            h.write(&[0x1d]);
            h.write(d.as_bytes());
        }
        format!("{:016x}", h.0)
    }

    /// Sets `detail` from dialog body lines: trimmed, blank lines dropped, capped at
    /// [`MAX_DETAIL`] chars; none when nothing is left.
    pub fn set_detail<S: AsRef<str>>(&mut self, lines: &[S]) {
        let mut out = String::new();
        for l in lines {
            let l = l.as_ref().trim();
            if l.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(l);
        }
        if let Some((i, _)) = out.char_indices().nth(MAX_DETAIL) {
            out.truncate(i);
        }
        self.detail = (!out.is_empty()).then_some(out);
    }
}

/// 64-bit FNV-1a, written out here so the fingerprint never changes with a dependency.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
