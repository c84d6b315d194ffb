//! The data an agent's rules file supplies to the shared engine (`Rules`), and agent recognition.
//!
//! A new TUI release should mean editing one agent's `Rules` value (glyphs, prompt char,
//! placeholders, busy hints) and adding its screens as fixtures; the engine stays as it is.

use super::screen::{Row, Screen};
use super::types::{Agent, Detection};

/// What the engine needs to know about one agent's TUI.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub agent: Agent,
    /// The prompt char of the input box, the column it is drawn at, and the char right after it
    /// (Claude Code draws a NBSP there; echoed prompts and menus use an ordinary space).
    pub prompt: char,
    pub prompt_col: usize,
    pub prompt_gap: char,
    /// The char that marks the focused row of a menu (`❯`, `›`, `●`).
    pub cursor: char,
    /// Glyphs that start a spinner line (an ellipsis decides whether it is still running).
    pub spinner_glyphs: &'static [char],
    /// Unicode ranges whose glyphs also count as spinner glyphs (new frames in new releases).
    pub spinner_ranges: &'static [(char, char)],
    /// Chars that never start a spinner line even inside `spinner_ranges`.
    pub not_spinner: &'static [char],
    /// Lower-case phrases in the status line under (or above) the input box that mean "working".
    pub busy_footer: &'static [&'static str],
    /// Lower-case phrases that mark a running hook or setup step (`(running SessionStart hook`).
    pub busy_markers: &'static [&'static str],
    /// Pane-title glyphs shown while working.
    pub busy_title_glyphs: &'static [char],
    /// Pane titles this agent sets (matched case-sensitively as a substring).
    pub title_names: &'static [&'static str],
    /// Input-box placeholders; used only for plain captures (styled ones are told apart by SGR).
    pub placeholders: &'static [&'static str],
    /// The bullet of an assistant message and the tree glyph of a tool result.
    pub assistant_bullet: char,
    pub result_glyph: char,
    /// The first word of an interruption notice (`⎿ Interrupted · What should … instead?`).
    pub interrupted: &'static str,
    /// Start of a "press a key" screen with no option list (`Press Enter to continue`).
    pub press_key: &'static [&'static str],
    /// Status marks in a list row that are not part of the label (`✔ projecho`, `✘ broken`).
    pub status_marks: &'static [char],
    /// Marks inside `[ ]` that mean a checked box (`[✔]`, `[x]`).
    pub check_marks: &'static [char],
    /// First glyphs of rows that end an option list (tool results, box borders, bullets).
    pub list_stops: &'static [char],
    /// First glyphs of the entries of a question dialog's tab row (`☐ Database  ✔ Submit`).
    pub tab_marks: &'static [char],
    /// Key names shown in parentheses after a label (`Yes, proceed (y)`, `No (esc)`) that are
    /// not part of it; a single letter or digit always counts. Empty: labels keep them.
    pub key_hints: &'static [&'static str],
    /// Whether an un-numbered row next to numbered ones is an option (Gemini's `Done`).
    pub bare_rows_are_options: bool,
    /// Things on screen that say the agent is this one (headers, banners), lower-case.
    pub signatures: &'static [&'static str],
}

impl Rules {
    pub fn is_spinner_glyph(&self, c: char) -> bool {
        !self.not_spinner.contains(&c)
            && (self.spinner_glyphs.contains(&c)
                || self
                    .spinner_ranges
                    .iter()
                    .any(|(a, b)| (*a..=*b).contains(&c)))
    }

    /// True when the pane title shows the working glyph of this agent.
    pub fn title_busy(&self, title: Option<&str>) -> bool {
        title.is_some_and(|t| {
            self.title_names.iter().any(|n| t.contains(n))
                && t.trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| self.busy_title_glyphs.contains(&c))
        })
    }

    /// Whether `row` starts with this agent's prompt (`❯\u{a0}`, `› `, ` > `).
    pub fn is_prompt_row(&self, row: &Row) -> bool {
        let c = &row.chars;
        c.len() > self.prompt_col
            && c[..self.prompt_col].iter().all(|ch| *ch == ' ')
            && c[self.prompt_col] == self.prompt
            && c.get(self.prompt_col + 1)
                .is_none_or(|g| *g == ' ' || *g == self.prompt_gap)
    }

    /// Whether any of this agent's signatures is in `text`.
    pub fn has_signature(&self, text: &str) -> bool {
        self.signatures.iter().any(|sig| contains_ci(text, sig))
    }
}

/// One agent's screen rules: its data, how a row proves the agent drew the screen, and its
/// decision order. `classify` in mod.rs holds one of these per agent.
pub struct AgentRules {
    pub rules: &'static Rules,
    /// Whether row `i` has a structure only this agent draws (its input box, a dialog cursor).
    pub marks: fn(&Screen, usize) -> bool,
    pub classify: fn(&Screen, Option<&str>, Agent) -> Detection,
}

/// Rows from the bottom searched for an agent's signatures and structure.
pub const SIGNATURE_ROWS: usize = 60;

/// Which agent drew the screen: the bottom-most row that carries one agent's structure or
/// signature (so a Codex answer that mentions Claude Code stays Codex), else the pane title (a
/// title outlives the program that set it, so it never overrides what the screen shows).
pub fn recognise(screen: &Screen, title: Option<&str>, all: &[AgentRules]) -> Recognised {
    let n = screen.len();
    let on_screen = (n.saturating_sub(SIGNATURE_ROWS)..n).rev().find_map(|i| {
        all.iter()
            .find(|a| (a.marks)(screen, i) || a.rules.has_signature(&screen.rows[i].text))
            .map(|a| a.rules.agent)
    });
    if let Some(agent) = on_screen {
        return Recognised::Screen(agent);
    }
    let by_title = title.and_then(|t| {
        all.iter()
            .find(|a| a.rules.title_names.iter().any(|n| t.contains(n)))
            .map(|a| a.rules.agent)
    });
    by_title.map_or(Recognised::No, Recognised::Title)
}

/// What recognition found: the screen names the agent (certain), only the pane title does
/// (a hint: the title may be stale), or nothing does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised {
    Screen(Agent),
    Title(Agent),
    No,
}

/// Whether `hay` contains `needle` (lower-case ASCII), ignoring ASCII case, without allocating.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}
