//! `sb doctor`: a checklist of what sb needs (tmux, the state dir, live panes for the registered
//! roles, the SessionStart hook, the MCP server, Codex's and Gemini's wiring, sb on PATH), each
//! with a fix when it fails.
//! A warning or a skipped check is not a failure; `ok` is false only when a check failed.
//! The Claude Code wiring (hook, MCP server) is optional: unless `claude` is asked for, wiring
//! that is not set up is reported as skipped ("not set up (optional)"); wiring that is set up but
//! broken still fails, since it is in use.

use super::Ctx;
use super::setup::{self, MCP_NAME};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
    /// What to do about it (null when nothing needs doing).
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoctorReport {
    pub checks: Vec<Check>,
    /// No check failed.
    pub ok: bool,
}

fn check(name: &str, status: Status, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check {
        name: name.into(),
        status,
        detail: detail.into(),
        fix,
    }
}

/// Run every check. Only `tmux -V`, one `tmux list-panes`, one `display-message` per role (for
/// native delivery), a control-mode client for the watch-mode check (closed at once) and
/// `claude mcp get` are run. With
/// `claude`, a missing hook or MCP registration fails instead of being skipped as optional.
pub fn doctor(ctx: &Ctx, claude: bool) -> DoctorReport {
    let mut checks = vec![tmux_found(ctx), inside_tmux(ctx), state_dir(ctx)];
    checks.extend(panes(ctx));
    checks.push(watch_mode(ctx));
    checks.extend(native(ctx));
    let hook_bin = hook(&mut checks, claude);
    checks.push(mcp(claude));
    for (name, status) in [
        ("codex", setup::codex::status()),
        ("gemini", setup::gemini::status()),
    ] {
        let fix = Some(format!("run `sb setup --agent {name}`"));
        checks.push(match status {
            None => check(name, Status::Skip, format!("skipped: no {name} home"), None),
            Some((true, d)) => check(name, Status::Ok, d, None),
            Some((false, d)) => check(name, Status::Warn, d, fix),
        });
    }
    checks.push(sb_on_path(hook_bin.as_deref()));
    let ok = checks.iter().all(|c| c.status != Status::Fail);
    DoctorReport { checks, ok }
}

fn tmux_found(ctx: &Ctx) -> Check {
    match ctx.tmux.run(["-V"], None) {
        Ok(v) => check("tmux", Status::Ok, v.trim(), None),
        Err(e) => check(
            "tmux",
            Status::Fail,
            format!("{e:#}"),
            Some("install tmux (e.g. `apt-get install tmux`, `brew install tmux`)".into()),
        ),
    }
}

fn inside_tmux(ctx: &Ctx) -> Check {
    let env = |k| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (env("TMUX"), env("TMUX_PANE"), &ctx.tmux.socket) {
        (Some(_), pane, _) => check(
            "inside tmux",
            Status::Ok,
            format!("pane {}", pane.as_deref().unwrap_or("?")),
            None,
        ),
        (None, _, Some(sock)) => check(
            "inside tmux",
            Status::Ok,
            format!("outside tmux, using the server at {}", sock.display()),
            None,
        ),
        (None, _, None) => check(
            "inside tmux",
            Status::Warn,
            "not inside tmux ($TMUX is not set): sessions must run in tmux panes to be reached",
            Some("start your sessions inside tmux (`tmux new -s work`), one pane per role".into()),
        ),
    }
}

fn state_dir(ctx: &Ctx) -> Check {
    let root = ctx.state.root();
    if !root.exists() {
        return check(
            "state dir",
            Status::Warn,
            format!("{} does not exist yet", root.display()),
            Some("`sb register ROLE` inside a session's pane creates it".into()),
        );
    }
    match ctx.state.check_safe() {
        Ok(()) => check("state dir", Status::Ok, root.display().to_string(), None),
        Err(e) => check(
            "state dir",
            Status::Fail,
            format!("{e:#}"),
            Some(format!("chmod go-w {}", root.display())),
        ),
    }
}

