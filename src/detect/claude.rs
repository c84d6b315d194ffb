//! Claude Code's rules: its `Rules` data and the order in which the engine's findings decide.
//!
//! Order: an open dialog (option list or fullscreen modal) below everything else wins; then the
//! input box (busy by its footer or a spinner above it, waiting_text by the last message,
//! else idle with the draft); without a box: "Press Enter" screens, text entry boxes, spinners;
//! anything else is unknown. Measured on Claude Code 2.1.332 (see tests/fixtures/screens).

use super::layout::{self, InputBox, find_input_box, find_tabs, is_rule, is_top_bar};
use super::menu::find_menu;
use super::question::dialog_detail;
use super::question::{dialog_question, first_paragraph, trailing_question};
use super::rules::{AgentRules, Rules, contains_ci};
use super::screen::{Row, Screen};
use super::types::{Agent, Detection, State};

pub const RULES: Rules = Rules {
    agent: Agent::Claude,
    prompt: '❯',
    prompt_col: 0,
    prompt_gap: '\u{a0}',
    cursor: '❯',
    spinner_glyphs: &['·', '*', '∗', '•'],
    spinner_ranges: &[('\u{2720}', '\u{274b}')],
    not_spinner: &['❯', '✔', '✘', '✓', '✗', '❗', '❓'],
    busy_footer: &["esc to interrupt"],
    busy_markers: &["(running "],
    busy_title_glyphs: &['◐', '◑', '◒', '◓'],
    title_names: &["Claude Code"],
    placeholders: &[
        "Resend your message to try again",
        "Press up to edit queued messages",
        "Once fixed, resend your message",
    ],
    assistant_bullet: '●',
    result_glyph: '⎿',
    interrupted: "Interrupted",
    press_key: &["Press Enter to ", "Press Return to ", "Press any key to "],
    status_marks: &['✔', '✘', '✓', '✗'],
    check_marks: &['✔', '✓', 'x', 'X', '×', '■'],
    list_stops: &['⎿', '│', '╭', '╰', '●'],
    tab_marks: &['☐', '☒', '☑', '✔', '✓', '□', '■'],
    key_hints: &[],
    bare_rows_are_options: false,
    signatures: &["claude code", "claude --resume", "anthropic"],
};

/// Claude Code in the agent table.
pub const AGENT: AgentRules = AgentRules {
    rules: &RULES,
    marks,
    classify,
};

/// The input box's `❯` + NBSP at column 0 is drawn by Claude Code only, and so is the echo of a
/// message from another session (`› Message from @dev: …`, 2.1.332), whose `›` would otherwise
/// read as Codex's prompt.
fn marks(s: &Screen, i: usize) -> bool {
    let c = &s.rows[i].chars;
    (c.first() == Some(&RULES.prompt) && c.get(1) == Some(&RULES.prompt_gap))
        || s.rows[i].text.starts_with(PEER_ECHO)
}

/// How Claude Code shows a message that came over its cross-session socket.
const PEER_ECHO: &str = "\u{203a} Message from @";

/// Classifies a parsed screen with Claude Code's rules.
pub fn classify(s: &Screen, title: Option<&str>, agent: Agent) -> Detection {
    let r = &RULES;
    if s.is_empty() {
        return Detection::new(State::Unknown, agent, "blank_screen", None);
    }
    let mut ibox = find_input_box(s, r);
    let mut lo = 0;
    if let Some(b) = ibox {
        lo = b.bottom_rule + 1;
        // A rule or `▔` line below the box means a dialog was drawn after it: the box is old.
        if (lo..s.len()).any(|i| is_rule(&s.rows[i], s.width) || is_top_bar(&s.rows[i], s.width)) {
            ibox = None;
        }
    }
    let bar = (lo..s.len())
        .rev()
        .find(|&i| is_top_bar(&s.rows[i], s.width));
    if ibox.is_none()
        && let Some(d) = dialog(s, bar.map_or(lo, |b| b + 1), agent)
    {
        return d;
    }
    match ibox {
        Some(b) => with_input_box(s, b, title, agent),
        None => without_input_box(s, title, agent),
    }
}

fn dialog(s: &Screen, lo: usize, agent: Agent) -> Option<Detection> {
    let m = find_menu(s, lo, s.len(), &RULES)?;
    // Conversation below the list (a message bullet, an echoed prompt) means it is old scrollback.
    let later = (m.last_row + 1..s.len()).any(|i| is_conversation(&s.rows[i]));
    if later {
        return None;
    }
    // The dialog's text starts below its rule or `▔` line, and below any conversation row.
    let top = (lo..m.first_row)
        .rev()
        .find(|&i| {
            is_rule(&s.rows[i], s.width)
                || is_top_bar(&s.rows[i], s.width)
                || is_conversation(&s.rows[i])
        })
        .map_or(lo, |i| i + 1);
    let tabs = find_tabs(s, top, m.first_row, &RULES);
    let mut d = Detection::new(
        State::WaitingSelect,
        agent,
        "claude.menu_cursor",
        Some(s.rows[m.cursor_row].trimmed()),
    );
    d.question = match &tabs {
        // A question dialog shows the tab's question (or the review title) under its tab row.
        Some((row, _)) => first_paragraph(s, row + 1, m.first_row),
        None => None,
    }
    .or_else(|| dialog_question(s, top, m.first_row, tabs.as_ref().map(|t| t.0)));
    let body = dialog_detail(
        s,
        top,
        m.first_row,
        tabs.as_ref().map(|t| t.0),
        d.question.as_deref(),
    );
    d.set_detail(&body);
    d.tabs = tabs.map(|t| t.1).unwrap_or_default();
    d.options = m.options;
    d.footer = layout::last_nonblank(s)
        .filter(|&i| i > m.cursor_row && layout::is_hint_line(&s.rows[i].text))
        .map(|i| s.rows[i].trimmed().to_string());
    Some(d)
}

