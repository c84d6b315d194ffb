//! Screen classifier: decides from captured pane text what an agent TUI is doing.
//!
//! `classify(screen, pane_title)` takes `tmux capture-pane -p` text, with or without `-e` SGR
//! codes, and returns a [`Detection`]: the state (busy, waiting for a choice or for text, idle,
//! unknown), the agent, the open menu's question, options, body (`detail`), tab row and key
//! hints, the unsent draft, and the rule that decided. It is pure: no I/O, no clock, never
//! panics on any input.
//!
//! Layout: `screen` parses text into rows of cells (vt100 for styled input, plain lines
//! otherwise, only the tail that can be visible); `layout`, `menu` and `question` are the shared
//! engine (rules, input box, option lists, headings, dialog bodies); `rules` is the data an agent
//! supplies and agent recognition; `claude`, `codex` and `gemini` hold one agent each: its
//! `Rules` value and the order in which the engine's findings decide. The contract is
//! tests/fixtures/screens/README.md.
//!
//! # Adding an agent's screen rules
//!
//! 1. Capture its screens (plain `capture-pane -p` and styled `-p -e`, 120x40 and 80x24, every
//!    state: idle with and without a draft, busy, each kind of menu, prose question, exited) into
//!    `tests/fixtures/screens/<agent>/` with an `.expected.json` each (schema in the README
//!    there). The fixture and variant tests pick the folder up by themselves.
//! 2. Add `src/detect/<agent>.rs` with:
//!    * `pub const RULES: Rules` — every glyph and phrase of the TUI (prompt char and column,
//!      menu cursor, checkbox marks, spinner glyphs, busy hints, placeholders, list stops, tab
//!      marks, key hints after labels, signatures, pane titles). No glyph lives in the engine.
//!    * `fn marks(&Screen, row) -> bool` — a structure on that row only this agent draws (its
//!      input box, its dialog cursor); recognition takes the bottom-most row that marks an agent.
//!    * `fn classify(&Screen, title, Agent) -> Detection` — the decision order, built from the
//!      engine (`find_menu`, `dialog_question`, `dialog_detail`, `find_text_box`, `is_rule`, …):
//!      an open dialog first, then the input box (busy, waiting_text, idle with its draft), then
//!      anything else is `unknown` (an exited agent is never idle). Fill `detail` for dialogs
//!      and `draft` whenever the input box shows typed text.
//!    * `pub const AGENT: AgentRules` tying the three together.
//! 3. Add `mod <agent>;`, its `AGENT` to [`AGENTS`] and its `Agent` variant (types.rs), and its
//!    process name to [`recognise_command`].
//!
//! Nothing else changes: the engine, the fixture runner and the property tests are shared.

mod claude;
mod codex;
pub use codex::session_ready as codex_session_ready;
mod gemini;
mod layout;
mod menu;
mod question;
mod rules;
mod screen;
mod types;

#[cfg(test)]
mod tests;

pub use types::{Agent, Detection, Evidence, MAX_DETAIL, MenuOption, State};

use rules::{AgentRules, Recognised, recognise};
use screen::Screen;

/// Every agent with screen rules, in the order they are tried on a screen no agent marks.
const AGENTS: &[AgentRules] = &[claude::AGENT, codex::AGENT, gemini::AGENT];

/// Classifies one captured screen. `pane_title` is tmux's `#{pane_title}` when known; it names
/// the agent when the agent sets its title, and adds evidence (Claude Code shows `◐`/`◑` there
/// while working).
pub fn classify(screen: &str, pane_title: Option<&str>) -> Detection {
    // Attributes matter only on rows that start with a prompt/cursor char (placeholders, echoes).
    let s = Screen::parse(screen, &|t: &str| {
        let t = t.trim_start();
        AGENTS.iter().any(|a| t.starts_with(a.rules.prompt))
    });
    let rules_of = |agent: Agent| AGENTS.iter().find(|a| a.rules.agent == agent);
    let titled = match recognise(&s, pane_title, AGENTS) {
        Recognised::Screen(agent) => match rules_of(agent) {
            Some(a) => return (a.classify)(&s, pane_title, agent),
            None => None,
        },
        Recognised::Title(agent) => rules_of(agent),
        Recognised::No => None,
    };
    // Only the title (which may be stale) or nothing names the agent: the titled agent first,
    // then the first agent whose structure is found (a box, a menu, a spinner).
    let order = titled.into_iter().chain(
        AGENTS
            .iter()
            .filter(|a| titled.is_none_or(|t| t.rules.agent != a.rules.agent)),
    );
    let mut first = None;
    for a in order {
        let guess = titled.map_or(Agent::Unknown, |t| t.rules.agent);
        let mut d = (a.classify)(&s, pane_title, guess);
        if d.state != State::Unknown {
            d.agent = a.rules.agent;
            return d;
        }
        first.get_or_insert(d);
    }
    first.unwrap_or_else(|| Detection::new(State::Unknown, Agent::Unknown, "blank_screen", None))
}

/// The agent a pane's foreground program is (`#{pane_current_command}`): `claude`, `codex`,
/// `gemini`, also as a path or with a platform suffix (`codex-x86_64-…`, `gemini.exe`). `node`
/// and anything else give `None` (node runs many programs, so it names no agent).
pub fn recognise_command(cmd: &str) -> Option<Agent> {
    let base = cmd.trim().rsplit(['/', '\\']).next().unwrap_or("");
    let base = base.strip_suffix(".exe").unwrap_or(base);
    [
        ("claude", Agent::Claude),
        ("codex", Agent::Codex),
        ("gemini", Agent::Gemini),
    ]
    .into_iter()
    .find(|(name, _)| {
        base.eq_ignore_ascii_case(name)
            || base
                .get(..name.len() + 1)
                .is_some_and(|p| p.eq_ignore_ascii_case(&format!("{name}-")))
    })
    .map(|(_, agent)| agent)
}
