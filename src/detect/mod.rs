//! Screen classifier: decides from captured pane text what an agent TUI is doing.
//!
//! `classify(screen, pane_title)` takes `tmux capture-pane -p` text, with or without `-e` SGR
//! codes, and returns a [`Detection`]: the state (busy, waiting for a choice or for text, idle,
//! unknown), the agent, the open menu's question, options, tab row and key hints, the unsent
//! draft, and the rule that decided. It is pure: no I/O, no clock, never panics on any input.
//!
//! Layout: `screen` parses text into rows of cells (vt100 for styled input, plain lines
//! otherwise, only the tail that can be visible); `layout`, `menu` and `question` are the shared
//! engine (rules, input box, option lists, headings); `rules` is the data an agent supplies and
//! agent recognition; `claude` holds Claude Code's rules and decision order. Codex or Gemini
//! support means a `codex.rs` / `gemini.rs` next to `claude.rs` with its own `Rules` value and
//! an arm in [`classify`]. The contract is tests/fixtures/screens/README.md.

mod claude;
mod layout;
mod menu;
mod question;
mod rules;
mod screen;
mod types;

#[cfg(test)]
mod tests;

pub use types::{Agent, Detection, Evidence, MenuOption, State};

use rules::{contains_ci, recognise};
use screen::Screen;

/// On-screen words of agents that have no rules file yet, lower-case.
const OTHER_AGENTS: &[(Agent, &[&str])] = &[
    (Agent::Codex, &["openai codex", ">_ codex"]),
    (Agent::Gemini, &["gemini cli", "gemini-cli"]),
];

/// Classifies one captured screen. `pane_title` is tmux's `#{pane_title}` when known; it only
/// adds evidence (Claude Code shows `◐`/`◑` there while working).
pub fn classify(screen: &str, pane_title: Option<&str>) -> Detection {
    // Attributes matter only on rows that start with a prompt/cursor char (placeholders, echoes).
    let s = Screen::parse(screen, &|t: &str| {
        t.trim_start().starts_with(claude::RULES.prompt)
    });
    let known = recognise(&s, pane_title, &[&claude::RULES]);
    let other = || {
        OTHER_AGENTS.iter().find_map(|(agent, words)| {
            let hit = |t: &str| words.iter().any(|w| contains_ci(t, w));
            (pane_title.is_some_and(hit) || s.rows.iter().rev().take(60).any(|r| hit(&r.text)))
                .then_some(*agent)
        })
    };
    match known.or_else(other) {
        Some(agent @ (Agent::Codex | Agent::Gemini)) => {
            Detection::new(State::Unknown, agent, "no_rules_for_agent", None)
        }
        found => {
            let mut d = claude::classify(&s, pane_title, found.unwrap_or(Agent::Unknown));
            // Any Claude Code structure found (a box, a menu, a spinner) names the agent.
            if d.agent == Agent::Unknown && d.state != State::Unknown {
                d.agent = Agent::Claude;
            }
            d
        }
    }
}