/// A row of the conversation: an assistant bullet or an echoed prompt at column 0.
fn is_conversation(row: &Row) -> bool {
    let first = row.chars.first().copied();
    let echoed = first == Some(RULES.prompt)
        && row.chars.get(1) == Some(&' ')
        && row.chars.len() > 2
        && !layout::starts_with_number(&row.text_from(2));
    first == Some(RULES.assistant_bullet) || echoed
}

fn with_input_box(s: &Screen, b: InputBox, title: Option<&str>, agent: Agent) -> Detection {
    let r = &RULES;
    // The status rows under the box, read as one line (a narrow pane wraps them).
    let footer: Vec<&str> = (b.bottom_rule + 1..s.len())
        .map(|i| s.rows[i].trimmed())
        .collect();
    let footer = footer.join(" ");
    // A person's half-typed text counts whatever the agent is doing.
    let draft = read_draft(s, b);
    let busy = if r.busy_footer.iter().any(|f| contains_ci(&footer, f)) {
        Some(Detection::new(
            State::Busy,
            agent,
            "claude.footer_busy",
            Some(footer.trim()),
        ))
    } else if let Some(d) = busy_above(s, b.top_rule, agent) {
        Some(d)
    } else if r.title_busy(title) {
        Some(Detection::new(
            State::Busy,
            agent,
            "claude.pane_title_busy",
            title,
        ))
    } else {
        None
    };
    if let Some(mut d) = busy {
        d.draft = draft;
        return d;
    }
    if draft.is_none()
        && let Some(d) = waiting_text(s, b.top_rule, agent)
    {
        return d;
    }
    let mut d = Detection::new(
        State::Idle,
        agent,
        "claude.input_box",
        Some(s.rows[b.prompt].trimmed()),
    );
    d.draft = draft;
    d
}

/// A spinner or running-hook line in the current turn: the rows above `end` up to the last
/// conversation row (a todo list or tool output may sit between the spinner and the box).
fn busy_above(s: &Screen, end: usize, agent: Agent) -> Option<Detection> {
    let r = &RULES;
    let rows = (0..end.min(s.len()))
        .rev()
        .filter(|&i| !s.rows[i].is_blank())
        .take(15);
    for i in rows {
        let t = s.rows[i].trimmed();
        // The spinner is drawn at the left edge; message text is indented under its bullet.
        if s.rows[i].indent() <= 1 && layout::is_spinner_line(t, r) {
            return Some(Detection::new(
                State::Busy,
                agent,
                "claude.spinner",
                Some(t),
            ));
        }
        if r.busy_markers.iter().any(|m| contains_ci(t, m)) && contains_ci(t, "hook") {
            return Some(Detection::new(
                State::Busy,
                agent,
                "claude.running_hook",
                Some(t),
            ));
        }
        if is_conversation(&s.rows[i]) {
            break;
        }
    }
    None
}

/// The draft in the box; `None` when empty or a placeholder.
fn read_draft(s: &Screen, b: InputBox) -> Option<String> {
    let first = &s.rows[b.prompt];
    let mut lines = vec![first.text_from(2)];
    for i in b.prompt + 1..b.bottom_rule {
        let row = &s.rows[i];
        lines.push(row.text_from(row.indent().min(2)));
    }
    let mut lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let draft = lines.join("\n");
    if draft.is_empty() {
        return None;
    }
    if s.styled {
        // Placeholder: first cell reverse video (the cursor), every other visible cell dim.
        let cells: Vec<_> = first.chars.iter().zip(&first.attrs).skip(2).collect();
        let rest_dim = cells
            .iter()
            .skip(1)
            .filter(|(c, _)| !c.is_whitespace())
            .all(|(_, a)| a.dim);
        let any_rest = cells.iter().skip(1).any(|(c, _)| !c.is_whitespace());
        if cells.first().is_some_and(|(_, a)| a.inverse) && any_rest && rest_dim && lines.len() == 1
        {
            return None;
        }
    } else if RULES.placeholders.contains(&draft.as_str()) {
        return None;
    }
    Some(draft)
}

/// Rows indented at least this far right above the input box are status notices, not messages.
const NOTICE_INDENT: usize = 10;

