//! `sb history` and `sb inbox`: the newest messages, newest last.

use super::done;
use crate::clock::{parse_rfc3339, short_time};
use crate::error::{Result, SbError};
use crate::ops::{Ctx, history};
use crate::output::{Out, Style, note};
use crate::store::log::{self, Message, Outcome, Step};
use clap::Args;
use std::fmt::Write as _;
use std::time::SystemTime;

/// Show the conversation between all roles, newest last
///
/// Times are local (`HH:MM:SS` today, `Mon DD HH:MM` on other days); `--utc` shows UTC. Each
/// role keeps one colour. `--json` prints one document; `--jsonl` one message per line, which is
/// what `--follow` streams. Each message's `receipts` (in JSON) list its steps with their times.
/// The mark before each line is the message's latest step (see "Marks" below).
#[derive(Debug, Args)]
#[command(
    after_help = "Marks (the latest step of each message):\n  ✓✓  seen: the peer took it as a user turn (its transcript, or its screen; sb watch checks)\n  ✓   submitted: typed and Enter pressed, not (yet) seen\n  !   flagged: typed but not seen within `sb watch --flag-unseen`; the sender was told\n  …   queued: waiting for sb watch to deliver it (see `sb queue`)\n  ✗   not typed: refused, expired, dropped or failed, with the reason\n  ?   outcome unknown: sb stopped while sending\n  Messages logged before receipts existed carry no mark unless undelivered.\n\nExamples:\n  sb history\n  sb history --role dev --limit 50\n  sb history -n 0 --utc            # everything, times in UTC\n  sb history --follow --jsonl       # a stream, one JSON object per line\n  sb history --jsonl --limit 0 > all.jsonl\n  sb history --hosts                # this host and every host a role points to"
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
    /// Merge the logs of every host a role points to (`sb register ROLE --host`), by id;
    /// each message is marked with the host it was delivered on
    #[arg(long, conflicts_with = "follow")]
    pub hosts: bool,
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
    if a.hosts {
        let r = history::history_hosts(ctx, Some(a.limit), a.role.as_deref())?;
        for w in &r.warnings {
            note(&format!("sb: warning: {w}"));
        }
        print(out, a.jsonl, a.utc, &r)?;
    } else if a.limit == 0 {
        stream_all(ctx, out, &a, now)?;
    } else {
        let r = history::history(ctx, Some(a.limit), a.role.as_deref())?;
        print(out, a.jsonl, a.utc, &r)?;
    }
    if a.follow {
        let role = a.role.clone();
        let mut failed = None;
        log::follow(&ctx.state.conversation(), start, |m: Message| {
            // A message is followed at its outcome; the write-ahead record before it and the
            // receipt steps after its delivery are skipped.
            if m.outcome() == Outcome::Sending
                || m.is_receipt_only()
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
/// its own colour, continuation lines indented, the latest step as a mark (see `HistoryArgs`),
/// undelivered marked ✗ with the reason, a message whose outcome was never logged marked ?.
pub fn render(out: Out, m: &Message, now: SystemTime, utc: bool) -> String {
    let time = match parse_rfc3339(&m.ts) {
        Some(t) => short_time(t, now, utc),
        None => m.ts.clone(),
    };
    let mut s = String::new();
    let outcome = m.outcome();
    let (mark, style) = match (outcome, m.receipts.last().map(|r| r.step)) {
        (Outcome::Sending, _) => ("? ", Style::Warn),
        (Outcome::Queued, _) => ("… ", Style::Warn),
        (Outcome::Held, _) => ("? ", Style::Warn),
        (_, _) if !m.delivered => ("✗ ", Style::Bad),
        (_, Some(Step::Seen)) => ("✓✓ ", Style::Good),
        (_, Some(Step::Flagged)) => ("! ", Style::Warn),
        (_, Some(Step::Submitted)) => ("✓ ", Style::Dim),
        _ => ("", Style::Dim),
    };
    if !mark.is_empty() {
        s.push_str(&out.paint(mark, style));
    }
    let _ = write!(
        s,
        "{} {} → {}",
        out.paint(&time, Style::Dim),
        out.paint_role(&m.from),
        out.paint_role(&m.to)
    );
    if let Some(host) = &m.host {
        let _ = write!(s, "{}", out.paint(&format!("@{host}"), Style::Dim));
    }
    let note = |step: Step| {
        m.receipts
            .iter()
            .rev()
            .find(|r| r.step == step)
            .and_then(|r| r.note.clone())
    };
    let tag = match outcome {
        Outcome::Sending => Some((
            "[outcome unknown: sb stopped while sending; look at the peer]".to_string(),
            Style::Warn,
        )),
        Outcome::Queued => Some((
            format!(
                "[queued: {}{}]",
                note(Step::Queued).map_or_else(
                    || "waiting for sb watch".into(),
                    |n| crate::ops::queue::preview(&n, 80)
                ),
                m.expires_at
                    .as_deref()
                    .and_then(parse_rfc3339)
                    .map(|t| format!("; expires {}", short_time(t, now, utc)))
                    .unwrap_or_default()
            ),
            Style::Warn,
        )),
        Outcome::Held => Some((
            format!(
                "[{}]",
                m.error.as_deref().unwrap_or("held for a person's approval")
            ),
            Style::Warn,
        )),
        Outcome::Expired | Outcome::Dropped => Some((
            format!("[{}]", m.error.as_deref().unwrap_or("not delivered")),
            Style::Bad,
        )),
        _ if !m.delivered => {
            let why = m.error.as_deref().unwrap_or("not delivered");
            Some((format!("[undelivered: {why}]"), Style::Bad))
        }
        _ if !m.submitted => Some(("[not submitted]".to_string(), Style::Warn)),
        _ => note(Step::Flagged).map(|n| (format!("[{n}]"), Style::Warn)),
    };
    if let Some((tag, style)) = tag {
        let _ = write!(s, " {}", out.paint(&tag, style));
    }
    for (i, line) in m.text.lines().enumerate() {
        s.push_str(if i == 0 { "  " } else { "\n    " });
        s.push_str(line);
    }
    s
}
