//! Shared screen structure finders: rules, the input box, text boxes, tab rows, key hints, spinners.
//!
//! Everything here is about shape (which characters a row is made of, where it starts, what
//! sits above and below it), parameterised by an agent's `Rules`, never about one capture's
//! exact wording.

use super::rules::Rules;
use super::screen::{Row, Screen};

/// A full-width horizontal rule: `─` from near column 0 over most of the screen width. A short
/// label inside it (`──── plan ────`) is allowed when the rule starts at column 0.
pub fn is_rule(row: &Row, width: usize) -> bool {
    if is_line_of(row, '─', width) {
        return true;
    }
    let c = &row.chars;
    let dashes = c.iter().filter(|&&ch| ch == '─').count();
    row.indent() == 0
        && c.first() == Some(&'─')
        && c.last() == Some(&'─')
        && dashes * 5 >= width * 3
        && c.len() - dashes <= 40
        && c.len() * 5 >= width * 4
}

/// The `▔` line that tops a fullscreen modal dialog.
pub fn is_top_bar(row: &Row, width: usize) -> bool {
    is_line_of(row, '▔', width)
}

/// A dashed `╌` separator around a preview (diff, command) inside a dialog.
pub fn is_dashed(row: &Row) -> bool {
    let t = row.trimmed();
    t.chars().count() >= 8 && t.chars().all(|c| c == '╌')
}

fn is_line_of(row: &Row, ch: char, width: usize) -> bool {
    let t = row.trimmed();
    let n = t.chars().count();
    row.indent() <= 2 && n >= 10 && n * 5 >= width * 3 && t.chars().all(|c| c == ch)
}

/// Where the input box is: the `❯` row, the rules above and below it.
#[derive(Debug, Clone, Copy)]
pub struct InputBox {
    pub top_rule: usize,
    pub prompt: usize,
    pub bottom_rule: usize,
}

/// The bottom-most input box: a rule, a row starting with the prompt char at column 0, rows of
/// draft, a rule. With a NBSP after the prompt char it is certain; with an ordinary space it
/// still counts when the rule pair encloses it (echoed prompts never sit between two rules).
pub fn find_input_box(s: &Screen, rules: &Rules) -> Option<InputBox> {
    let w = s.width;
    for p in (1..s.len()).rev() {
        let row = &s.rows[p];
        if row.chars.first() != Some(&rules.prompt) || !is_rule(&s.rows[p - 1], w) {
            continue;
        }
        let gap = row.chars.get(1).copied();
        if gap.is_some_and(|g| g != rules.prompt_gap && g != ' ') {
            continue;
        }
        if gap == Some(' ') && starts_with_number(&row.text_from(2)) {
            continue; // a menu's cursor row (`❯ 1. Yes`), not a prompt
        }
        // The draft continues on rows indented by two columns (or blank) until the lower rule.
        let mut b = p + 1;
        while b < s.len() && !is_rule(&s.rows[b], w) {
            let r = &s.rows[b];
            if !(r.is_blank() || r.indent() >= 2) || b - p > MAX_DRAFT_ROWS {
                break;
            }
            b += 1;
        }
        if b < s.len() && is_rule(&s.rows[b], w) {
            return Some(InputBox {
                top_rule: p - 1,
                prompt: p,
                bottom_rule: b,
            });
        }
    }
    None
}

const MAX_DRAFT_ROWS: usize = 60;

/// `12. ` at the start of `text`.
pub fn starts_with_number(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && text[digits..].starts_with(". ")
}

/// A key-hint line: segments joined by ` · `, each `<key> to <action>` with a short key part
/// (`Esc to cancel · Tab to amend`, `↑/↓ to navigate`, `Press Enter to continue`).
pub fn is_hint_line(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 160 || t.ends_with('?') {
        return false;
    }
    t.split(" · ").all(|seg| {
        let seg = seg.trim().trim_start_matches('(');
        match seg.find(" to ") {
            Some(i) => {
                let key = &seg[..i];
                !key.is_empty() && key.split(' ').count() <= 2 && key.chars().count() <= 20
            }
            None => false,
        }
    })
}

