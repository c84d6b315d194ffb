//! The data an agent's rules file supplies to the shared engine (`Rules`), and agent recognition.
//!
//! A new TUI release should mean editing one agent's `Rules` value (glyphs, prompt char,
//! placeholders, busy hints) and adding its screens as fixtures; the engine stays as it is.

use super::screen::Screen;
use super::types::Agent;

/// What the engine needs to know about one agent's TUI.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub agent: Agent,
    /// The prompt char at column 0 of the input box, and the cursor char of menus.
    pub prompt: char,
    /// The char right after `prompt` in the input box (menus use an ordinary space).
    pub prompt_gap: char,
    /// Glyphs that start a spinner line (an ellipsis decides whether it is still running).
    pub spinner_glyphs: &'static [char],
    /// Unicode ranges whose glyphs also count as spinner glyphs (new frames in new releases).
    pub spinner_ranges: &'static [(char, char)],
    /// Chars that never start a spinner line even inside `spinner_ranges`.
    pub not_spinner: &'static [char],
    /// Lower-case phrases in the status line under the input box that mean "working".
    pub busy_footer: &'static [&'static str],
    /// Lower-case phrases that mark a running hook or setup step (`(running SessionStart hook`).
    pub busy_markers: &'static [&'static str],
    /// Pane-title glyphs shown while working, and the title's agent name.
    pub busy_title_glyphs: &'static [char],
    pub title_name: &'static str,
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
            t.contains(self.title_name)
                && t.trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| self.busy_title_glyphs.contains(&c))
        })
    }
}

/// Rows from the bottom searched for an agent's signatures.
const SIGNATURE_ROWS: usize = 60;

/// Which agent drew the screen: the pane title first, then on-screen signatures and structure.
pub fn recognise(screen: &Screen, title: Option<&str>, all: &[&Rules]) -> Option<Agent> {
    if let Some(t) = title
        && let Some(r) = all.iter().find(|r| t.contains(r.title_name))
    {
        return Some(r.agent);
    }
    for r in all {
        let hit = screen.rows.iter().rev().take(SIGNATURE_ROWS).any(|row| {
            (row.chars.first() == Some(&r.prompt) && row.chars.get(1) == Some(&r.prompt_gap))
                || r.signatures.iter().any(|sig| contains_ci(&row.text, sig))
        });
        if hit {
            return Some(r.agent);
        }
    }
    None
}

/// Whether `hay` contains `needle` (lower-case ASCII), ignoring ASCII case, without allocating.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}
