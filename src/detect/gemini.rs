//! Gemini CLI's rules: its `Rules` data and the order in which the engine's findings decide.
//!
//! Gemini draws its input box as a full-width `─` rule, an optional mode line, then ` > ` at
//! column 1 (no rule under it) and a footer; its dialogs (approvals, `ask_user`, trust, API key)
//! are boxes `╭─╮ │ … │ ╰─╯` that replace the input box, with `● 1.` marking the cursor and
//! `[x]`/`[ ]` the checkboxes of a multi-select (whose `Done` row has no number).
//!
//! Order: a box at the bottom of the screen with an option list inside is waiting_select; with a
//! text entry inside (a nested box or a `> ` row) waiting_text. Then the input box: busy by the
//! spinner line above its rule (a braille glyph, `(esc to cancel, 4s)`), waiting_text when the
//! last `✦` message asks a question, else idle with the draft. Anything else (the goodbye box
//! and `gemini --resume` of an exited Gemini, a shell prompt) is unknown; a shell prompt glued
//! to the input row by a killed Gemini (`> half typed draft$`) is unknown too.
//! Measured on Gemini CLI 0.61.0 (see tests/fixtures/screens/gemini).

use super::layout::{self, ends_with_shell_prompt, find_text_box, is_hint_line, is_rule};
use super::menu::find_menu;
use super::question::{caption_above, dialog_detail, dialog_question, trailing_question};
use super::rules::{AgentRules, Rules, contains_ci};
use super::screen::{Row, Screen};
use super::types::{Agent, Detection, State};

pub const RULES: Rules = Rules {
    agent: Agent::Gemini,
    prompt: '>',
    prompt_col: 1,
    prompt_gap: ' ',
    cursor: '●',
    spinner_glyphs: &[],
    spinner_ranges: &[('\u{2801}', '\u{28ff}')],
    not_spinner: &[],
    busy_footer: &["(esc to cancel"],
    busy_markers: &["executing hook", "queued (press"],
    busy_title_glyphs: &[],
    title_names: &[
        "Gemini CLI (",
        "\u{25c7}  Ready (",
        "\u{270b}  Action Required (",
        "\u{23f2}  Working\u{2026}",
    ],
    placeholders: &["Type your message or @path/to/file"],
    assistant_bullet: '✦',
    result_glyph: '│',
    interrupted: "",
    press_key: &[],
    status_marks: &['✓'],
    check_marks: &['x', 'X', '✓', '✔'],
    list_stops: &['▲', '▼', '│', '╭', '╰'],
    tab_marks: &[],
    key_hints: &["esc", "tab", "enter"],
    bare_rows_are_options: true,
    signatures: &["gemini cli", "gemini --resume"],
};

/// Gemini CLI in the agent table.
pub const AGENT: AgentRules = AgentRules {
    rules: &RULES,
    marks,
    classify,
};

/// Rows above the prompt row in which the input box's rule sits (the mode line between).
const RULE_ABOVE: usize = 3;
/// Most non-blank rows under the input box: the footer (workspace, sandbox, model; it wraps when
/// narrow) and the completion list shown while a `/command` or `@path` is typed (descriptions
/// wrap when narrow). Echoed messages never count as the input box (no rule above them).
const MAX_FOOTER_ROWS: usize = 40;
/// Rows above the rule searched for the spinner line.
const STATUS_ROWS: usize = 4;
/// Rows indented at least this far above the rule are hints (`? for shortcuts`), not messages.
const NOTICE_INDENT: usize = 10;

/// Gemini's structures: the input box (` > ` under a rule), a dialog's `│ ● 1.` cursor row, and
/// the `✦ ` bullet of its messages.
fn marks(s: &Screen, i: usize) -> bool {
    let row = &s.rows[i];
    let t = row.trimmed();
    (RULES.is_prompt_row(row) && rule_above(s, i).is_some())
        || t.strip_prefix("│ ● ")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        || (row.indent() == 0 && t.starts_with("✦ "))
}

fn rule_above(s: &Screen, p: usize) -> Option<usize> {
    (p.saturating_sub(RULE_ABOVE)..p)
        .rev()
        .find(|&i| is_rule(&s.rows[i], s.width))
}

