//! Codex CLI's rules: its `Rules` data and the order in which the engine's findings decide.
//!
//! Codex draws a composer (`› ` at column 0, no rules around it) with a footer under it, and
//! echoes each user message as `› text` in the history above. Menus (approvals, questions,
//! pickers) replace the composer and mark the cursor with `› 1.`.
//!
//! Order: an open menu at the bottom (nothing but key hints under it) wins; then a text entry
//! box (`╭API key──╮`); then the composer: busy by a status line (`• Working (5s • esc to
//! interrupt)`, `◦ Reconnecting... 4/5 (14s • …)`), a busy footer (`tab to queue message`) or an
//! **open turn**; waiting_text when the finished turn's last message asks a question; else idle
//! with the draft. Without a composer or menu (an exited Codex, a shell prompt under the last
//! frame) the screen is unknown.
//!
//! The open turn is how a streaming reply is seen: Codex draws no busy line while the reply
//! streams, but every finished turn ends with a `Worked for 3s • 04:29` line (or a `■` notice
//! when interrupted or failed). So a user message echoed above the composer with no such line
//! after it means the turn is still running. A slash-command popup above the composer may cover
//! the end of the history; the open-turn rule is skipped then.
//! Measured on Codex CLI 0.171.0 (see tests/fixtures/screens/codex).

use super::layout::{
    self, ends_with_shell_prompt, find_text_box, is_hint_line, starts_with_number,
};
use super::menu::find_menu;
use super::question::{caption_above, dialog_detail, first_question_or_heading, trailing_question};
use super::rules::{AgentRules, Rules, contains_ci};
use super::screen::{Row, Screen};
use super::types::{Agent, Detection, State};

pub const RULES: Rules = Rules {
    agent: Agent::Codex,
    prompt: '›',
    prompt_col: 0,
    prompt_gap: ' ',
    cursor: '›',
    spinner_glyphs: &['•', '◦'],
    spinner_ranges: &[],
    not_spinner: &[],
    busy_footer: &["esc to interrupt", "tab to queue message"],
    busy_markers: &["messages to be submitted after next tool call"],
    busy_title_glyphs: &[],
    title_names: &[],
    placeholders: &[
        "Ask Codex to do anything",
        "Explain this codebase",
        "Summarize recent commits",
        "Find and fix a bug in @filename",
        "Write tests for @filename",
        "Improve documentation in @filename",
    ],
    assistant_bullet: '•',
    result_glyph: '└',
    interrupted: "■",
    press_key: &["Press enter to ", "Press any key to "],
    status_marks: &['✔', '✓', '✗'],
    check_marks: &['x', 'X', '✔', '✓'],
    list_stops: &['•', '■', '└', '│', '╭', '╰', '✗', '✔'],
    tab_marks: &[],
    key_hints: &["esc", "tab", "enter"],
    bare_rows_are_options: false,
    signatures: &[">_ openai codex", "codex resume"],
};

/// Codex CLI in the agent table.
pub const AGENT: AgentRules = AgentRules {
    rules: &RULES,
    marks,
    classify,
};

/// `› ` at column 0 (composer, echoed message, menu cursor) is drawn by Codex only.
fn marks(s: &Screen, i: usize) -> bool {
    let c = &s.rows[i].chars;
    c.first() == Some(&RULES.prompt) && matches!(c.get(1), Some(' ') | None)
}

/// Most rows a draft may span in the composer.
const MAX_DRAFT_ROWS: usize = 60;
/// Most non-blank rows under the composer (its footer: model · cwd · title, key hints, a warning;
/// a narrow pane wraps them).
const MAX_FOOTER_ROWS: usize = 10;

/// Classifies a parsed screen with Codex CLI's rules.
pub fn classify(s: &Screen, title: Option<&str>, agent: Agent) -> Detection {
    let _ = title; // Codex shows nothing in the pane title that the rules use.
    if s.is_empty() {
        return Detection::new(State::Unknown, agent, "blank_screen", None);
    }
    match find_composer(s) {
        Some(p) => with_composer(s, p, agent),
        None => without_composer(s, agent),
    }
}

