//! Presentation: the colour decision, tables (comfy-table), colours (owo-colors), JSON to stdout,
//! and quiet handling of a closed stdout (`sb history | head -1` exits 0).

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
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

    /// A compact table with a header row.
    pub fn table(&self, header: &[&str], rows: Vec<Vec<String>>) -> String {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if !self.color {
            t.force_no_tty();
        }
        t.set_header(header.iter().map(|h| h.to_string()));
        for r in rows {
            t.add_row(r);
        }
        t.to_string()
    }
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