/// The last non-blank row index at or below `from`.
pub fn last_nonblank(s: &Screen) -> Option<usize> {
    (0..s.len()).rev().find(|&i| !s.rows[i].is_blank())
}

/// A spinner line of a running turn: `<glyph> <Verb…>…` optionally followed by ` (<stats>)`.
/// A finished turn (`✻ Cooked for 15s · done`) has no ellipsis, so it never matches.
pub fn is_spinner_line(text: &str, rules: &Rules) -> bool {
    let t = text.trim();
    let mut chars = t.chars();
    let Some(glyph) = chars.next() else {
        return false;
    };
    if !rules.is_spinner_glyph(glyph) || chars.next() != Some(' ') {
        return false;
    }
    let rest = chars.as_str();
    let (head, tail) = match rest.find('…') {
        Some(i) => (&rest[..i], &rest[i + '…'.len_utf8()..]),
        None => match rest.find("...") {
            Some(i) => (&rest[..i], &rest[i + 3..]),
            None => return false,
        },
    };
    let head_ok =
        head.chars().next().is_some_and(char::is_alphabetic) && head.chars().count() <= 60;
    let tail = tail.trim();
    // The stats in parentheses may wrap onto the next row on a narrow pane.
    head_ok && (tail.is_empty() || tail.starts_with('('))
}

/// A `╭──╮ │ … │ ╰──╯` text entry box ending at or below `from`: (top row, bottom row).
pub fn find_text_box(s: &Screen, from: usize) -> Option<(usize, usize)> {
    let bottom = (from..s.len()).rev().find(|&i| {
        let t = s.rows[i].trimmed();
        t.starts_with('╰') && t.ends_with('╯')
    })?;
    let top = (0..bottom).rev().take(12).find(|&i| {
        let t = s.rows[i].trimmed();
        t.starts_with('╭') && t.ends_with('╮')
    })?;
    let inside_ok = (top + 1..bottom).all(|i| s.rows[i].trimmed().starts_with('│'));
    // A text box is short; a long bordered panel (a plan preview) is not an entry box.
    (inside_ok && bottom - top <= 6).then_some((top, bottom))
}

/// Rows strictly between `a` and `b` that are not blank.
pub fn nonblank_between(s: &Screen, a: usize, b: usize) -> impl Iterator<Item = usize> + '_ {
    (a + 1..b.min(s.len())).filter(move |&i| !s.rows[i].is_blank())
}

/// The tab row of a question dialog in rows `lo..hi`: `←  ☐ Database  ☐ Features  ✔ Submit  →`.
pub fn find_tabs(s: &Screen, lo: usize, hi: usize, rules: &Rules) -> Option<(usize, Vec<String>)> {
    (lo..hi.min(s.len())).rev().find_map(|r| {
        let t = s.rows[r].trimmed();
        let t = t.strip_prefix('←').unwrap_or(t).trim();
        let t = t.strip_suffix('→').unwrap_or(t).trim();
        let parts: Vec<String> = t
            .split("  ")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let is_tab = |p: &String| {
            let mut cs = p.chars();
            cs.next().is_some_and(|c| rules.tab_marks.contains(&c)) && cs.next() == Some(' ')
        };
        (!parts.is_empty() && parts.iter().all(is_tab)).then_some((r, parts))
    })
}

/// Last chars of common shell prompts (`user@host:~$`, `root#`, `host%`).
const SHELL_PROMPT_ENDS: &[char] = &['$', '#', '%'];

/// Whether a row ends with what looks like a shell prompt (`sbshell$`, `~/proj$`, `root@h:/#`),
/// as left on the last frame of an agent that was killed. A percentage (`95%`) is not one.
pub fn ends_with_shell_prompt(text: &str) -> bool {
    let word = text.trim_end().rsplit(' ').next().unwrap_or("");
    let mut cs = word.chars().rev();
    match (cs.next(), cs.next()) {
        (Some(end), before) if SHELL_PROMPT_ENDS.contains(&end) => {
            before.is_none_or(|b| !b.is_ascii_digit())
        }
        _ => false,
    }
}
