//! `sb up`: start the team a team file describes. One tmux session on the server sb uses, one
//! pane per role; each pane is registered by its id before its agent starts (so Claude Code's
//! SessionStart hook already finds its role), briefings are saved, and sb waits until each agent
//! can take a message. A pane stuck on a dialog is reported with the command that answers it and
//! is never answered by sb. Running it again starts only what is missing.

use super::file::{self, AgentKind, Programs, Role, Team};
use super::{TeamRecord, WorktreeInfo, git};
use crate::detect::{self, Detection, State};
use crate::error::{Result, SbError, other};
use crate::ops::Ctx;
use crate::ops::setup::{self, SetupEnv, SetupReport, shell_quote};
use crate::store::prompts::Prompts;
use crate::store::registry::{Registry, RoleEntry};
use crate::tmux::{PaneInfo, Spawn, Tmux};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to start and how.
#[derive(Debug, Clone)]
pub struct UpParams {
    pub file: PathBuf,
    /// Print the tmux and git commands, start nothing, change nothing.
    pub dry_run: bool,
    /// Install each agent's wiring (`sb setup --agent …`) that its roles need.
    pub setup: bool,
    /// How long to wait for the agents to be ready.
    pub timeout: Duration,
}

/// Where a role stands after `sb up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleStatus {
    /// Started and ready to take a message (idle with an empty prompt, or asking for text).
    Ready,
    /// Started; sb cannot classify its screen, so it cannot tell when it is ready.
    Started,
    /// It was already running in this session: left as it is.
    AlreadyUp,
    /// Started, but waiting on a dialog (e.g. the folder-trust dialog): `respond` answers it.
    Stuck,
    /// Its program exited.
    Exited,
    /// Still not ready when the timeout ran out.
    NotReady,
    /// `--dry-run`: would be started.
    Planned,
}

/// What happened to a role's briefing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BriefingStatus {
    /// Saved for the first time (with --dry-run: would be).
    Saved,
    /// The file's briefing differs from the saved one and replaced it (with --dry-run: would).
    Updated,
    Unchanged,
    /// The role has no briefing in the file; any saved one is left alone.
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoleUp {
    pub role: String,
    /// `claude`, `codex`, `gemini` or `command`.
    pub agent: String,
    /// Its pane (null with --dry-run for a role that would be started).
    pub pane: Option<String>,
    pub status: RoleStatus,
    /// What was seen, in words.
    pub detail: String,
    pub briefing: BriefingStatus,
    /// Where it runs.
    pub cwd: String,
    /// For `stuck`: the dialog's question, its fingerprint, and one `sb respond` command per option.
    pub question: Option<String>,
    pub fingerprint: Option<String>,
    pub respond: Vec<String>,
    /// The pane the role was registered to before, when it moved.
    pub previous_pane: Option<String>,
    pub worktree: Option<WorktreeInfo>,
    /// For a role with `host` in the team file: that host (its sb started it; this host points
    /// the role there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WatchUp {
    /// The role the notices go to.
    pub notify: String,
    pub pane: Option<String>,
    /// `started`, `already_up` or `planned`.
    pub status: String,
}

/// One agent's wiring its roles rely on for their briefings and peers (the session hook, the MCP
/// server), as `sb setup --agent …` sees it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Wiring {
    /// claude, codex or gemini.
    pub agent: setup::Target,
    /// True when something is missing (with --setup: was missing and has been added).
    pub missing: bool,
    /// True when `--setup` changed something.
    pub applied: bool,
    /// What `sb setup` reported (with `dry_run: true` unless --setup).
    pub setup: Option<SetupReport>,
    /// Why the check could not be made, when it could not.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UpReport {
    /// The team file.
    pub file: String,
    pub session: String,
    pub dry_run: bool,
    /// The session did not exist and was created (with --dry-run: would be).
    pub created_session: bool,
    pub roles: Vec<RoleUp>,
    pub watch: Option<WatchUp>,
    /// One entry per agent the roles run (claude, codex, gemini, in that order); empty when
    /// no role runs a known agent.
    pub wiring: Vec<Wiring>,
    /// The tmux and git commands run (with --dry-run: that would run), in order; sb's own steps
    /// (register, save a briefing) appear as `# …` comments.
    pub commands: Vec<String>,
    /// How to attach to the session.
    pub attach: String,
    /// `sb peers` after the start (null with --dry-run).
    pub peers: Option<crate::ops::peers::PeersReport>,
    /// Every role is ready, started or already up.
    pub ok: bool,
}

