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
pub mod queue;
pub mod receipts;
pub mod register;
pub mod respond;
pub mod send;
pub mod setup;
pub mod team;
pub mod time;
pub mod watch;

use crate::error::Result;
use crate::store::StateDir;
use crate::store::registry::Registry;
use crate::tmux::Tmux;
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