/// Classifies a parsed screen with Gemini CLI's rules.
pub fn classify(s: &Screen, title: Option<&str>, agent: Agent) -> Detection {
    let _ = title;
    if s.is_empty() {
        return Detection::new(State::Unknown, agent, "blank_screen", None);
    }
    if let Some(d) = dialog(s, agent) {
        return d;
    }
    match find_input(s) {
        Some((rule, p)) => with_input(s, rule, p, agent),
        None => {
            let last = layout::last_nonblank(s).map_or("", |i| s.rows[i].trimmed());
            Detection::new(State::Unknown, agent, "no_known_structure", Some(last))
        }
    }
}

/// The input box: (its rule, its ` > ` row), with only draft rows and a short footer under it.
fn find_input(s: &Screen) -> Option<(usize, usize)> {
    let n = s.len();
    let (rule, p) = (1..n)
        .rev()
        .filter(|&i| RULES.is_prompt_row(&s.rows[i]))
        .find_map(|i| rule_above(s, i).map(|r| (r, i)))?;
    let end = draft_end(s, p);
    let rest: Vec<&Row> = (end..n)
        .map(|i| &s.rows[i])
        .filter(|r| !r.is_blank())
        .collect();
    // A killed Gemini leaves its frame with the shell's prompt glued on where the cursor was (the
    // input row, the rows under it); a draft that ends like a prompt reads as unknown too.
    let glued = (p..n).any(|i| ends_with_shell_prompt(&s.rows[i].text));
    let ok = !glued && rest.len() <= MAX_FOOTER_ROWS && rest.iter().all(|r| r.indent() >= 1);
    ok.then_some((rule, p))
}

/// The row after the draft: continuation rows are indented by three, up to a blank row.
fn draft_end(s: &Screen, p: usize) -> usize {
    let mut i = p + 1;
    while i < s.len() && !s.rows[i].is_blank() && s.rows[i].indent() >= 3 {
        i += 1;
    }
    i
}

