//! `sb history` and `sb inbox`: the newest messages, newest last.

use super::done;
use crate::clock::{parse_rfc3339, short_time};
use crate::error::{Result, SbError};
use crate::ops::{Ctx, history};
use crate::output::{Out, Style, note};
use crate::store::log::{self, Message, Outcome};
use clap::Args;
use std::fmt::Write as _;
use std::time::SystemTime;

/// Show the conversation between all roles, newest last
///
/// Times are local (`HH:MM:SS` today, `Mon DD HH:MM` on other days); `--utc` shows UTC. Each
/// role keeps one colour; undelivered messages are marked ✗ with the reason. `--json` prints one
/// document; `--jsonl` one message per line, which is what `--follow` streams.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb history\n  sb history --role dev --limit 50\n  sb history -n 0 --utc            # everything, times in UTC\n  sb history --follow --jsonl       # a stream, one JSON object per line\n  sb history --jsonl --limit 0 > all.jsonl"
)]
pub struct HistoryArgs {
    /// How many of the newest messages (0 = all, streamed in constant memory)
    #[arg(long, short = 'n', default_value_t = history::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Only messages from or to this role (exit 3 if no such role)
    #[arg(long, value_name = "ROLE", add = role_completer())]
    pub role: Option<String>,
    /// Keep printing new messages as they arrive (Ctrl-C to stop); with --jsonl for machines
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// One JSON object per line, flushed per line (for streams and big logs)
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
    /// Show times in UTC instead of the local time zone
    #[arg(long)]
    pub utc: bool,
}

/// Show the messages sent to one role, newest last
///
/// `--unread` shows only what arrived after the role's read marker, and `--mark-read` moves the
/// marker to the newest message shown, so an agent can ask "what is new for me".
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb inbox dev\n  sb inbox dev --limit 5 --json\n  sb inbox dev --unread --mark-read   # what is new, then mark it read\n  sb inbox dev --jsonl --utc"
)]
pub struct InboxArgs {
    /// Role whose mailbox to read
    #[arg(add = role_completer())]
    pub role: String,
    /// How many of the newest messages (0 = all) [default: 20; all with --unread]
    #[arg(long, short = 'n')]
    pub limit: Option<usize>,
    /// Only messages after the role's read marker (see --mark-read)
    #[arg(long)]
    pub unread: bool,
    /// Mark the newest message shown as read
    #[arg(long)]
    pub mark_read: bool,
    /// One JSON object per line, flushed per line
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
    /// Show times in UTC instead of the local time zone
    #[arg(long)]
    pub utc: bool,
}

use super::role_completer;

pub fn run(ctx: &Ctx, out: Out, a: HistoryArgs) -> Result<()> {
    if a.follow && out.json {
        return Err(SbError::Usage(
            "--follow prints a stream, and --json is one document: use --follow --jsonl".into(),
        ));
    }
    let start = log::file_len(&ctx.state.conversation());
    let now = SystemTime::now();
    if a.limit == 0 {
        stream_all(ctx, out, &a, now)?;
    } else {
        let r = history::history(ctx, Some(a.limit), a.role.as_deref())?;
        print(out, a.jsonl, a.utc, &r)?;
    }
    if a.follow {
        let role = a.role.clone();
        let mut failed = None;
        log::follow(&ctx.state.conversation(), start, |m: Message| {
            // A message is followed at its outcome; the write-ahead record before it is skipped.
            if m.outcome() == Outcome::Sending
                || role.as_ref().is_some_and(|r| &m.from != r && &m.to != r)
            {
                return true;
            }
            let res = if a.jsonl {
                out.line(&serde_json::to_string(&m).unwrap_or_default())
            } else {
                out.line(&render(out, &m, SystemTime::now(), a.utc))
            };
            failed = res.err();
            failed.is_none()
        })?;
        if let Some(e) = failed {
            return Err(SbError::from_io(e));
        }
    }
    Ok(())
}

