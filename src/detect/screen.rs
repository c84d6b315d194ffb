//! Parses captured pane text into a bounded grid of rows with per-cell attributes.
//!
//! Input with ESC bytes goes through vt100 (after `\n` → `\r\n`, final newline dropped); anything
//! else is read as plain lines. Only the last `MAX_ROWS` lines are parsed and every line is cut
//! to a bounded length first, so a megabyte of scrollback or a 10,000-column line costs little.
//! Columns are char indexes (a wide char is one column in both paths), trailing spaces are
//! trimmed and trailing blank rows dropped.

use std::num::NonZeroU16;

/// Rows kept from the end of the capture; the visible region of any sane pane fits.
pub const MAX_ROWS: usize = 200;
/// Characters kept per plain line.
const MAX_PLAIN_CHARS: usize = 1_000;
/// Bytes kept per line with escape codes (SGR codes make lines long; 120 columns is ~400 bytes).
const MAX_ANSI_BYTES: usize = 8_192;
/// Bytes of styled text fed to vt100 at most.
const MAX_ANSI_TOTAL: usize = 256 * 1024;
/// Rows from the bottom that decide the pane width.
const WIDTH_ROWS: usize = 100;
/// Upper bound of the vt100 grid width.
const MAX_COLS: usize = 512;

/// The attributes of one cell that the rules look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attr {
    pub dim: bool,
    pub inverse: bool,
    pub bold: bool,
    /// A background colour is set (Claude Code draws echoed prompts on a grey background).
    pub bg: bool,
}

/// One screen row: its characters (trailing spaces trimmed) and one `Attr` per character
/// (`attrs` is empty for plain input and for styled rows the rules did not ask attributes of).
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub text: String,
    pub chars: Vec<char>,
    pub attrs: Vec<Attr>,
}

impl Row {
    pub fn new(chars: Vec<char>, attrs: Vec<Attr>) -> Row {
        let mut chars = chars;
        let mut attrs = attrs;
        while chars.last() == Some(&' ') {
            chars.pop();
        }
        attrs.truncate(chars.len());
        Row {
            text: chars.iter().collect(),
            chars,
            attrs,
        }
    }

    /// Column of the first non-space character (the row length when blank).
    pub fn indent(&self) -> usize {
        self.chars
            .iter()
            .position(|c| *c != ' ')
            .unwrap_or(self.chars.len())
    }

    pub fn is_blank(&self) -> bool {
        self.chars.iter().all(|c| c.is_whitespace())
    }

    /// The row's text without leading and trailing whitespace.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }

    /// How many characters the row's first word has: word wrap moves a word down when it does
    /// not fit, so this tells whether the row above was full.
    pub fn first_word_len(&self) -> usize {
        self.trimmed()
            .split(' ')
            .next()
            .unwrap_or("")
            .chars()
            .count()
    }

    /// The characters from `col` on, as a string.
    pub fn text_from(&self, col: usize) -> String {
        self.chars.iter().skip(col).collect()
    }
}

/// A parsed capture.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    pub rows: Vec<Row>,
    /// True when the input carried escape codes, so attributes are meaningful.
    pub styled: bool,
    /// The widest row, in columns: full-width rules make this the pane width.
    pub width: usize,
}

