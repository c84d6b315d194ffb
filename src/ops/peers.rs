//! `peers` / `list_peers`: every registered role with its pane checked against tmux now.

use super::Ctx;
use crate::error::Result;
use crate::store::registry::Registry;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Peer {
    pub role: String,
    pub pane: String,
    /// The pane exists on the server it was registered on and its program runs.
    pub alive: bool,
    pub server_pid: u32,
    pub session: String,
    pub window: u32,
    /// Working directory: the pane's current one when alive, else the registered one.
    pub cwd: String,
    /// The program in the pane (`claude`, `node`, `bash`, …), when alive.
    pub command: Option<String>,
    pub registered_at: String,
    pub last_seen: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeersReport {
    pub peers: Vec<Peer>,
}

/// All roles, sorted by name; one `tmux list-panes` call checks every pane.
pub fn peers(ctx: &Ctx) -> Result<PeersReport> {
    let reg = Registry::load(&ctx.state)?;
    let panes = if reg.roles.is_empty() {
        vec![]
    } else {
        ctx.tmux.list_panes()?
    };
    let peers = reg
        .roles
        .into_iter()
        .map(|(role, e)| {
            let live = panes
                .iter()
                .find(|p| p.pane == e.pane && p.server_pid == e.server_pid && !p.dead);
            Peer {
                role,
                pane: e.pane,
                alive: live.is_some(),
                server_pid: e.server_pid,
                session: live.map_or(e.session, |p| p.session.clone()),
                window: live.map_or(e.window, |p| p.window),
                cwd: live.map_or(e.cwd, |p| p.cwd.clone()),
                command: live.map(|p| p.command.clone()),
                registered_at: e.registered_at,
                last_seen: e.last_seen,
            }
        })
        .collect();
    Ok(PeersReport { peers })
}