/// `history -n 0`: every message, written as it is read, so memory stays flat whatever the log's
/// size (one line and a 64 KiB output buffer). `--json` is still one document, written piece by
/// piece.
fn stream_all(ctx: &Ctx, out: Out, a: &HistoryArgs, now: SystemTime) -> Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut failed: Option<std::io::Error> = None;
    let mut first = true;
    if out.json {
        crate::output::mark_document_printed();
        if let Err(e) = w.write_all(b"{\n  \"messages\": [") {
            return Err(e.into());
        }
    }
    let skipped = history::history_each(ctx, a.role.as_deref(), |m| {
        let res = if out.json || a.jsonl {
            let sep = match (out.json, first) {
                (true, true) => "\n    ",
                (true, false) => ",\n    ",
                (false, _) => "",
            };
            // (to a String first: serde_json would wrap a broken pipe into its own error kind)
            serde_json::to_string(&m)
                .map_err(std::io::Error::other)
                .and_then(|s| w.write_all(format!("{sep}{s}").as_bytes()))
                .and_then(|()| if a.jsonl { w.write_all(b"\n") } else { Ok(()) })
        } else {
            writeln!(w, "{}", render(out, &m, now, a.utc))
        };
        first = false;
        failed = res.err();
        failed.is_none()
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    if out.json {
        let close = if first { "],\n" } else { "\n  ],\n" };
        if let Err(e) = write!(w, "{close}  \"skipped\": {skipped}\n}}\n") {
            return Err(e.into());
        }
    }
    if let Err(e) = w.flush() {
        return Err(e.into());
    }
    drop(w);
    warn_skipped(skipped);
    Ok(())
}

pub fn run_inbox(ctx: &Ctx, out: Out, a: InboxArgs) -> Result<()> {
    let r = history::inbox_with(
        ctx,
        &history::InboxParams {
            role: a.role.clone(),
            limit: a.limit,
            unread: a.unread,
            mark_read: a.mark_read,
        },
    )?;
    if !out.json && !a.jsonl && r.messages.is_empty() && a.unread {
        note(&format!("no unread messages for {}", a.role));
    }
    done(print(out, a.jsonl, a.utc, &r))
}

fn warn_skipped(skipped: usize) {
    if skipped > 0 {
        note(&format!(
            "sb: warning: skipped {skipped} unreadable line(s) in the log"
        ));
    }
}

fn print(out: Out, jsonl: bool, utc: bool, r: &history::HistoryReport) -> std::io::Result<()> {
    warn_skipped(r.skipped);
    if jsonl {
        for m in &r.messages {
            out.line(&serde_json::to_string(m).map_err(std::io::Error::other)?)?;
        }
        return Ok(());
    }
    let now = SystemTime::now();
    out.emit(r, |r| {
        if r.messages.is_empty() {
            return String::new();
        }
        r.messages
            .iter()
            .map(|m| render(out, m, now, utc))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// `10:00:00 gestor → dev  take issue #14` (local time; the date when not today), each role in
/// its own colour, continuation lines indented, undelivered marked ✗ with the reason, a message
/// whose outcome was never logged marked ?.
pub fn render(out: Out, m: &Message, now: SystemTime, utc: bool) -> String {
    let time = match parse_rfc3339(&m.ts) {
        Some(t) => short_time(t, now, utc),
        None => m.ts.clone(),
    };
    let mut s = String::new();
    let unknown = m.outcome() == Outcome::Sending;
    let held = m.outcome() == Outcome::Held;
    if unknown || held {
        s.push_str(&out.paint("? ", Style::Warn));
    } else if !m.delivered {
        s.push_str(&out.paint("✗ ", Style::Bad));
    }
    let _ = write!(
        s,
        "{} {} → {}",
        out.paint(&time, Style::Dim),
        out.paint_role(&m.from),
        out.paint_role(&m.to)
    );
    if unknown {
        let _ = write!(
            s,
            " {}",
            out.paint(
                "[outcome unknown: sb stopped while sending; look at the peer]",
                Style::Warn
            )
        );
    } else if held {
        let why = m.error.as_deref().unwrap_or("held for a person's approval");
        let _ = write!(s, " {}", out.paint(&format!("[{why}]"), Style::Warn));
    } else if !m.delivered {
        let why = m.error.as_deref().unwrap_or("not delivered");
        let _ = write!(
            s,
            " {}",
            out.paint(&format!("[undelivered: {why}]"), Style::Bad)
        );
    } else if !m.submitted {
        let _ = write!(s, " {}", out.paint("[not submitted]", Style::Warn));
    }
    for (i, line) in m.text.lines().enumerate() {
        s.push_str(if i == 0 { "  " } else { "\n    " });
        s.push_str(line);
    }
    s
}
