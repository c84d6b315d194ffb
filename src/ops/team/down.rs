//! `sb down`: stop the team a team file describes. Each agent is asked to exit the way it exits
//! cleanly (typed only through the guarded send path, so never into a menu), given a few
//! seconds, and killed if it is still there; its role is unregistered; the worktrees `sb up`
//! added are removed unless they hold uncommitted work (those are kept and reported).

use super::file::{self, Launch, Programs};
use super::{TeamRecord, git};
use crate::error::{Result, SbError};
use crate::ops::Ctx;
use crate::ops::send::{SendParams, send};
use crate::store::registry::Registry;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct DownParams {
    pub file: PathBuf,
    pub keep_worktrees: bool,
    /// How long the agents get to exit before their panes are killed.
    pub grace: Duration,
}

/// How a role ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Its program exited by itself (when asked, or before).
    Exited,
    /// Still running after the grace period (or not safe to ask): its pane was killed.
    Killed,
    /// Not running: not registered, or its pane was already gone.
    NotRunning,
    /// Registered to a live pane outside this team's session: left alone, still registered.
    LeftAlone,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoleDown {
    pub role: String,
    pub pane: Option<String>,
    /// What was typed or sent to ask it to exit (`/exit`, `/quit`, `C-c`), null when not asked.
    pub asked: Option<String>,
    pub stop: Stop,
    pub unregistered: bool,
    pub detail: String,
    /// For a role with `host` in the team file: that host (its sb stopped it; the pointer here
    /// was dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorktreeDown {
    pub role: String,
    pub path: String,
    pub branch: String,
    pub removed: bool,
    /// Why it was kept, or that the branch stays.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DownReport {
    pub file: String,
    pub session: String,
    pub roles: Vec<RoleDown>,
    /// The `sb watch` window was closed.
    pub watch_closed: bool,
    pub worktrees: Vec<WorktreeDown>,
}