/// The program that holds a new pane until its role is registered, then is replaced by the agent.
const HOLD: &str = "exec sleep 86400";

/// Ready to take a message: an empty prompt, or a question asking for free text.
// The guard's shared "deliverable" decision is meant to replace this when the two meet.
fn ready(det: &Detection) -> bool {
    (det.state == State::Idle && det.draft.is_none()) || det.state == State::WaitingText
}

/// One tmux or git step, run or (dry run) only written down.
struct Steps<'a> {
    tmux: &'a Tmux,
    dry: bool,
    lines: Vec<String>,
}

impl Steps<'_> {
    fn tmux(&mut self, args: Vec<String>, placeholder: &str) -> Result<String> {
        self.lines.push(self.tmux.shell_line(&args));
        if self.dry {
            return Ok(placeholder.to_string());
        }
        Ok(self.tmux.run_team(&args)?)
    }

    fn git(&mut self, dir: &Path, args: &[String]) -> Result<()> {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        self.lines.push(git::line(dir, &a));
        if !self.dry {
            git::run(dir, &a)?;
        }
        Ok(())
    }

    fn note(&mut self, s: String) {
        self.lines.push(format!("# {s}"));
    }
}

/// Is the role's registered pane alive, on this server, in this session?
fn live_in<'a>(entry: &RoleEntry, panes: &'a [PaneInfo], session: &str) -> Option<&'a PaneInfo> {
    panes.iter().find(|p| {
        p.pane == entry.pane && p.server_pid == entry.server_pid && !p.dead && p.session == session
    })
}

