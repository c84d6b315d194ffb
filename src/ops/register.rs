//! `register` / `unregister`: bind a role to a tmux pane (docs/ARCHITECTURE.md, State dir: `registry.json`).

use super::Ctx;
use crate::clock::now_rfc3339;
use crate::error::{Result, SbError};
use crate::store::registry::{Registry, RemoteEntry, RoleEntry};
use crate::store::validate_role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisterReport {
    pub role: String,
    #[serde(flatten)]
    pub entry: RoleEntry,
    /// The pane this role was bound to before, when it moved.
    pub previous_pane: Option<String>,
    /// Other roles registered on the same pane (a pane normally carries one role).
    pub shares_pane_with: Vec<String>,
}

/// Bind `role` to `pane` (default `$TMUX_PANE`), after checking the pane exists.
pub fn register(ctx: &Ctx, role: &str, pane: Option<&str>) -> Result<RegisterReport> {
    validate_role(role)?;
    let env_pane = std::env::var("TMUX_PANE").ok().filter(|p| !p.is_empty());
    let pane = pane.map(str::to_string).or(env_pane).ok_or_else(|| {
        SbError::Usage("no pane given and $TMUX_PANE is not set: run `sb register ROLE` inside the tmux pane, or pass --pane %N (see `tmux list-panes -a`)".into())
    })?;
    if !pane.starts_with('%') || pane.len() < 2 || !pane[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(SbError::Usage(format!(
            "invalid pane id {pane:?}: expected a tmux pane id such as %3"
        )));
    }
    let info = crate::pane::Pane::probe(ctx, &pane)?;
    if info.dead {
        return Err(SbError::PaneGone(format!(
            "the program in tmux pane {pane} has exited; a role on it could not be reached"
        )));
    }
    let now = now_rfc3339();
    let entry = RoleEntry {
        pane: info.pane,
        server_pid: info.server_pid,
        session: info.session,
        window: info.window,
        cwd: info.cwd,
        registered_at: now.clone(),
        last_seen: now,
        session_id: None,
        transcript_path: None,
        extra: Default::default(),
    };
    let (previous, shares) = Registry::update(&ctx.state, |reg| {
        let shares: Vec<String> = reg
            .roles
            .iter()
            .filter(|(r, e)| {
                r.as_str() != role && e.pane == entry.pane && e.server_pid == entry.server_pid
            })
            .map(|(r, _)| r.clone())
            .collect();
        // A role lives in one place: registering it here drops a pointer to another host.
        reg.remotes.remove(role);
        Ok((reg.roles.insert(role.to_string(), entry.clone()), shares))
    })?;
    Ok(RegisterReport {
        role: role.to_string(),
        entry,
        previous_pane: previous.map(|p| p.pane),
        shares_pane_with: shares,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnregisterReport {
    pub role: String,
    /// The pane the role was bound to (empty for a role on another host).
    pub pane: String,
    /// For a role on another host: that host (only the pointer here was dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// What `sb register ROLE --host HOST` recorded.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RemoteRegisterReport {
    pub role: String,
    #[serde(flatten)]
    pub entry: RemoteEntry,
    /// The role as the host's own `sb peers` lists it.
    pub remote: super::peers::Peer,
    /// The pane this role was bound to here before, when it was local.
    pub previous_pane: Option<String>,
}

/// Point `role` at the role of the same name on `host`: checks over SSH that the host runs sb
/// (`remote_sb`, default `sb` on its PATH) and has that role, then records the pointer.
pub fn register_remote(
    ctx: &Ctx,
    role: &str,
    host: &str,
    remote_sb: Option<&str>,
) -> Result<RemoteRegisterReport> {
    validate_role(role)?;
    crate::remote::check_host(host)?;
    if let Some(p) = remote_sb {
        crate::remote::check_remote_sb(p)?;
    }
    ctx.state.ensure()?;
    let remote = crate::remote::Remote::new(ctx, host, remote_sb);
    let there = remote.peers()?;
    let Some(peer) = there.peers.iter().find(|p| p.role == role).cloned() else {
        return Err(SbError::UnknownRole {
            role: format!("{role}@{host}"),
            known: there
                .peers
                .iter()
                .map(|p| format!("{}@{host}", p.role))
                .collect(),
        });
    };
    if let Some(next) = &peer.host {
        return Err(SbError::Usage(format!(
            "{role} on {host} is itself a pointer to host {next}: register it with --host {next}"
        )));
    }
    let now = now_rfc3339();
    let entry = RemoteEntry {
        host: host.to_string(),
        remote_sb: remote_sb.map(str::to_string),
        registered_at: now.clone(),
        last_seen: now,
        extra: Default::default(),
    };
    let previous = Registry::update(&ctx.state, |reg| {
        reg.remotes.insert(role.to_string(), entry.clone());
        Ok(reg.roles.remove(role))
    })?;
    Ok(RemoteRegisterReport {
        role: role.to_string(),
        entry,
        remote: peer,
        previous_pane: previous.map(|p| p.pane),
    })
}

pub fn unregister(ctx: &Ctx, role: &str) -> Result<UnregisterReport> {
    validate_role(role)?;
    let reg = Registry::load(&ctx.state)?;
    if reg.remote(role).is_some() {
        let e = Registry::update(&ctx.state, |reg| {
            reg.remotes
                .remove(role)
                .ok_or_else(|| SbError::UnknownRole {
                    role: role.into(),
                    known: reg
                        .roles
                        .keys()
                        .chain(reg.remotes.keys())
                        .cloned()
                        .collect(),
                })
        })?;
        return Ok(UnregisterReport {
            role: role.to_string(),
            pane: String::new(),
            host: Some(e.host),
        });
    }
    reg.get(role)?;
    let entry = Registry::update(&ctx.state, |reg| {
        reg.roles.remove(role).ok_or_else(|| SbError::UnknownRole {
            role: role.into(),
            known: reg.roles.keys().cloned().collect(),
        })
    })?;
    Ok(UnregisterReport {
        role: role.to_string(),
        pane: entry.pane,
        host: None,
    })
}

/// Set `last_seen` of the given roles to now, unless `seen` (the registry as the caller already
/// read it) shows them fresh. Best effort: a failure is ignored.
pub fn touch(ctx: &Ctx, seen: &Registry, roles: &[&str]) {
    // A registry rewrite (lock, temp file, fsync, rename) costs more than the send itself, so a
    // last_seen younger than LAST_SEEN_GRANULARITY is left as it is.
    let fresh = |reg: &Registry| {
        roles.iter().all(|r| {
            reg.roles.get(*r).is_none_or(|e| {
                crate::clock::parse_rfc3339(&e.last_seen)
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age < LAST_SEEN_GRANULARITY)
            })
        })
    };
    if fresh(seen) {
        return;
    }
    let now = now_rfc3339();
    let _ = Registry::update(&ctx.state, |reg| {
        for r in roles {
            if let Some(e) = reg.roles.get_mut(*r) {
                e.last_seen = now.clone();
            }
        }
        Ok(())
    });
}

/// How stale `last_seen` may get before a send rewrites the registry to refresh it.
pub const LAST_SEEN_GRANULARITY: std::time::Duration = std::time::Duration::from_secs(10);