pub fn down(ctx: &Ctx, p: &DownParams) -> Result<DownReport> {
    let mut team = file::load(&p.file, Programs::Unchecked)?;
    let hosts = super::remote::split(&mut team);
    let remote_roles = super::remote::down(ctx, &team, &hosts, p.keep_worktrees, p.grace);
    let reg = Registry::load(&ctx.state)?;
    let mut record = TeamRecord::load(ctx, &team.session)?;
    // `sb down` typed in one of the team's own panes must not kill itself half way.
    let own = std::env::var("TMUX_PANE").ok().filter(|p| !p.is_empty());
    let mut roles = Vec::new();
    // Roles whose panes are this team's and still there: (index into roles, pane).
    let mut ours: Vec<(usize, String)> = Vec::new();
    for role in &team.roles {
        let mut r = RoleDown {
            role: role.name.clone(),
            pane: None,
            asked: None,
            stop: Stop::NotRunning,
            unregistered: false,
            detail: String::new(),
            host: None,
        };
        let Some(entry) = reg.roles.get(&role.name) else {
            r.detail = "not registered".into();
            roles.push(r);
            continue;
        };
        r.pane = Some(entry.pane.clone());
        let info = match crate::pane::Pane::of(ctx, &role.name, entry.clone()).raw_info() {
            Ok(i) if i.server_pid == entry.server_pid => i,
            Ok(_) | Err(crate::tmux::Error::NoPane(_)) => {
                r.detail = format!("its pane {} was already gone", entry.pane);
                roles.push(r);
                continue;
            }
            Err(e) if e.is_unavailable() => {
                r.detail = "no tmux server runs: nothing to stop".into();
                roles.push(r);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if info.session != team.session {
            r.stop = Stop::LeftAlone;
            r.detail = format!(
                "registered to pane {} in session {:?}, not {:?}: left alone (stop it there, or `sb unregister {}`)",
                entry.pane, info.session, team.session, role.name
            );
            roles.push(r);
            continue;
        }
        if info.dead {
            r.stop = Stop::Exited;
            r.detail = "its program had already exited".into();
        } else {
            ask(ctx, &role.name, &role.launch, &entry.pane, &mut r);
        }
        ours.push((roles.len(), entry.pane.clone()));
        roles.push(r);
    }

    // Give the asked agents a few seconds to go, then kill what is left.
    let deadline = Instant::now() + p.grace;
    loop {
        let running: Vec<usize> = ours
            .iter()
            .filter(|(i, pane)| {
                roles[*i].asked.is_some() && roles[*i].stop != Stop::Exited && {
                    match crate::pane::Pane::probe(ctx, pane) {
                        Ok(info) if !info.dead => true,
                        _ => {
                            roles[*i].stop = Stop::Exited;
                            false
                        }
                    }
                }
            })
            .map(|(i, _)| *i)
            .collect();
        if running.is_empty() || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    for (i, pane) in &ours {
        let r = &mut roles[*i];
        if r.stop != Stop::Exited {
            r.stop = Stop::Killed;
            if r.asked.is_some() {
                r.detail = format!(
                    "asked with {}, still running after {}s: pane killed",
                    r.asked.as_deref().unwrap_or(""),
                    p.grace.as_secs()
                );
            }
        } else if r.detail.is_empty() {
            r.detail = format!(
                "exited when asked with {}",
                r.asked.as_deref().unwrap_or("?")
            );
        }
        if own.as_deref() == Some(pane.as_str()) {
            continue; // this sb runs in it: killed last, when everything else is done
        }
        ctx.tmux.kill_pane(pane)?;
    }
    for r in roles.iter_mut().filter(|r| r.stop != Stop::LeftAlone) {
        if reg.roles.contains_key(&r.role) {
            match crate::ops::register::unregister(ctx, &r.role) {
                Ok(_) => r.unregistered = true,
                Err(SbError::UnknownRole { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }

    let mut watch_closed = false;
    if let Some(w) = record.watch_pane.take()
        && let Ok(info) = crate::pane::Pane::probe(ctx, &w)
        && info.session == team.session
        && record.server_pid.is_none_or(|s| s == info.server_pid)
    {
        ctx.tmux.kill_pane(&w)?;
        watch_closed = true;
    }

    let mut worktrees = Vec::new();
    let mut kept = std::collections::BTreeMap::new();
    for (role, w) in std::mem::take(&mut record.worktrees) {
        let path = Path::new(&w.path);
        let mut d = WorktreeDown {
            role: role.clone(),
            path: w.path.clone(),
            branch: w.branch.clone(),
            removed: false,
            detail: String::new(),
        };
        if !w.created {
            d.detail = "not added by sb up: left as it is".into();
        } else if !path.exists() {
            d.detail = "already gone".into();
            worktrees.push(d);
            continue;
        } else if p.keep_worktrees {
            d.detail = "kept (--keep-worktrees)".into();
        } else {
            match git::uncommitted(path) {
                Ok(s) if s.is_empty() => {
                    match git::run(Path::new(&w.repo), &["worktree", "remove", &w.path]) {
                        Ok(_) => {
                            d.removed = true;
                            d.detail = format!("removed; branch {} is kept", w.branch);
                            if let Some(parent) = path.parent() {
                                let _ = std::fs::remove_dir(parent); // only when empty
                            }
                        }
                        Err(e) => d.detail = format!("kept: {e}"),
                    }
                }
                Ok(s) => {
                    let n = s.lines().count();
                    d.detail = format!(
                        "kept: it has uncommitted changes ({n} path{}); commit or discard them, then `git worktree remove {}`",
                        if n == 1 { "" } else { "s" },
                        w.path
                    );
                }
                Err(e) => d.detail = format!("kept: cannot tell whether it is clean ({e})"),
            }
        }
        if !d.removed {
            kept.insert(role, w);
        }
        worktrees.push(d);
    }
    record.worktrees = kept;
    if record.worktrees.is_empty() {
        TeamRecord::remove(ctx, &team.session)?;
    } else {
        record.save(ctx)?;
    }
    if let Some(pane) = own.filter(|p| ours.iter().any(|(_, o)| o == p)) {
        ctx.tmux.kill_pane(&pane)?;
    }
    roles.extend(remote_roles);
    Ok(DownReport {
        file: team.path.display().to_string(),
        session: team.session,
        roles,
        watch_closed,
        worktrees,
    })
}

/// Ask one running agent to exit: its exit command through `send` (which refuses a menu or a
/// draft), or C-c for a command role after the same guard. Not deliverable: not asked (killed).
fn ask(ctx: &Ctx, role: &str, launch: &Launch, pane: &str, r: &mut RoleDown) {
    match launch.kind() {
        Some(kind) => {
            let mut sp = SendParams::new(role, kind.exit_command());
            sp.tag = false;
            match send(ctx, &sp) {
                Ok(_) => r.asked = Some(kind.exit_command().into()),
                Err(e) => r.detail = format!("not asked to exit ({e}): pane killed"),
            }
        }
        None => {
            // The same guard as send, under the pane lock: C-c only into a program sb recognises.
            let asked = crate::pane::Pane::resolve(ctx, role).and_then(|p| {
                let _lock = p.lock()?;
                let obs = p.observe()?;
                match obs.verdict.refusal {
                    Some(reason) => Err(crate::error::SbError::Refused {
                        reason,
                        hint: obs.verdict.hint.unwrap_or_default(),
                    }),
                    None => p.keys(&["C-c".to_string()]),
                }
            });
            let _ = pane;
            match asked {
                Ok(()) => r.asked = Some("C-c".into()),
                Err(e) => r.detail = format!("not asked to exit ({e}): pane killed"),
            }
        }
    }
}