/// An empty box under an interruption notice or under an assistant message that asks a question.
fn waiting_text(s: &Screen, end: usize, agent: Agent) -> Option<Detection> {
    let r = &RULES;
    let is_done_line = |t: &str| {
        t.chars().next().is_some_and(|c| r.is_spinner_glyph(c)) && t.chars().nth(1) == Some(' ')
    };
    // Status notices sit right-aligned just above the box (e.g. `tmux focus-events off · …`):
    // they are not part of the conversation.
    // They may touch the box or the message above; a wrapped one keeps its indent.
    let mut notice_end = end;
    while notice_end > 0
        && !s.rows[notice_end - 1].is_blank()
        && s.rows[notice_end - 1].indent() >= NOTICE_INDENT
    {
        notice_end -= 1;
    }
    let last = (0..notice_end)
        .rev()
        .find(|&i| !s.rows[i].is_blank() && !is_done_line(s.rows[i].trimmed()))?;
    // A tool-result line (`⎿  Interrupted · …?`) may wrap: read it from its first row.
    let mut first = last;
    while first > 0
        && !s.rows[first].trimmed().starts_with(r.result_glyph)
        && s.rows[first].indent() > 2
        && !s.rows[first - 1].is_blank()
    {
        first -= 1;
    }
    let joined: String = (first..=last)
        .map(|i| s.rows[i].trimmed())
        .collect::<Vec<_>>()
        .join(" ");
    let t = if joined.starts_with(r.result_glyph) {
        joined.as_str()
    } else {
        s.rows[last].trimmed()
    };
    if let Some(rest) = t.strip_prefix(r.result_glyph) {
        let rest = rest.trim_start_matches([' ', '\u{a0}']);
        if rest.starts_with(r.interrupted) && rest.ends_with('?') {
            let q = rest.rsplit(" · ").next().unwrap_or(rest).to_string();
            let mut d = Detection::new(State::WaitingText, agent, "claude.interrupted", Some(t));
            d.question = Some(q);
            return Some(d);
        }
        return None;
    }
    // The message's rows: its paragraph, inside a message that starts with the bullet.
    let start = (0..=last)
        .rev()
        .take_while(|&i| !s.rows[i].is_blank())
        .last()?;
    let head = (0..=last).rev().find(|&i| {
        !s.rows[i].is_blank()
            && (s.rows[i].indent() < 2 || s.rows[i].trimmed().starts_with(r.result_glyph))
    })?;
    if !s.rows[head].trimmed().starts_with(r.assistant_bullet) || s.rows[head].indent() != 0 {
        return None;
    }
    let rows: Vec<usize> = (start..=last).collect();
    let q = trailing_question(s, &rows, &[r.assistant_bullet])?;
    let mut d = Detection::new(
        State::WaitingText,
        agent,
        "claude.assistant_question",
        Some(t),
    );
    d.question = Some(q);
    Some(d)
}

fn without_input_box(s: &Screen, title: Option<&str>, agent: Agent) -> Detection {
    let r = &RULES;
    let Some(last) = layout::last_nonblank(s) else {
        return Detection::new(State::Unknown, agent, "blank_screen", None);
    };
    let lt = s.rows[last].trimmed();
    // The last paragraph (it may wrap) says `Press Enter to …`.
    let para = (0..=last)
        .rev()
        .take_while(|&i| !s.rows[i].is_blank())
        .last()
        .unwrap_or(last);
    let text: Vec<&str> = (para..=last).map(|i| s.rows[i].trimmed()).collect();
    let text = text.join(" ");
    if r.press_key.iter().any(|p| text.starts_with(p)) {
        let mut d = Detection::new(State::WaitingSelect, agent, "claude.press_key", Some(&text));
        d.question = Some(text.split(" (").next().unwrap_or(&text).to_string());
        d.footer = Some(text);
        return d;
    }
    if let Some((top, bottom)) = layout::find_text_box(s, last.saturating_sub(4)) {
        let after_ok = layout::nonblank_between(s, bottom, s.len())
            .all(|i| layout::is_hint_line(&s.rows[i].text));
        let caption = (top.saturating_sub(3)..top)
            .rev()
            .find(|&i| !s.rows[i].is_blank());
        if let (true, Some(c)) = (after_ok, caption) {
            let mut d = Detection::new(
                State::WaitingText,
                agent,
                "claude.text_box",
                Some(s.rows[c].trimmed()),
            );
            d.question = Some(s.rows[c].trimmed().to_string());
            d.footer = (last > bottom).then(|| lt.to_string());
            return d;
        }
    }
    if r.busy_footer.iter().any(|f| contains_ci(lt, f)) {
        return Detection::new(State::Busy, agent, "claude.footer_busy", Some(lt));
    }
    if let Some(d) = busy_above(s, last + 1, agent) {
        return d;
    }
    if r.title_busy(title) {
        return Detection::new(State::Busy, agent, "claude.pane_title_busy", title);
    }
    Detection::new(State::Unknown, agent, "no_known_structure", Some(lt))
}