pub fn up(ctx: &Ctx, p: &UpParams) -> Result<UpReport> {
    let mut team = file::load(&p.file, Programs::MustExist)?;
    // Roles on other hosts are started there, by that host's sb.
    let hosts = super::remote::split(&mut team);
    let remote_roles = super::remote::up(ctx, &team, &hosts, p.dry_run, p.setup, p.timeout);
    let remote_names: Vec<String> = remote_roles.iter().map(|r| r.role.clone()).collect();
    if team.roles.is_empty() && team.watch.is_none() {
        // Every role runs on another host: nothing to start here.
        let ok = remote_roles.iter().all(|r| {
            matches!(
                r.status,
                RoleStatus::Ready
                    | RoleStatus::Started
                    | RoleStatus::AlreadyUp
                    | RoleStatus::Planned
            )
        });
        return Ok(UpReport {
            file: team.path.display().to_string(),
            session: team.session.clone(),
            dry_run: p.dry_run,
            created_session: false,
            roles: remote_roles,
            watch: None,
            wiring: vec![],
            commands: vec![],
            attach: String::new(),
            peers: None,
            ok,
        });
    }
    let sb =
        std::env::current_exe().map_err(|e| other(format!("cannot find the sb binary: {e}")))?;
    let reg = Registry::load(&ctx.state)?;
    let panes = ctx.tmux.list_panes()?;
    let session_exists = panes.iter().any(|x| x.session == team.session);
    let mut record = TeamRecord::load(ctx, &team.session)?;
    record.version = 1;
    record.session = team.session.clone();
    record.file = team.path.display().to_string();
    let mut steps = Steps {
        tmux: &ctx.tmux,
        dry: p.dry_run,
        lines: Vec::new(),
    };

    // Which roles run already, which must start (and which dead panes of ours to clear first).
    let mut roles: Vec<RoleUp> = Vec::new();
    let mut to_start: Vec<(usize, &Role)> = Vec::new();
    let mut anchor: Option<String> = None;
    for role in &team.roles {
        let entry = reg.roles.get(&role.name);
        let live = entry.and_then(|e| live_in(e, &panes, &team.session));
        let mut r = RoleUp {
            role: role.name.clone(),
            agent: role.launch.label().into(),
            pane: None,
            status: RoleStatus::Planned,
            detail: String::new(),
            briefing: BriefingStatus::None,
            cwd: role.cwd.display().to_string(),
            question: None,
            fingerprint: None,
            respond: vec![],
            previous_pane: None,
            worktree: record.worktrees.get(&role.name).cloned(),
            host: None,
        };
        match (entry, live) {
            (Some(e), Some(info)) => {
                r.status = RoleStatus::AlreadyUp;
                r.pane = Some(e.pane.clone());
                r.cwd = info.cwd.clone();
                r.detail = format!(
                    "already running in pane {} ({}); left as it is",
                    e.pane, info.command
                );
                anchor.get_or_insert_with(|| e.pane.clone());
            }
            (e, _) => {
                if let Some(e) = e {
                    r.previous_pane = Some(e.pane.clone());
                    // A pane of ours whose program exited (kept by remain-on-exit): clear it.
                    let ours_dead = panes.iter().any(|x| {
                        x.pane == e.pane
                            && x.server_pid == e.server_pid
                            && x.dead
                            && x.session == team.session
                    });
                    if ours_dead {
                        steps
                            .lines
                            .push(ctx.tmux.shell_line(&Tmux::kill_pane_args(&e.pane)));
                        if !p.dry_run {
                            ctx.tmux.kill_pane(&e.pane)?;
                        }
                    }
                }
                to_start.push((roles.len(), role));
            }
        }
        roles.push(r);
    }
    if anchor.is_none() {
        // Split next to a live pane already in the session (not one just cleared).
        anchor = ctx
            .tmux
            .session_panes(&team.session)?
            .into_iter()
            .find(|x| {
                !x.dead
                    && !roles
                        .iter()
                        .any(|r| r.previous_pane.as_deref() == Some(&x.pane))
            })
            .map(|x| x.pane);
    }

    // Briefings: saved or updated from the file, for every role.
    let saved = Prompts::load(&ctx.state)?;
    for (r, role) in roles.iter_mut().zip(&team.roles) {
        let Some(text) = &role.briefing else { continue };
        r.briefing = match saved.prompts.get(&role.name) {
            Some(old) if &old.text == text => BriefingStatus::Unchanged,
            Some(_) => BriefingStatus::Updated,
            None => BriefingStatus::Saved,
        };
        if r.briefing != BriefingStatus::Unchanged {
            steps.note(format!(
                "save the briefing of {} (sb prompt set {})",
                role.name, role.name
            ));
            if !p.dry_run {
                crate::ops::prompt::set_prompt(ctx, &role.name, text)?;
            }
        }
    }

    // Each agent's wiring (hook, MCP server), checked (or with --setup, installed) when a role
    // runs that agent: the hooks are what deliver the briefings at startup and after /clear.
    let wiring: Vec<Wiring> = [
        (AgentKind::Claude, setup::Target::Claude),
        (AgentKind::Codex, setup::Target::Codex),
        (AgentKind::Gemini, setup::Target::Gemini),
    ]
    .into_iter()
    .filter(|(kind, _)| team.roles.iter().any(|r| r.launch.kind() == Some(*kind)))
    .map(|(_, target)| wiring(target, p.dry_run || !p.setup))
    .collect();

    let env = pane_env(ctx);
    let created_session = !session_exists && !to_start.is_empty();
    let mut started: Vec<(usize, PathBuf, &Role)> = Vec::new();
    for (i, role) in &to_start {
        let cwd = match &role.worktree {
            Some(branch) => {
                let w = worktree(&mut steps, &record, role, branch)?;
                let cwd = PathBuf::from(&w.path).join(git::prefix(&role.cwd));
                if w.created {
                    record.worktrees.insert(role.name.clone(), w.clone());
                }
                roles[*i].worktree = Some(w);
                cwd
            }
            None => role.cwd.clone(),
        };
        roles[*i].cwd = cwd.display().to_string();
        let hold = Spawn {
            cwd: cwd.clone(),
            env: env.clone(),
            command: HOLD.into(),
        };
        let placeholder = format!("<pane of {}>", role.name);
        // Each new pane goes after the previous one, so the panes follow the file's order.
        let args = match &anchor {
            None => Tmux::new_session_args(&team.session, "team", &hold),
            Some(a) => Tmux::split_args(a, &team.layout, &hold),
        };
        let pane = steps.tmux(args, &placeholder)?;
        anchor = Some(pane.clone());
        steps.note(format!("sb register {} --pane {pane}", role.name));
        if !p.dry_run {
            let reg = crate::ops::register::register(ctx, &role.name, Some(&pane))?;
            if roles[*i].previous_pane.is_none() {
                roles[*i].previous_pane = reg.previous_pane;
            }
        }
        roles[*i].pane = Some(pane);
        started.push((*i, cwd, role));
    }
    // The agents start only now, registered and at their final size (a program drawn before a
    // split would have to notice the resize).
    if let (Some(a), false) = (&anchor, started.is_empty()) {
        steps.tmux(Tmux::select_layout_args(a, &team.layout), "")?;
    }
    for (i, cwd, role) in started {
        let pane = roles[i].pane.clone().unwrap_or_default();
        let run = Spawn {
            cwd,
            env: env.clone(),
            command: role.launch.command_line(),
        };
        steps.tmux(Tmux::respawn_args(&pane, &run), "")?;
        if p.dry_run {
            roles[i].pane = None;
        }
    }

    // `sb watch --notify ROLE` in its own window.
    let watch = match &team.watch {
        None => None,
        Some(notify) => Some(start_watch(
            &mut steps,
            &mut record,
            &team,
            notify,
            &panes,
            &sb,
            &env,
            anchor.is_none(),
            &remote_names,
        )?),
    };
    if !p.dry_run {
        record.server_pid = ctx.tmux.list_panes()?.first().map(|x| x.server_pid);
        record.save(ctx)?;
    }

    if !p.dry_run {
        wait_ready(ctx, &team, &mut roles, p.timeout);
    }
    roles.extend(remote_roles);
    let ok = roles.iter().all(|r| {
        matches!(
            r.status,
            RoleStatus::Ready | RoleStatus::Started | RoleStatus::AlreadyUp | RoleStatus::Planned
        )
    });
    let peers = if p.dry_run {
        None
    } else {
        Some(crate::ops::peers::peers(ctx)?)
    };
    let attach = ctx
        .tmux
        .shell_line(&["attach".into(), "-t".into(), team.session.clone()]);
    Ok(UpReport {
        file: team.path.display().to_string(),
        session: team.session.clone(),
        dry_run: p.dry_run,
        created_session,
        roles,
        watch,
        wiring,
        commands: steps.lines,
        attach,
        peers,
        ok,
    })
}

