//! Picks the text that states what is asked: a question sentence, else an instruction or heading.
//!
//! Rows are grouped into paragraphs (runs of non-blank rows with one indent). A question is the
//! sentence around the nearest `?` above the options, read from its whole paragraph so a wrapped
//! sentence comes back whole. Without one, the nearest paragraph's first row that is not prose
//! (prose ends with `.` or wraps onto the next row) is the instruction or heading.

use super::layout::{is_dashed, is_hint_line, is_rule, is_top_bar};
use super::screen::Screen;

/// The question or heading of a dialog whose text lies in rows `top..end` (`skip`: a tab row).
pub fn dialog_question(s: &Screen, top: usize, end: usize, skip: Option<usize>) -> Option<String> {
    let paras = paragraphs(s, top, end, skip);
    paras
        .iter()
        .rev()
        .find_map(|p| question_in(&join(s, p)))
        .or_else(|| paras.iter().rev().find_map(|p| heading_in(s, p)))
}

/// For dialogs that put their question at the top (Codex): the first question sentence in rows
/// `top..end`, else the first heading.
pub fn first_question_or_heading(s: &Screen, top: usize, end: usize) -> Option<String> {
    let paras = paragraphs(s, top, end, None);
    paras
        .iter()
        .find_map(|p| question_in(&join(s, p)))
        .or_else(|| paras.iter().find_map(|p| heading_in(s, p)))
}

/// The caption of a text entry: the question sentence of the last paragraph in rows
/// `top..end`, else that whole paragraph (`Paste or type your API key below.`).
pub fn caption_above(s: &Screen, top: usize, end: usize) -> Option<String> {
    let paras = paragraphs(s, top, end, None);
    let last = join(s, paras.last()?);
    question_in(&last).or(Some(last))
}

/// The body of a dialog in rows `top..end`: what it asks about. A preview between `╌` lines
/// (Claude Code's command, diff, URL) is the body when there is one; otherwise every text row
/// except the question's, the tab row (`skip`), hint lines and rules. Box borders are stripped.
pub fn dialog_detail(
    s: &Screen,
    top: usize,
    end: usize,
    skip: Option<usize>,
    question: Option<&str>,
) -> Vec<String> {
    let end = end.min(s.len());
    let dashed: Vec<usize> = (top..end).filter(|&r| is_dashed(&s.rows[r])).collect();
    let strip = |r: usize| {
        s.rows[r]
            .trimmed()
            .trim_matches(|c: char| c == '│' || c.is_whitespace())
            .to_string()
    };
    if dashed.len() >= 2 {
        return dashed
            .chunks(2)
            .filter(|w| w.len() == 2)
            .flat_map(|w| (w[0] + 1..w[1]).map(strip))
            .collect();
    }
    let q = question.unwrap_or("\u{0}");
    (top..end)
        .filter(|&r| {
            let row = &s.rows[r];
            let t = strip(r);
            !(row.is_blank()
                || Some(r) == skip
                || is_rule(row, s.width)
                || is_top_bar(row, s.width)
                || is_dashed(row)
                || is_hint_line(&t)
                || !t.chars().any(char::is_alphanumeric)
                || t.contains(q)
                || (t.chars().count() > 3 && q.contains(t.as_str())))
        })
        .map(strip)
        .collect()
}

/// The first paragraph in rows `top..end`, joined into one line.
pub fn first_paragraph(s: &Screen, top: usize, end: usize) -> Option<String> {
    paragraphs(s, top, end, None).first().map(|p| join(s, p))
}

/// The question sentence of a paragraph that ends with `?` (an assistant's last message).
pub fn trailing_question(s: &Screen, rows: &[usize], strip: &[char]) -> Option<String> {
    let text = join(s, rows);
    let text = text.trim_start_matches(|c: char| strip.contains(&c) || c == ' ');
    let text = text.trim_end_matches(['*', '_', ' ']);
    if !text.ends_with('?') {
        return None;
    }
    question_in(text)
}

/// Runs of non-blank rows of one indent between `top` and `end`, top to bottom, leaving out
/// rules, previews between `╌` lines, hint lines and the `skip` row.
fn paragraphs(s: &Screen, top: usize, end: usize, skip: Option<usize>) -> Vec<Vec<usize>> {
    let end = end.min(s.len());
    let dashed: Vec<usize> = (top..end).filter(|&r| is_dashed(&s.rows[r])).collect();
    let in_preview = |r: usize| {
        dashed
            .chunks(2)
            .any(|w| w.len() == 2 && w[0] <= r && r <= w[1])
            || dashed.len() % 2 == 1 && dashed.last().is_some_and(|&d| r <= d)
    };
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    for r in top..end {
        let row = &s.rows[r];
        let excluded = row.is_blank()
            || is_rule(row, s.width)
            || is_top_bar(row, s.width)
            || in_preview(r)
            || Some(r) == skip
            || is_hint_line(&row.text)
            || !row.chars.iter().any(|c| c.is_alphanumeric());
        let same = cur
            .last()
            .is_some_and(|&p| p + 1 == r && s.rows[p].indent() == row.indent());
        if (excluded || !same) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !excluded {
            cur.push(r);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn join(s: &Screen, rows: &[usize]) -> String {
    rows.iter()
        .map(|&r| s.rows[r].trimmed())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sentence ending at the last `?` that ends a sentence (followed by a space or the end,
/// not inside a URL), from just after the previous sentence's end.
fn question_in(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let q = (0..chars.len()).rev().find(|&i| {
        chars[i] == '?'
            && chars
                .get(i + 1)
                .is_none_or(|c| *c == ' ' || *c == ')' || *c == '"')
            && {
                let word_start = chars[..i]
                    .iter()
                    .rposition(|c| *c == ' ')
                    .map_or(0, |p| p + 1);
                !chars[word_start..i]
                    .iter()
                    .collect::<String>()
                    .contains("://")
            }
    })?;
    let start = (1..q)
        .rev()
        .find(|&i| chars[i] == ' ' && matches!(chars[i - 1], '.' | '!' | '?'))
        .map_or(0, |i| i + 1);
    let sentence: String = chars[start..=q].iter().collect();
    let sentence = sentence.trim();
    (sentence.chars().count() > 1).then(|| sentence.to_string())
}

/// The first logical line of a paragraph that is not prose: an instruction (`Select login
/// method:`) or a heading (`Select model`), not a sentence ending with `.`. Rows that word wrap
/// moved onto the next row (its first word did not fit) are read as one logical line.
fn heading_in(s: &Screen, rows: &[usize]) -> Option<String> {
    let mut k = 0;
    while k < rows.len() {
        let mut line = s.rows[rows[k]].trimmed().to_string();
        while let Some(&next) = rows.get(k + 1) {
            let word = s.rows[next].first_word_len();
            if s.rows[rows[k]].chars.len() + 1 + word <= s.width {
                break;
            }
            line = format!("{line} {}", s.rows[next].trimmed());
            k += 1;
        }
        // Prose ends a sentence at its end or inside (`… resources. All tool calls …`).
        if !line.ends_with('.') && !line.contains(". ") {
            return Some(line);
        }
        k += 1;
    }
    None
}