/// Whether the composer's footer names the model and the working directory
/// (`GPT-5.5 default · /repo`, the cwd absolute or under `~`). Codex draws that row once its
/// session has started: on a cold start the composer shows about 6 s earlier, and a startup
/// dialog can still open until the row appears. Read only while Codex is starting
/// (`crate::agents::Startup`): later, some footers leave the row out.
pub fn session_ready(screen: &str) -> bool {
    let s = Screen::parse(screen, &|_| false);
    let Some(p) = find_composer(&s) else {
        return false;
    };
    s.rows[draft_end(&s, p)..].iter().any(|r| {
        r.trimmed()
            .split(" · ")
            .skip(1)
            .any(|part| part.starts_with('/') || part.starts_with('~'))
    })
}

/// A row that starts with `› ` but is not a menu's numbered cursor row.
fn is_prompt(row: &Row) -> bool {
    RULES.is_prompt_row(row) && !starts_with_number(&row.text_from(2))
}

/// The composer: the bottom-most `› ` row with only its draft rows and a short footer (rows
/// indented by two, no cursor, no numbered row) under it. A shell prompt or anything else at
/// column 0 below it means Codex is gone.
fn find_composer(s: &Screen) -> Option<usize> {
    let n = s.len();
    let p = (0..n).rev().find(|&i| RULES.is_prompt_row(&s.rows[i]))?;
    if !is_prompt(&s.rows[p]) {
        return None;
    }
    let end = draft_end(s, p);
    let rest: Vec<&Row> = (end..n)
        .map(|i| &s.rows[i])
        .filter(|r| !r.is_blank())
        .collect();
    // A killed Codex leaves its frame with the shell's prompt glued on where the cursor was (the
    // composer or a row under it). A draft that ends like a prompt (`costs 5$`) reads as unknown
    // too, which refuses delivery just as a draft does.
    let glued = (p..n).any(|i| ends_with_shell_prompt(&s.rows[i].text));
    let ok = !glued
        && end - p <= MAX_DRAFT_ROWS
        && rest.len() <= MAX_FOOTER_ROWS
        && rest.iter().all(|r| {
            let t = r.trimmed();
            r.indent() >= 2 && !t.starts_with(RULES.cursor) && !starts_with_number(t)
        });
    ok.then_some(p)
}

/// The row after the composer's draft: draft rows continue, indented by two, up to a blank row.
fn draft_end(s: &Screen, p: usize) -> usize {
    let mut i = p + 1;
    while i < s.len() && !s.rows[i].is_blank() && s.rows[i].indent() >= 2 {
        i += 1;
    }
    i
}

fn read_draft(s: &Screen, p: usize) -> Option<String> {
    let end = draft_end(s, p);
    let first = &s.rows[p];
    let mut lines: Vec<String> = (p..end)
        .map(|i| s.rows[i].text_from(2).trim_end().to_string())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let draft = lines.join("\n");
    if draft.trim().is_empty() {
        return None;
    }
    let placeholder = if s.styled && !first.attrs.is_empty() {
        // The placeholder is dim; typed text is not.
        first
            .chars
            .iter()
            .zip(&first.attrs)
            .skip(2)
            .filter(|(c, _)| !c.is_whitespace())
            .all(|(_, a)| a.dim)
    } else {
        RULES.placeholders.contains(&draft.as_str())
    };
    (!placeholder).then_some(draft)
}

/// A finished turn's last line: `Worked for 3s • 04:29` (indented, ends with a clock time), or
/// a `■` notice at column 0 (interrupted, failed).
fn is_turn_end(row: &Row) -> bool {
    let t = row.trimmed();
    if row.indent() == 0 {
        return t.starts_with('■');
    }
    row.indent() <= 4 && t.chars().next().is_some_and(char::is_alphabetic) && ends_with_clock(t)
}

/// ` • 04:29` (optionally ` AM`/` PM`) at the end of `t`.
fn ends_with_clock(t: &str) -> bool {
    let t = t
        .strip_suffix(" AM")
        .or_else(|| t.strip_suffix(" PM"))
        .unwrap_or(t);
    let Some((_, clock)) = t.rsplit_once(" • ") else {
        return false;
    };
    let Some((h, m)) = clock.split_once(':') else {
        return false;
    };
    (1..=2).contains(&h.len())
        && m.len() == 2
        && h.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
}