/// The variables every team pane gets, so the agents, the hook and the MCP server in it use the
/// state directory and the tmux server this `sb up` used.
fn pane_env(ctx: &Ctx) -> Vec<(String, String)> {
    let mut env = vec![(
        "SESSION_BRIDGE_DIR".to_string(),
        std::path::absolute(ctx.state.root())
            .unwrap_or_else(|_| ctx.state.root().to_path_buf())
            .display()
            .to_string(),
    )];
    if let Some(s) = &ctx.tmux.socket {
        let s = std::path::absolute(s).unwrap_or_else(|_| s.clone());
        env.push(("SB_TMUX_SOCKET".into(), s.display().to_string()));
    }
    env
}

/// The role's worktree: an existing one on the branch is used as it is; otherwise it is added.
fn worktree(
    steps: &mut Steps,
    record: &TeamRecord,
    role: &Role,
    branch: &str,
) -> Result<WorktreeInfo> {
    let repo = git::toplevel(&role.cwd).ok_or_else(|| {
        SbError::Usage(format!(
            "role {} asks for a worktree, but {} is not inside a git repository",
            role.name,
            role.cwd.display()
        ))
    })?;
    let path = git::worktree_path(&repo, &role.name);
    let info = |created| WorktreeInfo {
        path: path.display().to_string(),
        branch: branch.to_string(),
        repo: repo.display().to_string(),
        created,
    };
    if path.exists() {
        return match git::checked_out(&path) {
            Some(b) if b == branch => {
                let created = record
                    .worktrees
                    .get(&role.name)
                    .is_some_and(|w| w.created && w.path == path.display().to_string());
                Ok(info(created))
            }
            _ => Err(SbError::Usage(format!(
                "role {}: {} exists but is not a git worktree on branch {branch}: move it away, or change `worktree`",
                role.name,
                path.display()
            ))),
        };
    }
    if let Some(parent) = path.parent().filter(|_| !steps.dry) {
        std::fs::create_dir_all(parent)
            .map_err(|e| other(format!("cannot create {}: {e}", parent.display())))?;
    }
    steps.git(&repo, &git::add_args(&repo, &path, branch))?;
    Ok(info(true))
}