impl Screen {
    /// Parses `input`. Cell attributes of styled input are read only for rows whose text
    /// `wants_attrs` accepts (reading cells is most of vt100's cost); other rows have none.
    pub fn parse(input: &str, wants_attrs: &dyn Fn(&str) -> bool) -> Screen {
        let styled = input.contains('\x1b');
        let lines = tail_lines(input, MAX_ROWS);
        let mut rows = if styled {
            parse_styled(&lines, wants_attrs)
        } else {
            parse_plain(&lines)
        };
        while rows.last().is_some_and(Row::is_blank) {
            rows.pop();
        }
        // The pane width, from the rows that can be on screen now (older scrollback may
        // come from a wider pane).
        let width = rows
            .iter()
            .rev()
            .take(WIDTH_ROWS)
            .map(|r| r.chars.len())
            .max()
            .unwrap_or(0);
        Screen {
            rows,
            styled,
            width,
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(Row::is_blank)
    }
}

/// The last `n` lines of `input` (`\r\n` counts as one break, a final newline ends the last line).
fn tail_lines(input: &str, n: usize) -> Vec<&str> {
    let body = input.strip_suffix('\n').unwrap_or(input);
    let mut out: Vec<&str> = body.rsplit('\n').take(n).collect();
    out.reverse();
    out.into_iter()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

fn parse_plain(lines: &[&str]) -> Vec<Row> {
    lines
        .iter()
        .map(|line| {
            let mut chars = Vec::new();
            for c in line.chars() {
                if chars.len() >= MAX_PLAIN_CHARS {
                    break;
                }
                match c {
                    '\t' => chars.extend(std::iter::repeat_n(' ', 8 - chars.len() % 8)),
                    c if c.is_control() => {}
                    c => chars.push(c),
                }
            }
            let attrs = vec![Attr::default(); chars.len()];
            Row::new(chars, attrs)
        })
        .collect()
}

fn parse_styled(lines: &[&str], wants_attrs: &dyn Fn(&str) -> bool) -> Vec<Row> {
    // Keep the last lines that fit the byte budget, each cut to a bounded length.
    let mut budget = MAX_ANSI_TOTAL;
    let mut cut: Vec<&str> = Vec::new();
    for l in lines.iter().rev() {
        let l = cut_at(l, MAX_ANSI_BYTES);
        if l.len() > budget {
            break;
        }
        budget -= l.len();
        cut.push(l);
    }
    cut.reverse();
    let widths: Vec<usize> = cut.iter().map(|l| visible_width(l)).collect();
    let cols = widths.iter().copied().max().unwrap_or(1).clamp(1, MAX_COLS);
    // A line wider than the grid wraps onto more rows; give those rows room too (bounded: the
    // grid scrolls, so the oldest rows fall off the top, never the newest).
    let rows: usize = widths.iter().map(|w| w.div_ceil(cols).max(1)).sum();
    let rows = rows.clamp(1, 2 * MAX_ROWS);
    let (Some(nr), Some(nc)) = (
        NonZeroU16::new(u16::try_from(rows).unwrap_or(u16::MAX)),
        NonZeroU16::new(u16::try_from(cols).unwrap_or(u16::MAX)),
    ) else {
        return Vec::new();
    };
    let mut parser = vt100::Parser::new(nr, nc, 0);
    parser.process(cut.join("\r\n").as_bytes());
    let screen = parser.screen();
    let mut out = Vec::with_capacity(rows);
    // `rows()` walks the grid once; `cell()` costs ~20 ns, so cells are read only for the rows
    // whose attributes the rules look at, and only as far as their text goes.
    for (r, text) in (0..nr.get()).zip(screen.rows(0, nc.get())) {
        // Only the blanks of empty cells: a trailing NBSP is text (Claude Code's empty input
        // box is `❯` + NBSP), as in a plain capture.
        let text = text.trim_end_matches(' ');
        if !wants_attrs(text) {
            let chars: Vec<char> = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            out.push(Row::new(chars, Vec::new()));
            continue;
        }
        let need = text.chars().count();
        let mut chars = Vec::with_capacity(need);
        let mut attrs = Vec::with_capacity(need);
        let mut c = 0;
        while chars.len() < need && c < nc.get() {
            let Some(cell) = screen.cell(r, c) else {
                break;
            };
            c += 1;
            if cell.is_wide_continuation() {
                continue;
            }
            let ch = cell.contents().chars().next().unwrap_or(' ');
            chars.push(if ch.is_control() { ' ' } else { ch });
            attrs.push(Attr {
                dim: cell.dim(),
                inverse: cell.inverse(),
                bold: cell.bold(),
                bg: cell.bgcolor() != vt100::Color::Default,
            });
        }
        out.push(Row::new(chars, attrs));
    }
    out
}

/// `s` cut to at most `max` bytes, on a char boundary.
fn cut_at(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An upper bound of the columns a line with escape codes fills (wide-capable chars count 2).
fn visible_width(line: &str) -> usize {
    let mut width = 0;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // CSI: parameters and intermediates up to a final byte in @..~.
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else if c == '\t' {
            width += 8;
        } else if !c.is_control() {
            // Box drawing and block elements (rules, logo) are narrow; count other
            // non-Latin chars as possibly wide so the grid is never too narrow.
            width += if c >= '\u{1100}' && !('\u{2500}'..='\u{259f}').contains(&c) {
                2
            } else {
                1
            };
        }
    }
    width
}
