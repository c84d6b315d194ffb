//! `register` / `unregister`: bind a role to a tmux pane (docs/ARCHITECTURE.md, State dir: `registry.json`).

use super::Ctx;
use crate::clock::now_rfc3339;
use crate::error::{Result, SbError};
use crate::store::registry::{Registry, RoleEntry};
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
    pub pane: String,
}

pub fn unregister(ctx: &Ctx, role: &str) -> Result<UnregisterReport> {
    validate_role(role)?;
    Registry::load(&ctx.state)?.get(role)?;
    let entry = Registry::update(&ctx.state, |reg| {
        reg.roles.remove(role).ok_or_else(|| SbError::UnknownRole {
            role: role.into(),
            known: reg.roles.keys().cloned().collect(),
        })
    })?;
    Ok(UnregisterReport {
        role: role.to_string(),
        pane: entry.pane,
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
