//! `sb register` and `sb unregister`.

use super::done;
use crate::error::Result;
use crate::ops::{Ctx, register};
use crate::output::{Out, note};
use clap::Args;

/// Bind a role to a tmux pane (the current one by default)
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb register dev             # inside the dev session's pane ($TMUX_PANE)\n  sb register reviewer --pane %5"
)]
pub struct RegisterArgs {
    /// Role name: 1-64 characters of A-Z a-z 0-9 . _ -
    pub role: String,
    /// tmux pane id such as %3 [default: $TMUX_PANE]
    #[arg(long, value_name = "%N")]
    pub pane: Option<String>,
}

/// Forget a role
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  sb unregister reviewer")]
pub struct UnregisterArgs {
    /// Role name
    #[arg(add = super::role_completer())]
    pub role: String,
}

pub fn run(ctx: &Ctx, out: Out, a: RegisterArgs) -> Result<()> {
    let r = register::register(ctx, &a.role, a.pane.as_deref())?;
    if !r.shares_pane_with.is_empty() {
        note(&format!(
            "sb: warning: pane {} also carries {}; messages to any of them reach the same session (`sb unregister ROLE` drops one)",
            r.entry.pane,
            r.shares_pane_with.join(", ")
        ));
    }
    done(out.emit(&r, |r| {
        let moved = r
            .previous_pane
            .as_ref()
            .map(|p| format!(" (was {p})"))
            .unwrap_or_default();
        format!(
            "registered {} on pane {}{moved} (session {}, window {})",
            r.role, r.entry.pane, r.entry.session, r.entry.window
        )
    }))
}

pub fn run_unregister(ctx: &Ctx, out: Out, a: UnregisterArgs) -> Result<()> {
    let r = register::unregister(ctx, &a.role)?;
    done(out.emit(&r, |r| format!("unregistered {} (pane {})", r.role, r.pane)))
}
