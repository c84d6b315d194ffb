//! Finds an open option list around its `❯` cursor row and reads its options.
//!
//! A list is the cursor row plus its siblings: rows whose number sits in the cursor's number
//! column (numbered menus) or whose label starts in the cursor's label column (un-numbered
//! menus). Deeper rows are descriptions or a wrapped label; shallower rows end the list.

use super::layout::{is_dashed, is_rule};
use super::rules::Rules;
use super::screen::{Row, Screen};
use super::types::MenuOption;

/// An option list found on screen.
#[derive(Debug, Clone)]
pub struct Menu {
    pub options: Vec<MenuOption>,
    /// The first row of the list area (a group heading above the first option counts).
    pub first_row: usize,
    pub cursor_row: usize,
    pub last_row: usize,
}

/// How a row starts: indent, cursor, number, box, status mark, and where its label begins.
#[derive(Debug, Clone, Copy)]
struct Item {
    indent: usize,
    cursor: bool,
    number: Option<u32>,
    after_number: usize,
    checked: Option<bool>,
    label_col: usize,
}

fn parse_item(row: &Row, rules: &Rules) -> Item {
    let ch = &row.chars;
    let at = |i: usize| ch.get(i).copied();
    let skip = |mut i: usize| {
        while at(i) == Some(' ') {
            i += 1;
        }
        i
    };
    let indent = row.indent();
    let mut i = indent;
    let cursor = at(i) == Some(rules.cursor) && matches!(at(i + 1), Some(' ') | None);
    if cursor {
        i = skip(i + 1);
    }
    let digits = ch[i.min(ch.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let mut number = None;
    if (1..=3).contains(&digits) && at(i + digits) == Some('.') && at(i + digits + 1) == Some(' ') {
        number = ch[i..i + digits].iter().collect::<String>().parse().ok();
        i = skip(i + digits + 1);
    }
    let after_number = i;
    let mut checked = None;
    if at(i) == Some('[') && at(i + 2) == Some(']') && matches!(at(i + 3), Some(' ') | None) {
        checked = match at(i + 1) {
            Some(' ') => Some(false),
            Some(m) if rules.check_marks.contains(&m) => Some(true),
            _ => None,
        };
        if checked.is_some() {
            // One space after the box; more belong to the label (Gemini pads its free-text row).
            i = (i + 3 + usize::from(at(i + 3) == Some(' '))).min(ch.len());
        }
    }
    if at(i).is_some_and(|c| rules.status_marks.contains(&c)) && at(i + 1) == Some(' ') {
        i = skip(i + 1);
    }
    Item {
        indent,
        cursor,
        number,
        after_number,
        checked,
        label_col: i,
    }
}

/// Rows above a bare cursor row (`● Done`) searched for the numbered rows of its list.
const MAX_BARE_GAP: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Opt,
    Cont,
    Heading,
    Blank,
    Rule,
    Stop,
}

/// The bottom-most option list in rows `lo..hi`.
pub fn find_menu(s: &Screen, lo: usize, hi: usize, rules: &Rules) -> Option<Menu> {
    for c in (lo..hi.min(s.len())).rev() {
        let row = &s.rows[c];
        let mut cur = parse_item(row, rules);
        if !cur.cursor {
            continue;
        }
        // `❯ text` at column 0 with no number or box is an echoed prompt, not a menu cursor,
        // unless the agent has un-numbered rows in numbered lists (Gemini's `● Done`): then the
        // list is laid out from the numbered row above it.
        if cur.indent == 0 && cur.number.is_none() && cur.checked.is_none() {
            let anchor = (c.saturating_sub(MAX_BARE_GAP).max(lo)..c)
                .rev()
                .map(|r| parse_item(&s.rows[r], rules))
                .find(|it| it.number.is_some() && !it.cursor && it.indent >= 2);
            match anchor.filter(|_| rules.bare_rows_are_options) {
                Some(a) => {
                    cur = Item {
                        indent: a.indent - 2,
                        cursor: true,
                        ..a
                    }
                }
                None => continue,
            }
        }
        if let Some(m) = build(s, c, cur, lo, hi, rules) {
            return Some(m);
        }
    }
    None
}

fn build(s: &Screen, c: usize, cur: Item, lo: usize, hi: usize, rules: &Rules) -> Option<Menu> {
    let body_col = cur.indent + 2;
    let kind = |r: usize| -> Kind {
        let row = &s.rows[r];
        if r == c {
            return Kind::Opt;
        }
        if row.is_blank() {
            return Kind::Blank;
        }
        if is_rule(row, s.width) {
            return Kind::Rule;
        }
        let it = parse_item(row, rules);
        let first = row.chars.get(it.indent).copied().unwrap_or(' ');
        if it.indent < body_col || is_dashed(row) || rules.list_stops.contains(&first) || it.cursor
        {
            return Kind::Stop;
        }
        if cur.number.is_some() {
            // A numbered sibling, or `Submit` (un-numbered, in the box column) under a multi-select.
            let submit =
                cur.checked.is_some() && it.number.is_none() && it.indent == cur.after_number;
            // An un-numbered row just right of the cursor column (Gemini's `Done`), unless it is
            // the description under such a row.
            let bare = rules.bare_rows_are_options
                && it.number.is_none()
                && (body_col..=body_col + 1).contains(&it.indent)
                && !(r > 0 && !s.rows[r - 1].is_blank() && {
                    let above = parse_item(&s.rows[r - 1], rules);
                    above.number.is_none() && above.label_col == it.label_col
                });
            if (it.number.is_some() && it.indent == body_col) || submit || bare {
                Kind::Opt
            } else if it.indent >= cur.label_col {
                Kind::Cont
            } else {
                Kind::Stop
            }
        } else if it.number.is_none() && it.label_col == cur.label_col {
            Kind::Opt
        } else if it.indent > cur.label_col {
            Kind::Cont
        } else if it.indent < cur.label_col && it.number.is_none() {
            Kind::Heading
        } else {
            Kind::Stop
        }
    };
    let mut first = c;
    let mut area = c;
    let mut blanks = 0;
    for r in (lo..c).rev() {
        match kind(r) {
            Kind::Opt => (first, area) = (r, r),
            Kind::Heading => area = r,
            Kind::Blank if blanks < 2 => blanks += 1,
            Kind::Cont => {}
            _ => break,
        }
        if kind(r) != Kind::Blank {
            blanks = 0;
        }
    }
    let mut last = c;
    let mut blanks = 0;
    let mut r = c + 1;
    while r < hi.min(s.len()) {
        match kind(r) {
            Kind::Opt | Kind::Cont => last = r,
            Kind::Heading => {}
            Kind::Blank if blanks < 2 => blanks += 1,
            Kind::Rule if cur.number.is_some() => {
                let next = (r + 1..hi.min(s.len())).find(|&i| !s.rows[i].is_blank());
                if !next.is_some_and(|n| kind(n) == Kind::Opt) {
                    break;
                }
            }
            _ => break,
        }
        if kind(r) != Kind::Blank {
            blanks = 0;
        }
        r += 1;
    }
    let options = read_options(s, first, last, c, &kind, rules);
    let enough = options.len() >= 2 || (options.len() == 1 && cur.number.is_some());
    enough.then_some(Menu {
        options,
        first_row: area,
        cursor_row: c,
        last_row: last,
    })
}

fn read_options(
    s: &Screen,
    first: usize,
    last: usize,
    c: usize,
    kind: &dyn Fn(usize) -> Kind,
    rules: &Rules,
) -> Vec<MenuOption> {
    let mut out: Vec<MenuOption> = Vec::new();
    // The label column of the last option while its label may still wrap onto the next row.
    let mut open: Option<usize> = None;
    let mut prev_len = 0;
    for r in first..=last {
        let row = &s.rows[r];
        let word = row.first_word_len();
        // Word wrap moved this row's first word down: it did not fit on the row above.
        let wrapped = open == Some(row.indent()) && prev_len + 1 + word > s.width;
        // An un-numbered sibling looks like a wrapped label; labels start with a capital.
        let lower = row
            .trimmed()
            .chars()
            .next()
            .is_some_and(|ch| !ch.is_uppercase());
        let unnumbered_sibling = r != c && parse_item(row, rules).number.is_none() && lower;
        match kind(r) {
            Kind::Opt if !(wrapped && unnumbered_sibling) => {
                let it = parse_item(row, rules);
                let (label, right) = split_column(&row.text_from(it.label_col));
                open = right.is_none().then_some(it.label_col);
                prev_len = row.chars.len();
                out.push(MenuOption {
                    number: it.number,
                    label: strip_mark(label, rules),
                    description: right,
                    selected: r == c,
                    checked: it.checked,
                });
            }
            Kind::Opt | Kind::Cont => {
                let Some(opt) = out.last_mut() else { continue };
                let text = row.trimmed().to_string();
                if wrapped {
                    opt.label = format!("{} {}", opt.label, text);
                    prev_len = row.chars.len();
                } else {
                    open = None;
                    let d = opt
                        .description
                        .take()
                        .map_or(text.clone(), |d| format!("{d} {text}"));
                    opt.description = Some(d);
                }
            }
            _ => open = None,
        }
    }
    for o in &mut out {
        o.label = strip_key_hint(std::mem::take(&mut o.label), rules);
    }
    out
}

/// Splits `text` at its first run of two or more spaces: (label, right-hand column).
fn split_column(text: &str) -> (String, Option<String>) {
    let t = text.trim_end();
    match t.find("  ") {
        Some(i) => {
            let right = t[i..].trim().to_string();
            (
                t[..i].trim().to_string(),
                (!right.is_empty()).then_some(right),
            )
        }
        None => (t.trim().to_string(), None),
    }
}

/// Drops a trailing key hint (`Yes, proceed (y)`, `No, suggest changes (esc)`) when the agent
/// prints them after its labels.
fn strip_key_hint(label: String, rules: &Rules) -> String {
    if rules.key_hints.is_empty() {
        return label;
    }
    let hint = label
        .strip_suffix(')')
        .and_then(|l| l.rsplit_once(" ("))
        .filter(|(_, k)| {
            let mut cs = k.chars();
            let single =
                cs.next().is_some_and(|c| c.is_ascii_alphanumeric()) && cs.next().is_none();
            single || rules.key_hints.iter().any(|h| k.eq_ignore_ascii_case(h))
        });
    match hint {
        Some((l, _)) if !l.trim().is_empty() => l.trim_end().to_string(),
        _ => label,
    }
}

/// Drops a trailing current-setting mark (`Default (recommended) ✔`).
fn strip_mark(label: String, rules: &Rules) -> String {
    let mut chars = label.chars();
    match (chars.next_back(), chars.next_back()) {
        (Some(m), Some(' ')) if rules.status_marks.contains(&m) => {
            chars.as_str().trim_end().to_string()
        }
        _ => label,
    }
}