fn read_draft(s: &Screen, p: usize) -> Option<String> {
    let first = &s.rows[p];
    let mut lines: Vec<String> = vec![first.text_from(3)];
    for i in p + 1..draft_end(s, p) {
        let row = &s.rows[i];
        lines.push(row.text_from(row.indent().min(3)));
    }
    let mut lines: Vec<String> = lines.into_iter().map(|l| l.trim_end().into()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let draft = lines.join("\n");
    if draft.trim().is_empty() {
        return None;
    }
    // The placeholder is drawn two columns in: after the cursor cell (reverse video while the
    // pane has focus, a plain space otherwise) and a space: ` > █ Type…` / ` >   Type…`. Typed
    // text starts right after `> ` (the cursor cell follows it).
    let gap = first.chars.get(3) == Some(&' ') && first.chars.get(4) == Some(&' ');
    let placeholder = lines.len() == 1
        && (gap || RULES.placeholders.contains(&draft.trim()))
        && first.attrs.get(4).is_none_or(|a| !a.inverse);
    (!placeholder).then_some(draft)
}

fn with_input(s: &Screen, rule: usize, p: usize, agent: Agent) -> Detection {
    let r = &RULES;
    let draft = read_draft(s, p);
    let status = (0..rule)
        .rev()
        .filter(|&i| !s.rows[i].is_blank())
        .take(STATUS_ROWS)
        .find(|&i| {
            let t = s.rows[i].trimmed();
            let mut cs = t.chars();
            let spinner =
                cs.next().is_some_and(|c| r.is_spinner_glyph(c)) && cs.next() == Some(' ');
            spinner
                || r.busy_footer.iter().any(|f| contains_ci(t, f))
                || r.busy_markers.iter().any(|m| contains_ci(t, m))
        });
    if let Some(i) = status {
        let mut d = Detection::new(
            State::Busy,
            agent,
            "gemini.spinner",
            Some(s.rows[i].trimmed()),
        );
        d.draft = draft;
        return d;
    }
    if draft.is_none()
        && let Some(d) = waiting_text(s, rule, agent)
    {
        return d;
    }
    let mut d = Detection::new(
        State::Idle,
        agent,
        "gemini.input_box",
        Some(s.rows[p].trimmed()),
    );
    d.draft = draft;
    d
}

/// The last message above the input box is a `✦` message whose last paragraph asks a question.
fn waiting_text(s: &Screen, end: usize, agent: Agent) -> Option<Detection> {
    let r = &RULES;
    let last = (0..end)
        .rev()
        .find(|&i| !s.rows[i].is_blank() && s.rows[i].indent() < NOTICE_INDENT)?;
    let start = (0..=last)
        .rev()
        .take_while(|&i| !s.rows[i].is_blank())
        .last()?;
    let head = (0..=last)
        .rev()
        .find(|&i| !s.rows[i].is_blank() && s.rows[i].indent() < 2)?;
    if !s.rows[head].trimmed().starts_with(r.assistant_bullet) || s.rows[head].indent() != 0 {
        return None;
    }
    let rows: Vec<usize> = (start..=last).collect();
    let q = trailing_question(s, &rows, &[r.assistant_bullet])?;
    let mut d = Detection::new(
        State::WaitingText,
        agent,
        "gemini.assistant_question",
        Some(s.rows[last].trimmed()),
    );
    d.question = Some(q);
    Some(d)
}

/// The box that ends the screen, as a screen of its inner rows (borders and padding removed).
fn bottom_box(s: &Screen) -> Option<Screen> {
    let b = layout::last_nonblank(s)?;
    let t = s.rows[b].trimmed();
    if !(t.starts_with('╰') && t.ends_with('╯')) {
        return None;
    }
    let mut top = b;
    while top > 0 && s.rows[top - 1].trimmed().starts_with('│') {
        top -= 1;
    }
    // The top border may have scrolled off; otherwise it must be there.
    if top > 0 && !s.rows[top - 1].trimmed().starts_with('╭') {
        return None;
    }
    let rows: Vec<Row> = (top..b).map(|i| unbox(&s.rows[i])).collect();
    let width = rows.iter().map(|r| r.chars.len()).max().unwrap_or(0);
    Some(Screen {
        rows,
        styled: false,
        width,
    })
}

/// A box row's inside: after `│ `, before the closing `│`.
fn unbox(row: &Row) -> Row {
    let c = &row.chars;
    let Some(open) = c.iter().position(|&ch| ch == '│') else {
        return Row::default();
    };
    let close = c.iter().rposition(|&ch| ch == '│').filter(|&k| k > open);
    let mut from = open + 1;
    if c.get(from) == Some(&' ') {
        from += 1;
    }
    let to = close.unwrap_or(c.len()).max(from);
    Row::new(c[from.min(c.len())..to.min(c.len())].to_vec(), Vec::new())
}

/// A dialog box at the bottom: an option list (waiting_select) or a text entry (waiting_text).
fn dialog(s: &Screen, agent: Agent) -> Option<Detection> {
    let inner = bottom_box(s)?;
    if let Some(m) = find_menu(&inner, 0, inner.len(), &RULES) {
        let mut d = Detection::new(
            State::WaitingSelect,
            agent,
            "gemini.menu_cursor",
            Some(inner.rows[m.cursor_row].trimmed()),
        );
        d.question = dialog_question(&inner, 0, m.first_row, None);
        let body = dialog_detail(&inner, 0, m.first_row, None, d.question.as_deref());
        d.set_detail(&body);
        d.options = m.options;
        d.footer = layout::nonblank_between(&inner, m.last_row, inner.len())
            .find(|&i| is_hint_line(&inner.rows[i].text))
            .map(|i| inner.rows[i].trimmed().to_string());
        return Some(d);
    }
    // A text entry: a nested box, or a `> ` row (the answer field of `ask_user`).
    let entry = find_text_box(&inner, 0).map(|(top, _)| top).or_else(|| {
        (0..inner.len()).find(|&i| {
            let c = &inner.rows[i].chars;
            c.first() == Some(&RULES.prompt) && matches!(c.get(1), Some(' ') | None)
        })
    })?;
    let q = caption_above(&inner, 0, entry)?;
    let mut d = Detection::new(State::WaitingText, agent, "gemini.text_entry", Some(&q));
    d.question = Some(q);
    d.footer = (entry..inner.len())
        .rev()
        .find(|&i| is_hint_line(&inner.rows[i].text.replace(['(', ')'], "")))
        .map(|i| inner.rows[i].trimmed().to_string());
    Some(d)
}
