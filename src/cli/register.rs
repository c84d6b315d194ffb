//! `sb register` and `sb unregister`.

use super::done;
use crate::error::Result;
use crate::ops::{Ctx, register};
use crate::output::{Out, note};
use clap::Args;

/// Bind a role to a tmux pane (the current one by default), or point it at another host
///
/// With `--host`, the role lives on another machine: sb checks over SSH that HOST runs sb and has
/// the role registered there, then records a pointer. Every command on the role (send, peek,
/// detect, wait, respond, inbox, prompt) then runs HOST's sb over one shared SSH connection
/// (your ~/.ssh/config, or the file in $SB_SSH_CONFIG; never a password prompt).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb register dev             # inside the dev session's pane ($TMUX_PANE)\n  sb register reviewer --pane %5\n  sb register dev --host build1                          # dev is registered on build1\n  sb register dev --host build1 --remote-sb ~/.cargo/bin/sb"
)]
pub struct RegisterArgs {
    /// Role name: 1-64 characters of A-Z a-z 0-9 . _ -
    pub role: String,
    /// tmux pane id such as %3 [default: $TMUX_PANE]
    #[arg(long, value_name = "%N", conflicts_with = "host")]
    pub pane: Option<String>,
    /// The role lives on this SSH host (an alias in ~/.ssh/config, host or user@host)
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// sb's path on HOST [default: sb on the remote PATH]
    #[arg(long, value_name = "PATH", requires = "host")]
    pub remote_sb: Option<String>,
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
    if let Some(host) = &a.host {
        let r = register::register_remote(ctx, &a.role, host, a.remote_sb.as_deref())?;
        return done(out.emit(&r, |r| {
            format!(
                "registered {} on host {} (pane {} there, session {})",
                r.role, r.entry.host, r.remote.pane, r.remote.session
            )
        }));
    }
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
    done(out.emit(&r, |r| match &r.host {
        Some(h) => format!(
            "unregistered {} (the pointer to host {h}; the role on {h} stays)",
            r.role
        ),
        None => format!("unregistered {} (pane {})", r.role, r.pane),
    }))
}
