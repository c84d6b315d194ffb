//! The core operations. Each takes typed params and returns a typed, serializable report; none
//! prints. The CLI (`src/cli/`) and the MCP server (`src/mcp.rs`) both call these functions.

pub mod confirm;
pub mod demo;
pub mod detect;
pub mod doctor;
pub mod history;
pub mod hook;
pub mod peek;
pub mod peers;
pub mod prompt;
pub mod register;
pub mod respond;
pub mod send;
pub mod setup;
pub mod team;
pub mod watch;

use crate::error::{Result, SbError};
use crate::store::StateDir;
use crate::store::registry::{Registry, RoleEntry};
use crate::tmux::{PaneInfo, Tmux};
use std::path::PathBuf;

/// Where state lives and which tmux server to talk to: everything an operation needs.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub state: StateDir,
    pub tmux: Tmux,
}

impl Ctx {
    /// From the global options (`--state-dir`, `--socket`; the CLI already folded in the env vars).
    pub fn new(state_dir: Option<PathBuf>, socket: Option<PathBuf>) -> Result<Ctx> {
        Ok(Ctx {
            state: StateDir::resolve(state_dir.as_deref())?,
            tmux: Tmux::new(socket),
        })
    }

    /// The role registered for `$TMUX_PANE` (most recent registration wins), if any.
    pub fn own_role(&self) -> Option<String> {
        own_role_in(&Registry::load(&self.state).ok()?)
    }
}

/// The role `$TMUX_PANE` is registered as in an already loaded registry.
pub fn own_role_in(reg: &Registry) -> Option<String> {
    let pane = std::env::var("TMUX_PANE").ok().filter(|p| !p.is_empty())?;
    reg.role_for_pane(&pane, crate::tmux::server_pid_from_env())
        .map(str::to_string)
}

/// Look a role up and check its pane is alive on the same tmux server it was registered on.
pub fn live_pane(ctx: &Ctx, role: &str) -> Result<(RoleEntry, PaneInfo)> {
    crate::store::validate_role(role)?;
    let reg = Registry::load(&ctx.state)?;
    let entry = reg.get(role)?.clone();
    let info = ctx
        .tmux
        .pane_info(&entry.pane)
        .map_err(|e| gone(role, &entry, e))?;
    check_same_pane(role, &entry, &info)?;
    Ok((entry, info))
}

/// The pane must be on the server the role was registered on, and its process must be running.
pub fn check_same_pane(role: &str, entry: &RoleEntry, info: &PaneInfo) -> Result<()> {
    if info.server_pid != entry.server_pid {
        return Err(SbError::PaneGone(format!(
            "role {role:?} was registered on pane {} of tmux server pid {}, but that server is gone (pane {} now belongs to server pid {}: a reused id, not the same pane)",
            entry.pane, entry.server_pid, info.pane, info.server_pid
        )));
    }
    if info.dead {
        return Err(SbError::PaneGone(format!(
            "the program in pane {} of role {role:?} has exited",
            entry.pane
        )));
    }
    Ok(())
}

/// Rephrase "no such pane" as a statement about the role.
pub fn gone(role: &str, entry: &RoleEntry, e: SbError) -> SbError {
    match e {
        SbError::PaneGone(m) if m.ends_with("does not exist") => SbError::PaneGone(format!(
            "pane {} of role {role:?} no longer exists",
            entry.pane
        )),
        SbError::PaneGone(m) => SbError::PaneGone(format!("role {role:?}: {m}")),
        other => other,
    }
}
