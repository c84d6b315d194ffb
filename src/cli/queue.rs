//! `sb queue`: the messages waiting for `sb watch` to deliver them, and `sb queue drop ID`.

use super::done;
use crate::error::Result;
use crate::ops::{Ctx, queue};
use crate::output::{Out, Style, note};
use clap::{Args, Subcommand};
use comfy_table::Cell;

/// List the queued messages (per recipient, oldest first), or drop one
///
/// A message sent with `sb send --queue` that the peer could not take waits here until
/// `sb watch` delivers it (oldest first per recipient, as soon as the peer can take it) or its
/// TTL runs out (then it is expired and its sender is told once). `reason` is why it was not
/// typed when it was sent. Without a running `sb watch` nothing is delivered: sb says so.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  sb queue\n  sb queue --role dev --json\n  sb queue drop 0187a3f2c4d5e6f70012ab340001"
)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub cmd: Option<QueueCmd>,
    /// Only messages queued for this role
    #[arg(long, value_name = "ROLE", add = super::role_completer())]
    pub role: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum QueueCmd {
    /// Remove a queued message: it is logged as dropped and never typed (exit 3 if it is not
    /// queued, e.g. already delivered)
    #[command(
        after_help = "Examples:\n  sb queue drop 0187a3f2c4d5e6f70012ab340001\n  sb --json queue drop 0187a3f2c4d5e6f70012ab340001"
    )]
    Drop(DropArgs),
}

#[derive(Debug, Args)]
pub struct DropArgs {
    /// The message id (`sb queue` shows it)
    pub id: String,
}

pub fn run(ctx: &Ctx, out: Out, a: QueueArgs) -> Result<()> {
    match a.cmd {
        Some(QueueCmd::Drop(d)) => {
            let r = queue::drop_message(ctx, &d.id)?;
            done(out.emit(&r, |r| {
                format!(
                    "dropped message {} to {} (never typed)",
                    r.dropped.id, r.dropped.to
                )
            }))
        }
        None => {
            let r = queue::list(ctx, a.role.as_deref())?;
            if !r.watcher_running && !r.queued.is_empty() {
                note(
                    "sb: warning: no sb watch is running: nothing delivers these messages until `sb watch` runs",
                );
            }
            done(out.emit(&r, |r| {
                if r.queued.is_empty() {
                    return "nothing queued".into();
                }
                let rows = r
                    .queued
                    .iter()
                    .map(|e| {
                        vec![
                            out.cell(&e.to, Style::Bold),
                            Cell::new(&e.id),
                            Cell::new(&e.from),
                            Cell::new(secs(e.age_s)),
                            Cell::new(e.expires_in_s.map_or("-".into(), secs)),
                            Cell::new(
                                e.reason
                                    .as_deref()
                                    .map_or("-".into(), |r| queue::preview(r, 60)),
                            ),
                            Cell::new(queue::preview(&e.text, 40)),
                        ]
                    })
                    .collect();
                out.table_cells(
                    &["to", "id", "from", "age", "expires in", "reason", "text"],
                    rows,
                )
            }))
        }
    }
}

/// `45s`, `12m`, `3h5m`.
fn secs(s: u64) -> String {
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{}m", s / 3600, s % 3600 / 60),
    }
}
