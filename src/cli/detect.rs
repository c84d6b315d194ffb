//! `sb detect` and `sb wait`: a peer's state, read off its screen.

use super::done;
use crate::detect::State;
use crate::error::{Result, SbError};
use crate::ops::Ctx;
use crate::ops::detect::{self as op, DetectReport, Until};
use crate::ops::time;
use crate::output::{Out, Style};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Tell whether a peer is busy, idle, or waiting on a menu or a question
///
/// States: busy, waiting_select (a menu or permission prompt is open: its question and options
/// are listed), waiting_text (a question in prose, or a text box), idle (an unsent draft is
/// shown), unknown. Only the visible screen counts, not old scrollback.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb detect dev\n  sb detect dev --json | jq -r .state\n  tmux capture-pane -p -e -t %3 | sb detect --screen -"
)]
pub struct DetectArgs {
    /// Role to look at
    #[arg(required_unless_present = "screen", conflicts_with = "screen", add = super::role_completer())]
    pub role: Option<String>,
    /// Classify saved screen text instead (`-` reads stdin)
    #[arg(long, value_name = "FILE")]
    pub screen: Option<PathBuf>,
    /// Only the bottom N rows of the screen
    #[arg(long, value_name = "N")]
    pub lines: Option<usize>,
}

/// Wait until a peer is busy, idle, waiting, or settled (not busy)
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb send dev 'run the tests' && sb wait dev --until busy --timeout 30s && sb wait dev --until settled\n  sb wait reviewer --until waiting --timeout 1h && sb detect reviewer\n\nExit status 5 when the timeout passes first."
)]
pub struct WaitArgs {
    /// Role to watch
    #[arg(add = super::role_completer())]
    pub role: String,
    /// The state to wait for
    #[arg(long, value_enum)]
    pub until: Until,
    /// Give up after this long (500ms, 30s, 10m, 1h)
    #[arg(long, default_value = time::WAIT_TIMEOUT, value_parser = time::parse_duration)]
    pub timeout: std::time::Duration,
    /// How often to look at least (with tmux control mode it also looks whenever the pane changes)
    #[arg(long, default_value = time::WAIT_INTERVAL, value_parser = time::parse_duration)]
    pub interval: std::time::Duration,
}

pub fn run(ctx: Option<&Ctx>, out: Out, a: DetectArgs) -> Result<()> {
    let r = match (&a.screen, &a.role, ctx) {
        (Some(path), _, _) => {
            let bytes = if path.as_os_str() == "-" {
                let mut b = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map(|_| b)
            } else {
                std::fs::read(path)
            }
            .map_err(|e| SbError::Usage(format!("cannot read screen {}: {e}", path.display())))?;
            op::detect_text(&String::from_utf8_lossy(&bytes), a.lines)
        }
        (None, Some(role), Some(ctx)) => op::detect(ctx, role, a.lines)?,
        _ => return Err(SbError::Usage("name a ROLE or pass --screen FILE".into())),
    };
    done(out.emit(&r, |r| render(out, r)))
}

pub fn run_wait(ctx: &Ctx, out: Out, a: WaitArgs) -> Result<()> {
    let r = op::wait(ctx, &a.role, a.until, a.timeout, a.interval)?;
    done(out.emit(&r, |r| render(out, &r.report)))
}

/// The state in colour, then the question, options, draft and the deciding rule.
pub fn render(out: Out, r: &DetectReport) -> String {
    let d = &r.detection;
    let style = match d.state {
        State::Busy => Style::Warn,
        State::WaitingSelect | State::WaitingText => Style::Bad,
        State::Idle => Style::Good,
        State::Unknown => Style::Dim,
    };
    let who = r
        .role
        .as_deref()
        .map(|r| format!("{r}: "))
        .unwrap_or_default();
    let mut s = format!("{who}{} ({})", out.paint(d.state.as_str(), style), d.agent);
    if let Some(q) = &d.question {
        let _ = write!(s, "\n  {}", out.paint(q, Style::Bold));
    }
    if !d.tabs.is_empty() {
        let _ = write!(s, "\n  tabs: {}", d.tabs.join(" | "));
    }
    for o in &d.options {
        let cursor = if o.selected { "❯" } else { " " };
        let num = o.number.map(|n| format!("{n}. ")).unwrap_or_default();
        let check = match o.checked {
            Some(true) => "[✔] ",
            Some(false) => "[ ] ",
            None => "",
        };
        let _ = write!(s, "\n  {cursor} {num}{check}{}", o.label);
    }
    if let Some(f) = &d.footer {
        let _ = write!(s, "\n  {}", out.paint(f, Style::Dim));
    }
    if let Some(draft) = &d.draft {
        let _ = write!(s, "\n  draft: {draft:?}");
    }
    if let (Some(role), Some(first)) = (&r.role, d.options.iter().find_map(|o| o.number)) {
        let _ = write!(s, "\n  answer with: sb respond {role} {first}");
    }
    let line = d
        .evidence
        .line
        .as_deref()
        .map(|l| format!(" on {l:?}"))
        .unwrap_or_default();
    let _ = write!(
        s,
        "\n  {}",
        out.paint(&format!("rule: {}{line}", d.evidence.rule), Style::Dim)
    );
    s
}
