//! Presentation: the colour decision, tables (comfy-table), colours (owo-colors), JSON to stdout,
//! and quiet handling of a closed stdout (`sb history | head -1` exits 0).

use comfy_table::{
    Attribute, Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};
use owo_colors::OwoColorize;
use serde::Serialize;
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// How results are written: JSON or for people, with or without colour.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub json: bool,
    pub color: bool,
}

impl Out {
    /// `--color` first, then `NO_COLOR`, then whether stdout is a terminal.
    pub fn new(json: bool, choice: ColorChoice) -> Out {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Out { json, color }
    }

    /// Print `report` as one JSON document, or as `human(report)` text.
    pub fn emit<T: Serialize>(
        &self,
        report: &T,
        human: impl FnOnce(&T) -> String,
    ) -> std::io::Result<()> {
        if self.json {
            DOCUMENT_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
            let s = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
            self.line(&s)
        } else {
            let s = human(report);
            if s.is_empty() {
                Ok(())
            } else {
                self.line(s.trim_end_matches('\n'))
            }
        }
    }

    /// Write `s` to stdout as it is (no newline added), flushed.
    pub fn write(&self, s: &str) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(s.as_bytes())?;
        stdout.flush()
    }

    /// Write one line to stdout.
    pub fn line(&self, s: &str) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(s.as_bytes())?;
        stdout.write_all(b"\n")?;
        stdout.flush()
    }

    pub fn paint(&self, s: &str, style: Style) -> String {
        if !self.color {
            return s.to_string();
        }
        match style {
            Style::Good => s.green().to_string(),
            Style::Bad => s.red().to_string(),
            Style::Warn => s.yellow().to_string(),
            Style::Dim => s.dimmed().to_string(),
            Style::Bold => s.bold().to_string(),
            Style::Accent => s.cyan().to_string(),
        }
    }

    /// `role` in its own colour: one of six, chosen by a hash of the name, so a role keeps its
    /// colour across lines and runs.
    pub fn paint_role(&self, role: &str) -> String {
        if !self.color {
            return role.to_string();
        }
        match role_colour(role) {
            0 => role.cyan().to_string(),
            1 => role.green().to_string(),
            2 => role.yellow().to_string(),
            3 => role.blue().to_string(),
            4 => role.magenta().to_string(),
            _ => role.bright_cyan().to_string(),
        }
    }

    /// A table cell with `style`; comfy-table does the styling, so it measures the plain text.
    pub fn cell(&self, s: &str, style: Style) -> Cell {
        let c = Cell::new(s);
        match style {
            Style::Good => c.fg(Color::Green),
            Style::Bad => c.fg(Color::Red),
            Style::Warn => c.fg(Color::Yellow),
            Style::Dim => c.add_attribute(Attribute::Dim),
            Style::Bold => c.add_attribute(Attribute::Bold),
            Style::Accent => c.fg(Color::Cyan),
        }
    }

    /// A compact table with a header row.
    pub fn table(&self, header: &[&str], rows: Vec<Vec<String>>) -> String {
        self.table_cells(
            header,
            rows.into_iter()
                .map(|r| r.into_iter().map(Cell::new).collect())
                .collect(),
        )
    }

    /// A compact table of styled cells (see `cell`). Column widths count display characters only:
    /// the colours are added by comfy-table after measuring.
    pub fn table_cells(&self, header: &[&str], rows: Vec<Vec<Cell>>) -> String {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if self.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t.set_header(header.iter().map(|h| self.cell(h, Style::Bold)));
        for r in rows {
            t.add_row(r);
        }
        t.to_string()
    }
}

/// Which of the six role colours `role` gets: FNV-1a of the name, so it is stable across runs
/// and machines (std's hasher is seeded per process).
pub fn role_colour(role: &str) -> u8 {
    let mut h: u32 = 0x811c_9dc5;
    for b in role.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % 6) as u8
}

/// `s` without SGR escape sequences (`ESC [ … m`), to measure what a terminal shows.
pub fn strip_sgr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Set once a command printed its JSON document: a failure after that (`send --confirm` that was
/// delivered but not confirmed) is not printed as a second document.
static DOCUMENT_PRINTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Note that a JSON document went to stdout by another way than `Out::emit` (a streamed one).
pub fn mark_document_printed() {
    DOCUMENT_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether a JSON document already went to stdout in this process.
pub fn document_printed() -> bool {
    DOCUMENT_PRINTED.load(std::sync::atomic::Ordering::Relaxed)
}

#[derive(Debug, Clone, Copy)]
pub enum Style {
    Good,
    Bad,
    Warn,
    Dim,
    Bold,
    Accent,
}

/// A confirmation or warning for people, on stderr.
pub fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coloured_table_rows_have_equal_display_width() {
        let out = Out {
            json: false,
            color: true,
        };
        let rows = vec![
            vec![
                out.cell("dev", Style::Bold),
                Cell::new("%1"),
                out.cell("yes", Style::Good),
            ],
            vec![
                out.cell("reviewer-with-a-long-name", Style::Bold),
                Cell::new("%12"),
                out.cell("no", Style::Bad),
            ],
        ];
        let t = out.table_cells(&["role", "pane", "alive"], rows);
        assert!(t.contains('\x1b'), "colour is on: {t:?}");
        let widths: Vec<usize> = t.lines().map(|l| strip_sgr(l).chars().count()).collect();
        assert!(widths.len() >= 5, "{t}");
        assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}\n{t}");
    }

    #[test]
    fn role_colours_are_stable_and_spread() {
        assert_eq!(role_colour("dev"), role_colour("dev"));
        let names = ["dev", "gestor", "reviewer", "qa", "ops", "docs", "a", "b"];
        let distinct: std::collections::BTreeSet<u8> =
            names.iter().map(|n| role_colour(n)).collect();
        assert!(distinct.len() >= 3, "{distinct:?}");
    }

    #[test]
    fn strip_sgr_removes_only_escapes() {
        assert_eq!(strip_sgr("\x1b[1;32mok\x1b[0m ü"), "ok ü");
    }
}