/// A running status line at column 0: `• Working (5s • esc to interrupt)`,
/// `◦ Reconnecting... 4/5 (14s • esc to interrupt)`: a spinner glyph and a running duration.
fn is_status_line(row: &Row) -> bool {
    let t = row.trimmed();
    let mut cs = t.chars();
    if row.indent() != 0
        || !cs.next().is_some_and(|c| RULES.is_spinner_glyph(c))
        || cs.next() != Some(' ')
    {
        return false;
    }
    RULES.busy_footer.iter().any(|f| contains_ci(t, f)) || has_running_duration(t)
}

/// `(12s •` or `(1m 05s •`: a parenthesised elapsed time followed by more stats.
fn has_running_duration(t: &str) -> bool {
    t.match_indices('(').any(|(i, _)| {
        let rest = &t[i + 1..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(['s', 'm', 'h']) && rest[digits..].contains(" • ")
    })
}

/// A popup list right above the composer (`› /model   choose what model…` and its siblings):
/// returns its top row. It covers the end of the history.
fn popup_above(s: &Screen, p: usize) -> Option<usize> {
    let mut i = p;
    if i > 0 && s.rows[i - 1].is_blank() {
        i -= 1;
    }
    let two_columns = |r: &Row| {
        let t = r.text_from(2);
        let t = t.trim();
        t.find("  ").is_some_and(|k| !t[k..].trim().is_empty())
    };
    let mut top = None;
    let mut cursor = false;
    while i > 0 {
        let r = &s.rows[i - 1];
        let is_cursor = is_prompt(r);
        if r.is_blank() || !(is_cursor || r.indent() == 2) || !two_columns(r) {
            break;
        }
        cursor |= is_cursor;
        top = Some(i - 1);
        i -= 1;
    }
    top.filter(|_| cursor)
}

fn with_composer(s: &Screen, p: usize, agent: Agent) -> Detection {
    let r = &RULES;
    let draft = read_draft(s, p);
    let footer: Vec<&str> = (draft_end(s, p)..s.len())
        .map(|i| s.rows[i].trimmed())
        .filter(|t| !t.is_empty())
        .collect();
    let footer = footer.join(" ");
    let popup = popup_above(s, p);
    let above_end = popup.unwrap_or(p);
    // The last user message echoed in the history (a message queued during the turn too).
    let echo = (0..above_end).rev().find(|&i| is_prompt(&s.rows[i]));
    let turn = echo.map_or(0, |e| e + 1)..above_end;
    let status = turn.clone().find(|&i| {
        let t = s.rows[i].trimmed();
        is_status_line(&s.rows[i]) || r.busy_markers.iter().any(|m| contains_ci(t, m))
    });
    let ended = turn.clone().any(|i| is_turn_end(&s.rows[i]));
    let busy = if r.busy_footer.iter().any(|f| contains_ci(&footer, f)) {
        Some(Detection::new(
            State::Busy,
            agent,
            "codex.footer_busy",
            Some(&footer),
        ))
    } else if let Some(i) = status {
        Some(Detection::new(
            State::Busy,
            agent,
            "codex.status_line",
            Some(s.rows[i].trimmed()),
        ))
    } else if let Some(e) = echo.filter(|_| popup.is_none() && !ended)
        && !s.rows[e].text_from(2).starts_with('/')
    {
        Some(Detection::new(
            State::Busy,
            agent,
            "codex.turn_open",
            Some(s.rows[e].trimmed()),
        ))
    } else {
        None
    };
    if let Some(mut d) = busy {
        d.draft = draft;
        return d;
    }
    if draft.is_none()
        && popup.is_none()
        && let Some(d) = waiting_text(s, turn.start, above_end, agent)
    {
        return d;
    }
    let mut d = Detection::new(
        State::Idle,
        agent,
        "codex.composer",
        Some(s.rows[p].trimmed()),
    );
    d.draft = draft;
    d
}

/// The finished turn's last message ends with a question (tips under it, `└ Tip: …`, and the
/// `Worked for` line are not part of it).
fn waiting_text(s: &Screen, start: usize, end: usize, agent: Agent) -> Option<Detection> {
    let r = &RULES;
    let last = (start..end).rev().find(|&i| !s.rows[i].is_blank())?;
    if !is_turn_end(&s.rows[last]) || s.rows[last].indent() == 0 {
        return None;
    }
    // Rows of the message, without `└` annotations and their continuation rows.
    let mut keep: Vec<usize> = Vec::new();
    let mut in_note = false;
    for i in start..last {
        let row = &s.rows[i];
        if row.trimmed().starts_with(r.result_glyph) {
            in_note = true;
            continue;
        }
        if in_note && !row.is_blank() && row.indent() >= 2 {
            continue; // the annotation wrapped
        }
        in_note = false;
        keep.push(i);
    }
    let tail = keep.iter().rposition(|&i| !s.rows[i].is_blank())?;
    let mut para = vec![keep[tail]];
    for k in (0..tail).rev() {
        let i = keep[k];
        if s.rows[i].is_blank() || i + 1 != para[0] {
            break;
        }
        para.insert(0, i);
    }
    let head = (start..=para[0])
        .rev()
        .find(|&i| !s.rows[i].is_blank() && s.rows[i].indent() == 0)?;
    if !s.rows[head].trimmed().starts_with(r.assistant_bullet) {
        return None;
    }
    let q = trailing_question(s, &para, &[r.assistant_bullet])?;
    let mut d = Detection::new(
        State::WaitingText,
        agent,
        "codex.assistant_question",
        Some(s.rows[*para.last()?].trimmed()),
    );
    d.question = Some(q);
    Some(d)
}

fn without_composer(s: &Screen, agent: Agent) -> Detection {
    if let Some(d) = dialog(s, agent) {
        return d;
    }
    let Some(last) = layout::last_nonblank(s) else {
        return Detection::new(State::Unknown, agent, "blank_screen", None);
    };
    if let Some((top, bottom)) = find_text_box(s, last.saturating_sub(4)) {
        let after_ok =
            layout::nonblank_between(s, bottom, s.len()).all(|i| is_hint_line(&s.rows[i].text));
        let caption = caption_above(s, top.saturating_sub(8), top);
        if let (true, Some(q)) = (after_ok, caption) {
            let mut d = Detection::new(State::WaitingText, agent, "codex.text_box", Some(&q));
            d.question = Some(q);
            return d;
        }
    }
    Detection::new(
        State::Unknown,
        agent,
        "no_known_structure",
        Some(s.rows[last].trimmed()),
    )
}

/// An open menu: a `› 1.` list with nothing but key hints under it.
fn dialog(s: &Screen, agent: Agent) -> Option<Detection> {
    let m = find_menu(s, 0, s.len(), &RULES)?;
    let below: Vec<usize> = layout::nonblank_between(s, m.last_row, s.len()).collect();
    if below.len() > 3 || below.iter().any(|&i| s.rows[i].indent() == 0) {
        return None;
    }
    // The dialog starts below the history: its text is indented, the history's bullets, echoed
    // messages and notices are at column 0, and a finished turn ends with its `Worked` line.
    let top = (0..m.first_row)
        .rev()
        .find(|&i| {
            let row = &s.rows[i];
            !row.is_blank() && (row.indent() == 0 || is_turn_end(row))
        })
        .map_or(0, |i| i + 1);
    let mut d = Detection::new(
        State::WaitingSelect,
        agent,
        "codex.menu_cursor",
        Some(s.rows[m.cursor_row].trimmed()),
    );
    d.question = first_question_or_heading(s, top, m.first_row);
    let mut body = dialog_detail(s, top, m.first_row, None, d.question.as_deref());
    if body.is_empty() {
        // A dialog without a body (`Implement this plan?`) is about the turn above it.
        let echo = (0..top).rev().find(|&i| is_prompt(&s.rows[i]));
        body = (echo.map_or(0, |e| e + 1)..top)
            .filter(|&i| !is_turn_end(&s.rows[i]))
            .map(|i| {
                let t = s.rows[i].trimmed();
                t.strip_prefix(RULES.assistant_bullet)
                    .unwrap_or(t)
                    .to_string()
            })
            .collect();
    }
    d.set_detail(&body);
    d.options = m.options;
    d.footer = below
        .last()
        .filter(|&&i| is_hint_line(&s.rows[i].text) || s.rows[i].text.contains(" | "))
        .map(|&i| s.rows[i].trimmed().to_string());
    Some(d)
}
