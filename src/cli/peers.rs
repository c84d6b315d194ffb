//! `sb peers`: the registered roles as a table.

use super::done;
use crate::clock::age;
use crate::error::Result;
use crate::ops::{Ctx, peers};
use crate::output::{Out, Style, note};
use clap::Args;
use comfy_table::Cell;

/// List registered roles, whether their panes are alive, and what runs in them
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb peers\n  sb peers --json | jq '.peers[] | select(.alive) | .role'"
)]
pub struct PeersArgs {}

pub fn run(ctx: &Ctx, out: Out, _a: PeersArgs) -> Result<()> {
    let r = peers::peers(ctx)?;
    if let Some(w) = &r.warning {
        note(&format!("sb: warning: {w}"));
    }
    done(out.emit(&r, |r| {
        if r.peers.is_empty() {
            return "no roles registered; run `sb register ROLE` inside a tmux pane".into();
        }
        let rows = r
            .peers
            .iter()
            .map(|p| {
                vec![
                    out.cell(&p.role, Style::Bold),
                    Cell::new(match &p.host {
                        Some(h) => format!("{h}:{}", if p.pane.is_empty() { "?" } else { &p.pane }),
                        None => p.pane.clone(),
                    }),
                    match p.alive {
                        Some(true) => out.cell("yes", Style::Good),
                        Some(false) => out.cell("no", Style::Bad),
                        None => out.cell("unknown", Style::Warn),
                    },
                    Cell::new(&p.cwd),
                    Cell::new(p.command.as_deref().unwrap_or("-")),
                    Cell::new(age(&p.last_seen)),
                ]
            })
            .collect();
        out.table_cells(
            &["role", "pane", "alive", "cwd", "command", "last seen"],
            rows,
        )
    }))
}
