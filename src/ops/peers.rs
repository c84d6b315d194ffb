//! `peers` / `list_peers`: every registered role with its pane checked against tmux now.

use super::Ctx;
use crate::error::Result;
use crate::store::registry::Registry;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Peer {
    pub role: String,
    pub pane: String,
    /// The pane exists on the server it was registered on and its program runs; null when tmux
    /// cannot be asked (not installed).
    pub alive: Option<bool>,
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
    /// Why liveness is unknown (tmux is not installed), when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// All roles, sorted by name; one `tmux list-panes` call checks every pane. Without tmux the
/// registry is still listed, with `alive` unknown and a warning.
pub fn peers(ctx: &Ctx) -> Result<PeersReport> {
    let reg = Registry::load(&ctx.state)?;
    let mut warning = None;
    let panes = if reg.roles.is_empty() {
        Some(vec![])
    } else {
        match ctx.tmux.list_panes() {
            Ok(p) => Some(p),
            Err(crate::tmux::Error::NoBinary) => {
                let e = crate::error::SbError::TmuxNotFound;
                warning = Some(format!("{e}; whether the panes are alive is unknown"));
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    let peers = reg
        .roles
        .into_iter()
        .map(|(role, e)| {
            let live = panes.as_ref().and_then(|panes| {
                panes
                    .iter()
                    .find(|p| p.pane == e.pane && p.server_pid == e.server_pid && !p.dead)
            });
            Peer {
                role,
                pane: e.pane,
                alive: panes.as_ref().map(|_| live.is_some()),
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
    Ok(PeersReport { peers, warning })
}