#[allow(clippy::too_many_arguments)]
fn start_watch(
    steps: &mut Steps,
    record: &mut TeamRecord,
    team: &Team,
    notify: &str,
    panes: &[PaneInfo],
    sb: &Path,
    env: &[(String, String)],
    no_session: bool,
    remote_roles: &[String],
) -> Result<WatchUp> {
    let alive = record.watch_pane.as_ref().filter(|w| {
        panes
            .iter()
            .any(|x| &x.pane == *w && x.session == team.session && !x.dead)
    });
    if let Some(w) = alive {
        return Ok(WatchUp {
            notify: notify.into(),
            pane: Some(w.clone()),
            status: "already_up".into(),
        });
    }
    let others: Vec<&str> = team
        .roles
        .iter()
        .map(|r| r.name.as_str())
        .chain(remote_roles.iter().map(String::as_str))
        .filter(|r| *r != notify)
        .collect();
    let mut cmd = format!(
        "exec {} watch --notify {}",
        shell_quote(&sb.to_string_lossy()),
        shell_quote(notify)
    );
    if !others.is_empty() {
        let _ = write!(cmd, " --roles {}", shell_quote(&others.join(",")));
    }
    let spawn = Spawn {
        cwd: team.path.parent().unwrap_or(Path::new("/")).to_path_buf(),
        env: env.to_vec(),
        command: cmd,
    };
    let args = if no_session {
        Tmux::new_session_args(&team.session, "watch", &spawn)
    } else {
        Tmux::new_window_args(&team.session, "watch", &spawn)
    };
    let pane = steps.tmux(args, "<watch pane>")?;
    let dry = steps.dry;
    if !dry {
        record.watch_pane = Some(pane.clone());
    }
    Ok(WatchUp {
        notify: notify.into(),
        pane: (!dry).then_some(pane),
        status: if dry { "planned" } else { "started" }.into(),
    })
}

impl Wiring {
    /// The agent's program name, as a team file's `agent =` says it.
    pub fn agent_name(&self) -> &'static str {
        match self.agent {
            setup::Target::Claude => "claude",
            setup::Target::Codex => "codex",
            setup::Target::Gemini => "gemini",
        }
    }
}

fn wiring(agent: setup::Target, dry_run: bool) -> Wiring {
    let report = SetupEnv::detect().and_then(|env| setup::setup_agent(agent, &env, dry_run, false));
    match report {
        Ok(r) => {
            use crate::ops::setup::{HookAction, McpAction};
            let hook_missing = matches!(r.hook.action, HookAction::Added | HookAction::Updated);
            let mcp_missing = matches!(r.mcp.action, McpAction::Registered | McpAction::Manual);
            Wiring {
                agent,
                missing: hook_missing || mcp_missing,
                applied: !dry_run && (hook_missing || r.mcp.action == McpAction::Registered),
                setup: Some(r),
                error: None,
            }
        }
        Err(e) => Wiring {
            agent,
            missing: true,
            applied: false,
            setup: None,
            error: Some(e.to_string()),
        },
    }
}

/// How long a `command` role may show a screen sb cannot classify before sb stops waiting.
const COMMAND_GRACE: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(250);

