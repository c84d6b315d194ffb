//! Team roles on other hosts (`host = "build1"` in `sb.toml`). `sb up` hands each host its roles
//! as a team file of their own, on stdin (`sb --json up -f -` there), then points each role here
//! at that host; `sb down` does the same with `sb down -f -` and drops the pointers. Each host's sb
//! starts, registers, briefs and checks its panes exactly as for a local team.

use super::down::{RoleDown, Stop};
use super::file::{Launch, Role, Team};
use super::up::{BriefingStatus, RoleStatus, RoleUp, UpReport};
use crate::clock::now_rfc3339;
use crate::error::{Result, other};
use crate::ops::Ctx;
use crate::remote::Remote;
use crate::store::registry::{Registry, RemoteEntry};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Take the roles that run on other hosts out of `team`, grouped by host (in file order).
pub fn split(team: &mut Team) -> BTreeMap<String, Vec<Role>> {
    let mut by_host: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    let (remote, local): (Vec<Role>, Vec<Role>) = std::mem::take(&mut team.roles)
        .into_iter()
        .partition(|r| r.host.is_some());
    team.roles = local;
    for r in remote {
        by_host
            .entry(r.host.clone().unwrap_or_default())
            .or_default()
            .push(r);
    }
    by_host
}

#[derive(Serialize)]
struct HostTeam<'a> {
    session: &'a str,
    layout: &'a str,
    role: Vec<HostRole<'a>>,
}

#[derive(Serialize)]
struct HostRole<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cwd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    briefing: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    worktree: Option<&'a str>,
}

/// The team file one host gets: the same session and layout, its roles, briefings inline.
pub fn host_file(team: &Team, roles: &[Role]) -> Result<String> {
    let t = HostTeam {
        session: &team.session,
        layout: &team.layout,
        role: roles
            .iter()
            .map(|r| {
                let (agent, args, command) = match &r.launch {
                    Launch::Agent { kind, args, .. } => {
                        (Some(kind.program()), Some(args.as_slice()), None)
                    }
                    Launch::Command(c) => (None, None, Some(c.as_str())),
                };
                HostRole {
                    name: &r.name,
                    agent,
                    args: args.filter(|a| !a.is_empty()),
                    command,
                    cwd: (!r.cwd.as_os_str().is_empty()).then(|| r.cwd.display().to_string()),
                    briefing: r.briefing.as_deref(),
                    worktree: r.worktree.as_deref(),
                }
            })
            .collect(),
    };
    toml::to_string(&t).map_err(|e| other(format!("cannot write the team file for a host: {e}")))
}

/// Start each host's roles there; point them at their host here (not with `dry_run`). A host
/// that cannot be reached (or whose sb fails) leaves its roles `not_ready` with the reason.
pub fn up(
    ctx: &Ctx,
    team: &Team,
    hosts: &BTreeMap<String, Vec<Role>>,
    dry_run: bool,
    setup: bool,
    timeout: Duration,
) -> Vec<RoleUp> {
    let mut out = Vec::new();
    for (host, roles) in hosts {
        let remote = Remote::new(ctx, host, None);
        let mut args = vec![
            "up".to_string(),
            "-f".into(),
            "-".into(),
            "--timeout".into(),
            format!("{}ms", timeout.as_millis()),
        ];
        if dry_run {
            args.push("--dry-run".into());
        }
        if setup {
            args.push("--setup".into());
        }
        let report: Result<UpReport> = host_file(team, roles).and_then(|text| {
            remote.call(
                &args,
                Some(text.as_bytes()),
                timeout.saturating_add(Duration::from_secs(120)),
            )
        });
        match report {
            Ok(r) => {
                if !dry_run {
                    let names: Vec<&str> = r.roles.iter().map(|x| x.role.as_str()).collect();
                    if let Err(e) = point(ctx, host, &names) {
                        crate::output::note(&format!("sb: warning: {e}"));
                    }
                }
                out.extend(r.roles.into_iter().map(|mut x| {
                    x.host = Some(host.clone());
                    x
                }));
            }
            Err(e) => out.extend(roles.iter().map(|role| RoleUp {
                role: role.name.clone(),
                agent: role.launch.label().into(),
                pane: None,
                status: RoleStatus::NotReady,
                detail: format!("not started: {e}"),
                briefing: BriefingStatus::None,
                cwd: role.cwd.display().to_string(),
                question: None,
                fingerprint: None,
                respond: vec![],
                previous_pane: None,
                worktree: None,
                host: Some(host.clone()),
            })),
        }
    }
    out
}

