//! `sb peers`: the registered roles as a table.

use crate::clock::age;
use crate::error::Result;
use crate::ops::{Ctx, peers};
use crate::output::{Out, Style};
use clap::Args;

/// List registered roles, whether their panes are alive, and what runs in them
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb peers\n  sb peers --json | jq '.peers[] | select(.alive) | .role'"
)]
pub struct PeersArgs {}

pub fn run(ctx: &Ctx, out: Out, _a: PeersArgs) -> Result<std::io::Result<()>> {
    let r = peers::peers(ctx)?;
    Ok(out.emit(&r, |r| {
        if r.peers.is_empty() {
            return "no roles registered; run `sb register ROLE` inside a tmux pane".into();
        }
        let rows = r
            .peers
            .iter()
            .map(|p| {
                vec![
                    out.paint(&p.role, Style::Bold),
                    p.pane.clone(),
                    if p.alive {
                        out.paint("yes", Style::Good)
                    } else {
                        out.paint("no", Style::Bad)
                    },
                    p.cwd.clone(),
                    p.command.clone().unwrap_or_else(|| "-".into()),
                    age(&p.last_seen),
                ]
            })
            .collect();
        out.table(
            &["role", "pane", "alive", "cwd", "command", "last seen"],
            rows,
        )
    }))
}
