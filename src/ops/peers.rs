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
    /// For a role on another host: that host (its pane, session, cwd and command are as that
    /// host's sb reports them; `alive` is null when the host cannot be reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
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
    let mut reg = Registry::load(&ctx.state)?;
    let mut warning = None;
    let remotes = std::mem::take(&mut reg.remotes);
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
                host: None,
            }
        })
        .collect();
    let mut peers: Vec<Peer> = peers;
    peers.extend(remote_peers(ctx, &remotes, &mut warning));
    peers.sort_by(|a, b| a.role.cmp(&b.role));
    Ok(PeersReport { peers, warning })
}

/// The roles on other hosts: one `sb peers` per host over its shared connection. A host that
/// cannot be reached leaves its roles listed with `alive` unknown, and a warning.
fn remote_peers(
    ctx: &Ctx,
    remotes: &std::collections::BTreeMap<String, crate::store::registry::RemoteEntry>,
    warning: &mut Option<String>,
) -> Vec<Peer> {
    let mut by_host: std::collections::BTreeMap<(&str, Option<&str>), Vec<&str>> =
        std::collections::BTreeMap::new();
    for (role, e) in remotes {
        by_host
            .entry((e.host.as_str(), e.remote_sb.as_deref()))
            .or_default()
            .push(role);
    }
    let mut out = Vec::new();
    for ((host, sb), roles) in by_host {
        let there = crate::remote::Remote::new(ctx, host, sb).peers();
        if let Err(e) = &there {
            let w = format!("{host}: {e}; whether its roles are alive is unknown");
            *warning = Some(match warning.take() {
                Some(prev) => format!("{prev}; {w}"),
                None => w,
            });
        }
        for role in roles {
            let e = &remotes[role];
            let found = there
                .as_ref()
                .ok()
                .and_then(|r| r.peers.iter().find(|p| p.role == role));
            out.push(match found {
                Some(p) => Peer {
                    host: Some(host.to_string()),
                    registered_at: e.registered_at.clone(),
                    last_seen: e.last_seen.clone().max(p.last_seen.clone()),
                    ..p.clone()
                },
                None => Peer {
                    role: role.to_string(),
                    pane: String::new(),
                    // Reached, but the role is gone there: not alive. Not reached: unknown.
                    alive: there.as_ref().ok().map(|_| false),
                    server_pid: 0,
                    session: String::new(),
                    window: 0,
                    cwd: String::new(),
                    command: None,
                    registered_at: e.registered_at.clone(),
                    last_seen: e.last_seen.clone(),
                    host: Some(host.to_string()),
                },
            });
        }
    }
    out
}
