//! `sb history` and `sb inbox`: the newest messages, newest last.

use crate::error::{Result, SbError};
use crate::ops::{Ctx, history};
use crate::output::{Out, Style, note};
use crate::store::log::{self, Message};
use clap::Args;

/// Show the conversation between all roles, newest last
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb history\n  sb history --role dev --limit 50\n  sb history --follow\n  sb history --jsonl --limit 0 > all.jsonl"
)]
pub struct HistoryArgs {
    /// How many messages (0 = all)
    #[arg(long, short = 'n', default_value_t = history::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Only messages from or to this role
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Keep printing new messages as they arrive (Ctrl-C to stop)
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// One JSON record per line
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
}

/// Show the messages sent to one role, newest last
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  sb inbox dev\n  sb inbox dev --limit 5 --json")]
pub struct InboxArgs {
    /// Role whose mailbox to read
    pub role: String,
    /// How many messages (0 = all)
    #[arg(long, short = 'n', default_value_t = history::DEFAULT_LIMIT)]
    pub limit: usize,
    /// One JSON record per line
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
}

pub fn run(ctx: &Ctx, out: Out, a: HistoryArgs) -> Result<std::io::Result<()>> {
    let start = log::file_len(&ctx.state.conversation());
    let r = history::history(ctx, Some(a.limit), a.role.as_deref())?;
    if let Err(e) = print(out, a.jsonl, &r) {
        return Ok(Err(e));
    }
    if a.follow {
        let role = a.role.clone();
        let mut failed = None;
        log::follow(&ctx.state.conversation(), start, |m: Message| {
            if role.as_ref().is_some_and(|r| &m.from != r && &m.to != r) {
                return true;
            }
            let res = if a.jsonl || out.json {
                out.line(&serde_json::to_string(&m).unwrap_or_default())
            } else {
                out.line(&render(out, &m))
            };
            failed = res.err();
            failed.is_none()
        })?;
        if let Some(e) = failed {
            return Err(SbError::from_io(e));
        }
    }
    Ok(Ok(()))
}

pub fn run_inbox(ctx: &Ctx, out: Out, a: InboxArgs) -> Result<std::io::Result<()>> {
    let r = history::inbox(ctx, &a.role, Some(a.limit))?;
    Ok(print(out, a.jsonl, &r))
}

fn print(out: Out, jsonl: bool, r: &history::HistoryReport) -> std::io::Result<()> {
    if r.skipped > 0 {
        note(&format!(
            "sb: warning: skipped {} unreadable line(s) in the log",
            r.skipped
        ));
    }
    if jsonl {
        for m in &r.messages {
            out.line(&serde_json::to_string(m).map_err(std::io::Error::other)?)?;
        }
        return Ok(());
    }
    out.emit(r, |r| {
        if r.messages.is_empty() {
            return String::new();
        }
        r.messages
            .iter()
            .map(|m| render(out, m))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// `10:00:00 gestor → dev  take issue #14`, continuation lines indented, undelivered marked.
fn render(out: Out, m: &Message) -> String {
    let time = m.ts.get(11..19).unwrap_or(&m.ts);
    let head = format!(
        "{} {} → {}",
        out.paint(time, Style::Dim),
        out.paint(&m.from, Style::Accent),
        out.paint(&m.to, Style::Accent)
    );
    let mut s = head;
    if !m.delivered {
        let why = m.error.as_deref().unwrap_or("not delivered");
        s.push_str(&format!(
            " {}",
            out.paint(&format!("[undelivered: {why}]"), Style::Bad)
        ));
    } else if !m.submitted {
        s.push_str(&format!(" {}", out.paint("[not submitted]", Style::Warn)));
    }
    for (i, line) in m.text.lines().enumerate() {
        s.push_str(if i == 0 { "  " } else { "\n    " });
        s.push_str(line);
    }
    s
}