fn panes(ctx: &Ctx) -> Vec<Check> {
    let report = match super::peers::peers(ctx) {
        Ok(r) => r,
        Err(e) => {
            let fix = e
                .hint()
                .unwrap_or_else(|| "fix or move the registry aside".into());
            return vec![check("roles", Status::Fail, format!("{e:#}"), Some(fix))];
        }
    };
    if report.peers.is_empty() {
        return vec![check("roles", Status::Skip, "no roles registered", None)];
    }
    report
        .peers
        .into_iter()
        .map(|p| {
            let name = format!("role {}", p.role);
            if p.alive.is_none() {
                check(&name, Status::Skip, format!("pane {}: unknown without tmux", p.pane), None)
            } else if p.alive == Some(true) {
                let cmd = p.command.unwrap_or_default();
                check(&name, Status::Ok, format!("pane {} alive ({cmd})", p.pane), None)
            } else {
                check(
                    &name,
                    Status::Fail,
                    format!("pane {} is gone from tmux server pid {}", p.pane, p.server_pid),
                    Some(format!(
                        "re-register from its pane with `sb register {0}`, or drop it with `sb unregister {0}`",
                        p.role
                    )),
                )
            }
        })
        .collect()
}

/// How `sb watch` (and `sb wait`) would learn of changes here: tmux control mode when a control
/// client attaches to the sessions of the registered roles and answers, else polling. The client
/// is attached for the check only and closed before doctor returns.
fn watch_mode(ctx: &Ctx) -> Check {
    const NAME: &str = "watch mode";
    let panes: Vec<String> = crate::store::registry::Registry::load(&ctx.state)
        .map(|r| r.roles.values().map(|e| e.pane.clone()).collect())
        .unwrap_or_default();
    let live: Vec<String> = match ctx.tmux.list_panes() {
        Ok(all) if !all.is_empty() => all
            .into_iter()
            .map(|p| p.pane)
            .filter(|p| panes.contains(p))
            .collect(),
        _ => {
            return check(
                NAME,
                Status::Skip,
                "no tmux server to try control mode on",
                None,
            );
        }
    };
    if live.is_empty() {
        return check(
            NAME,
            Status::Skip,
            "no registered role has a live pane to watch",
            None,
        );
    }
    let mut source = super::changes::ChangeSource::new(ctx, false);
    source.track(&live);
    match (source.mode(), source.reason()) {
        (super::changes::Mode::Control, _) => check(
            NAME,
            Status::Ok,
            "control: tmux reports pane changes to `sb watch` and `sb wait` (tmux -C)",
            None,
        ),
        (_, why) => check(
            NAME,
            Status::Warn,
            format!(
                "polling: {}; `sb watch` captures every role every interval",
                why.unwrap_or("control mode is unavailable")
            ),
            Some("use tmux 3.2 or later for event-driven watching".into()),
        ),
    }
}

/// For each role whose pane runs Claude Code: whether `send --via auto` would deliver over its
/// own socket (`crate::native`), and if not, why.
fn native(ctx: &Ctx) -> Vec<Check> {
    let Ok(reg) = crate::store::registry::Registry::load(&ctx.state) else {
        return vec![];
    };
    reg.roles
        .iter()
        .filter_map(|(role, entry)| {
            let pane = crate::pane::Pane::of(ctx, role, entry.clone());
            let name = format!("native {role}");
            Some(match crate::native::status(&pane)? {
                Ok(detail) => check(&name, Status::Ok, detail, None),
                Err(why) => check(
                    &name,
                    Status::Warn,
                    format!("--via auto pastes (through the guard): {why}"),
                    Some(format!(
                        "native delivery needs Claude Code {}–{} with cross-session messaging on",
                        crate::native::VERIFIED_VERSIONS.0,
                        crate::native::VERIFIED_VERSIONS.1
                    )),
                ),
            })
        })
        .collect()
}

/// What is reported for Claude Code wiring that is not there: a failure when asked for it
/// (`--claude`), else a skipped optional check.
fn missing(claude: bool) -> Status {
    if claude { Status::Fail } else { Status::Skip }
}

const OPTIONAL: &str =
    "not set up (optional: only for Claude Code; `sb doctor --claude` checks it)";