/// Stop each host's roles there and drop their pointers here.
pub fn down(
    ctx: &Ctx,
    team: &Team,
    hosts: &BTreeMap<String, Vec<Role>>,
    keep_worktrees: bool,
    grace: Duration,
) -> Vec<RoleDown> {
    let mut out = Vec::new();
    for (host, roles) in hosts {
        let remote = Remote::new(ctx, host, None);
        let mut args = vec![
            "down".to_string(),
            "-f".into(),
            "-".into(),
            "--grace".into(),
            format!("{}ms", grace.as_millis()),
        ];
        if keep_worktrees {
            args.push("--keep-worktrees".into());
        }
        let report: Result<super::down::DownReport> = host_file(team, roles).and_then(|text| {
            remote.call(
                &args,
                Some(text.as_bytes()),
                grace.saturating_add(Duration::from_secs(120)),
            )
        });
        match report {
            Ok(r) => {
                let names: Vec<&str> = roles.iter().map(|x| x.name.as_str()).collect();
                let _ = Registry::update(&ctx.state, |reg| {
                    for n in &names {
                        if reg.remotes.get(*n).is_some_and(|e| &e.host == host) {
                            reg.remotes.remove(*n);
                        }
                    }
                    Ok(())
                });
                out.extend(r.roles.into_iter().map(|mut x| {
                    x.host = Some(host.clone());
                    x
                }));
            }
            Err(e) => out.extend(roles.iter().map(|role| RoleDown {
                role: role.name.clone(),
                pane: None,
                asked: None,
                stop: Stop::NotRunning,
                unregistered: false,
                detail: format!("not stopped: {e}"),
                host: Some(host.clone()),
            })),
        }
    }
    out
}

/// Point `roles` at `host` in this registry (replacing a local registration of the same name).
fn point(ctx: &Ctx, host: &str, roles: &[&str]) -> Result<()> {
    let now = now_rfc3339();
    Registry::update(&ctx.state, |reg| {
        for r in roles {
            reg.roles.remove(*r);
            let keep = reg
                .remotes
                .get(*r)
                .filter(|e| e.host == host)
                .map(|e| e.registered_at.clone());
            reg.remotes.insert(
                (*r).to_string(),
                RemoteEntry {
                    host: host.to_string(),
                    remote_sb: None,
                    registered_at: keep.unwrap_or_else(|| now.clone()),
                    last_seen: now.clone(),
                    extra: Default::default(),
                },
            );
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_gets_its_roles_as_a_team_file_that_parses_back() {
        let text = r#"
session = "shop"
layout = "tiled"
[[role]]
name = "gestor"
command = "sh"
[[role]]
name = "dev"
host = "build1"
agent = "claude"
args = ["--model", "x'y"]
cwd = "/tmp"
briefing = """You are dev.
Quotes ' " and $(x)."""
"#;
        let dir = std::env::temp_dir();
        let mut team = super::super::file::parse(
            text,
            &dir.join("sb.toml"),
            "sb.toml",
            super::super::file::Programs::Unchecked,
        )
        .unwrap();
        let hosts = split(&mut team);
        assert_eq!(team.roles.len(), 1);
        assert_eq!(hosts["build1"].len(), 1);
        let file = host_file(&team, &hosts["build1"]).unwrap();
        assert!(!file.contains("host"), "{file}");
        let back = super::super::file::parse(
            &file,
            &dir.join("sb.toml"),
            "<stdin>",
            super::super::file::Programs::Unchecked,
        )
        .unwrap();
        assert_eq!(back.session, "shop");
        let r = &back.roles[0];
        assert_eq!((r.name.as_str(), r.host.as_deref()), ("dev", None));
        assert_eq!(r.cwd.display().to_string(), "/tmp");
        assert_eq!(
            r.briefing.as_deref(),
            Some("You are dev.\nQuotes ' \" and $(x).")
        );
        match &r.launch {
            Launch::Agent { args, .. } => assert_eq!(args, &["--model", "x'y"]),
            other => panic!("{other:?}"),
        }
    }
}