/// Poll the new panes until each is ready, stuck on a dialog, exited, or out of time. A verdict
/// counts when two captures in a row agree, so a screen caught mid-draw decides nothing.
fn wait_ready(ctx: &Ctx, team: &Team, roles: &mut [RoleUp], timeout: Duration) {
    let start = Instant::now();
    let mut last: Vec<Option<String>> = vec![None; roles.len()];
    loop {
        let mut pending = false;
        for (i, (r, role)) in roles.iter_mut().zip(&team.roles).enumerate() {
            if r.status != RoleStatus::Planned {
                continue;
            }
            let Some(pane) = r.pane.clone() else { continue };
            let handle = match crate::pane::Pane::resolve(ctx, &role.name) {
                Ok(h) => h,
                Err(e) => {
                    r.status = RoleStatus::NotReady;
                    r.detail = format!("not registered: {e}");
                    continue;
                }
            };
            let snap = match handle.raw_snapshot() {
                Ok(s) => s,
                Err(crate::tmux::Error::NoPane(_)) => {
                    r.status = RoleStatus::Exited;
                    r.detail = format!("its pane {pane} closed: the program exited");
                    continue;
                }
                Err(e) => {
                    r.status = RoleStatus::NotReady;
                    r.detail = format!("cannot read its pane: {e}");
                    continue;
                }
            };
            if snap.info.dead {
                r.status = RoleStatus::Exited;
                // tmux scrolls the last screen into the history when the pane dies, and writes
                // "Pane is dead (status N, …)", which gives the exit status
                let text = handle
                    .raw_history(400)
                    .unwrap_or_else(|_| snap.screen.clone());
                let status = text
                    .lines()
                    .chain(snap.screen.lines())
                    .find_map(|l| l.trim().strip_prefix("Pane is dead ("))
                    .and_then(|l| l.split(',').next())
                    .map(|st| format!(" ({st})"))
                    .unwrap_or_default();
                let tail: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.trim().is_empty() && !l.trim().starts_with("Pane is dead"))
                    .collect();
                let tail = tail[tail.len().saturating_sub(3)..].join(" / ");
                r.detail = format!(
                    "the program exited{status}; pane {pane} is kept with its last lines: {}",
                    if tail.is_empty() { "(none)" } else { &tail }
                );
                continue;
            }
            let det = detect::classify(&snap.screen, Some(&snap.info.title));
            // Ready only when the guard would also type into it (an agent, not a shell).
            // A Codex or Gemini that has drawn its box but not finished starting is not ready.
            let status = handle.agent_status(&det, &snap);
            let verdict =
                crate::guard::verdict(&role.name, &det, Some(&snap.info.command), status.as_ref());
            let deliverable = verdict.deliverable;
            let key = if ready(&det) && deliverable {
                Some("ready".to_string())
            } else if det.state == State::WaitingSelect {
                Some(format!("stuck {}", det.fingerprint()))
            } else {
                None
            };
            if key.is_some() && key == last[i] {
                settle(r, &det);
                continue;
            }
            last[i] = key;
            let elapsed = start.elapsed();
            if role.launch.kind().is_none() && elapsed >= COMMAND_GRACE.min(timeout) {
                r.status = RoleStatus::Started;
                r.detail = format!(
                    "started (sb cannot tell when it is ready: its screen reads as {})",
                    det.state
                );
                continue;
            }
            if elapsed >= timeout {
                if role.launch.kind().is_none() {
                    r.status = RoleStatus::Started;
                    r.detail = format!(
                        "started (sb cannot tell when it is ready: still {} after {}s)",
                        det.state,
                        timeout.as_secs()
                    );
                } else {
                    r.status = RoleStatus::NotReady;
                    let why = verdict
                        .refusal
                        .map(|w| format!(" ({w})"))
                        .unwrap_or_default();
                    r.detail = format!(
                        "still {} after {}s{why}; look with `sb peek {}`",
                        det.state,
                        timeout.as_secs(),
                        r.role
                    );
                }
                continue;
            }
            pending = true;
        }
        if !pending {
            return;
        }
        std::thread::sleep(POLL);
    }
}

fn settle(r: &mut RoleUp, det: &Detection) {
    if ready(det) {
        r.status = RoleStatus::Ready;
        r.detail = match det.state {
            State::WaitingText => format!(
                "ready: it asks {:?}",
                det.question.as_deref().unwrap_or("for text")
            ),
            _ => "ready: its prompt is empty".into(),
        };
        return;
    }
    let fp = det.fingerprint();
    let q = det.question.clone().unwrap_or_else(|| "a menu".into());
    r.status = RoleStatus::Stuck;
    let what = if det
        .options
        .iter()
        .any(|o| o.label.to_lowercase().contains("trust this folder"))
    {
        format!("the folder-trust dialog ({q:?})")
    } else {
        format!("a dialog: {q:?}")
    };
    r.detail = format!(
        "waiting on {what}; sb does not answer it: choose with one of the commands below, or attach and answer it yourself"
    );
    r.respond = det
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let n = o.number.unwrap_or(u32::try_from(i + 1).unwrap_or(u32::MAX));
            format!(
                "sb respond {} --option {n} --expect {fp}    # {}",
                r.role, o.label
            )
        })
        .collect();
    r.question = Some(q);
    r.fingerprint = Some(fp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_means_an_empty_prompt_or_a_text_question() {
        let mut d = Detection::new(State::Idle, crate::detect::Agent::Claude, "r", None);
        assert!(ready(&d));
        d.draft = Some("half a thought".into());
        assert!(!ready(&d), "a draft is someone's unsent text");
        for (s, want) in [
            (State::WaitingText, true),
            (State::WaitingSelect, false),
            (State::Busy, false),
            (State::Unknown, false),
        ] {
            let d = Detection::new(s, crate::detect::Agent::Claude, "r", None);
            assert_eq!(ready(&d), want, "{s}");
        }
    }
}