/// The hook check; returns the binary the hook runs, when there is one.
fn hook(checks: &mut Vec<Check>, claude: bool) -> Option<PathBuf> {
    let fix = Some("run `sb setup`".to_string());
    let path = match setup::settings_path() {
        Ok(p) => p,
        Err(e) => {
            let detail = if claude {
                format!("{e:#}")
            } else {
                format!("{OPTIONAL}: {e:#}")
            };
            checks.push(check(
                "hook",
                missing(claude),
                detail,
                fix.filter(|_| claude),
            ));
            return None;
        }
    };
    let root = match setup::read_settings(&path) {
        Ok((_, root)) => root,
        Err(e) => {
            let f = Some(format!(
                "fix the JSON in {} by hand, then run `sb setup`",
                path.display()
            ));
            let status = if claude { Status::Fail } else { Status::Warn };
            checks.push(check("hook", status, format!("{e:#}"), f));
            return None;
        }
    };
    let Some((matcher, cmd)) = setup::sb_hooks(&root).into_iter().next() else {
        let d = if claude {
            format!("no SessionStart hook for sb in {}", path.display())
        } else {
            format!(
                "{OPTIONAL}: no SessionStart hook for sb in {}",
                path.display()
            )
        };
        checks.push(check("hook", missing(claude), d, fix));
        return None;
    };
    let prog = setup::hook_program(&cmd);
    let bin = if prog.is_absolute() {
        Some(prog.clone())
    } else {
        setup::find_on_path(&prog.to_string_lossy())
    };
    let runs = bin.as_deref().is_some_and(is_executable);
    let (status, detail) = if !runs {
        let d = format!(
            "the hook runs {}, which is not an executable file",
            prog.display()
        );
        (Status::Fail, d)
    } else if !(matcher.is_empty() || matcher == "*" || matcher.contains("clear")) {
        let d = format!(
            "matcher {matcher:?} leaves out clear: the briefing is not restored after /clear"
        );
        (Status::Warn, d)
    } else {
        (Status::Ok, format!("{cmd} (in {})", path.display()))
    };
    let fix = (status != Status::Ok)
        .then(|| "run `sb setup` with the sb the hook should use".to_string());
    checks.push(check("hook", status, detail, fix));
    bin
}

fn mcp(asked: bool) -> Check {
    let Some(claude) = setup::find_on_path("claude") else {
        return check(
            "mcp",
            missing(asked),
            if asked {
                "claude is not on PATH".to_string()
            } else {
                format!("{OPTIONAL}: claude is not on PATH")
            },
            asked.then(|| "install Claude Code, then run `sb setup`".into()),
        );
    };
    match setup::run_claude(&claude, &["mcp", "get", MCP_NAME]) {
        Ok((true, _)) => check("mcp", Status::Ok, format!("{MCP_NAME} is registered"), None),
        Ok((false, _)) => check(
            "mcp",
            missing(asked),
            if asked {
                format!("no MCP server named {MCP_NAME} in claude")
            } else {
                format!("{OPTIONAL}: no MCP server named {MCP_NAME} in claude")
            },
            Some("run `sb setup`".into()),
        ),
        Err(e) => check(
            "mcp",
            if asked { Status::Fail } else { Status::Warn },
            format!("{e:#}"),
            Some("check that `claude` runs".into()),
        ),
    }
}

fn sb_on_path(hook_bin: Option<&Path>) -> Check {
    let Some(hook_bin) = hook_bin else {
        return check(
            "sb on PATH",
            Status::Skip,
            "skipped: no working hook to compare with",
            None,
        );
    };
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let dir = hook_bin
        .parent()
        .unwrap_or(Path::new("/"))
        .display()
        .to_string();
    match setup::find_on_path("sb") {
        None => check(
            "sb on PATH",
            Status::Warn,
            format!("sb is not on PATH (the hook runs {})", hook_bin.display()),
            Some(format!("add {dir} to PATH")),
        ),
        Some(p) if canon(&p) == canon(hook_bin) => {
            check("sb on PATH", Status::Ok, p.display().to_string(), None)
        }
        Some(p) => check(
            "sb on PATH",
            Status::Warn,
            format!(
                "sb on PATH is {}, but the hook runs {}",
                p.display(),
                hook_bin.display()
            ),
            Some(format!(
                "run `{} setup` to point the hook at it, or put {dir} first on PATH",
                p.display()
            )),
        ),
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
