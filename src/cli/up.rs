//! `sb init`, `sb up` and `sb down`: a whole team from one file.

use super::done;
use crate::error::{Result, SbError};
use crate::ops::Ctx;
use crate::ops::team::down::{self, DownParams, DownReport, Stop};
use crate::ops::team::file::DEFAULT_FILE;
use crate::ops::team::init;
use crate::ops::team::up::{self, BriefingStatus, RoleStatus, UpParams, UpReport};
use crate::output::{Out, Style};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Start a team from a team file: a tmux session, a pane per role, registered and briefed
///
/// Reads sb.toml (or -f FILE) and, on the tmux server sb uses, creates the session with one pane
/// per role. Each pane is registered as its role by pane id before its agent starts, so Claude
/// Code's SessionStart hook hands the agent its briefing at once; the briefings are saved as with
/// `sb prompt set`. Then sb waits until each agent can take a message: an empty prompt, and for
/// Codex its footer naming the model and folder (its session has started), for Gemini CLI its
/// process gone quiet (it has finished loading). A pane stuck on a dialog, such as Claude Code's
/// folder-trust dialog or Codex's "hooks need review", is reported with the `sb respond --option
/// N --expect FP` command for each choice; sb never answers it. A `command` role whose screen sb
/// cannot read is reported as started. For each agent the roles run it checks the wiring that
/// delivers their briefings (Claude Code's and Codex's SessionStart hook, Gemini CLI's
/// BeforeAgent hook, the MCP server) and says what `sb setup --agent …` would add; --setup adds
/// it.
/// Running it again is safe: roles already up are left alone, missing ones are started, changed
/// briefings are updated. Each pane gets SESSION_BRIDGE_DIR (and SB_TMUX_SOCKET) of this sb. A
/// role with `worktree = "BRANCH"` runs in its own `git worktree add` at <repo>.worktrees/<role>
/// on that branch (created when missing); `sb down` removes it when clean and keeps the branch.
///
/// Exit status: 0 when every role is ready, started or already up; 5 when one is stuck on a
/// dialog, exited, or not ready in time; 2 for an invalid team file.
#[derive(Debug, Args)]
#[command(after_help = UP_HELP)]
pub struct UpArgs {
    /// The team file
    #[arg(short = 'f', long, value_name = "FILE", default_value = DEFAULT_FILE)]
    pub file: PathBuf,
    /// Attach to the session afterwards (switch to it when already inside tmux)
    #[arg(long)]
    pub attach: bool,
    /// Print the tmux and git commands it would run; start and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Install each agent's wiring (what `sb setup --agent …` does) that its roles need
    #[arg(long)]
    pub setup: bool,
    /// How long to wait for the agents to be ready
    #[arg(long, default_value = "90s", value_parser = crate::ops::time::parse_duration)]
    pub timeout: std::time::Duration,
}

const UP_HELP: &str = "Examples:
  sb init && sb up        # the starter team: gestor, dev, reviewer
  sb up --dry-run         # the tmux and git commands; starts nothing
  sb up -f team.toml --attach
  sb up --setup           # also wire the hook and MCP server

The team file (sb.toml); every key but name is optional:
  session = \"shop\"          tmux session (default: directory name)
  layout = \"tiled\"          any tmux layout name
  watch = \"gestor\"          sb watch --notify gestor, in a window
  [[role]]                  one table per role
  name = \"dev\"              A-Z a-z 0-9 . _ -
  agent = \"claude\"          claude | codex | gemini, or instead:
  command = \"prog --x\"      any other program (a shell line)
  args = [\"--model\", \"x\"]   extra arguments for the agent
  cwd = \".\"                 relative to the team file
  briefing = \"You are dev.\" or briefing_file = \"dev.md\"
  worktree = \"sb/dev\"       a git worktree on that branch
  host = \"build1\"          run it on that SSH host: its sb starts it there
                            (cwd and worktree are that host's; cwd default: its HOME)

An error in the file names its line, exits 2, starts nothing.";

/// Stop a team started by `sb up`: ask each agent to exit, kill what is left, unregister
///
/// Each running agent is asked to exit the way it exits cleanly (Claude Code `/exit`, Codex and
/// Gemini `/quit`, other programs C-c), typed only when its screen shows no menu or draft; after
/// the grace period whatever still runs is killed. The roles are unregistered, the `sb watch`
/// window is closed, and the worktrees `sb up` added are removed, except one with uncommitted
/// changes, which is kept and reported. Branches are kept. A role registered to a pane outside
/// the team's session is left alone.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb down\n  sb down -f team.toml --keep-worktrees\n  sb down --json | jq '.worktrees[] | select(.removed | not)'"
)]
pub struct DownArgs {
    /// The team file
    #[arg(short = 'f', long, value_name = "FILE", default_value = DEFAULT_FILE)]
    pub file: PathBuf,
    /// Keep the worktrees sb up added
    #[arg(long)]
    pub keep_worktrees: bool,
    /// How long the agents get to exit before their panes are killed
    #[arg(long, default_value = "5s", value_parser = crate::ops::time::parse_duration)]
    pub grace: std::time::Duration,
}

/// Write a commented starter team file (gestor, dev, reviewer on Claude Code)
///
/// Writes sb.toml (or -f FILE) with three Claude Code roles, their briefings, and every key
/// commented. It refuses to overwrite an existing file (exit 2).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  sb init && $EDITOR sb.toml && sb up\n  sb init -f team.toml")]
pub struct InitArgs {
    /// The file to write
    #[arg(short = 'f', long, value_name = "FILE", default_value = DEFAULT_FILE)]
    pub file: PathBuf,
}

pub fn run_init(out: Out, a: InitArgs) -> Result<()> {
    let r = init::init(&a.file)?;
    done(out.emit(&r, |r| {
        format!(
            "wrote {} ({}); edit it, then `sb up` starts tmux session {:?}",
            r.file,
            r.roles.join(", "),
            r.session
        )
    }))
}

/// Ok(exit code): 5 when a role is not ready.
pub fn run_up(ctx: &Ctx, out: Out, a: UpArgs) -> Result<()> {
    let p = UpParams {
        file: a.file,
        dry_run: a.dry_run,
        setup: a.setup,
        timeout: a.timeout,
    };
    let r = up::up(ctx, &p)?;
    out.emit(&r, |r| human_up(out, r))
        .map_err(SbError::from_io)?;
    if a.attach && !r.dry_run && r.ok {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            ctx.tmux.attach(&r.session)?;
        } else {
            crate::output::note(&format!(
                "sb: note: not attaching: this is not a terminal; attach with `{}`",
                r.attach
            ));
        }
    }
    super::exit_status(if r.ok { 0 } else { 5 })
}

fn human_up(out: Out, r: &UpReport) -> String {
    let mut s = String::new();
    if r.dry_run {
        s.push_str("# sb up --dry-run: nothing was started or changed; it would run:\n");
        for c in &r.commands {
            s.push_str(c);
            s.push('\n');
        }
        s.push('\n');
    }
    let started = r
        .roles
        .iter()
        .filter(|x| x.status != RoleStatus::AlreadyUp)
        .count();
    let _ = writeln!(
        s,
        "session {}{}: {} role{}, {} {}started",
        out.paint(&r.session, Style::Bold),
        if r.created_session {
            if r.dry_run {
                " (would be created)"
            } else {
                " (created)"
            }
        } else {
            ""
        },
        r.roles.len(),
        if r.roles.len() == 1 { "" } else { "s" },
        started,
        if r.dry_run { "to be " } else { "" },
    );
    let width = r.roles.iter().map(|x| x.role.len()).max().unwrap_or(0);
    for x in &r.roles {
        let (word, style) = match x.status {
            RoleStatus::Ready => ("ready", Style::Good),
            RoleStatus::Started => ("started", Style::Good),
            RoleStatus::AlreadyUp => ("already up", Style::Good),
            RoleStatus::Stuck => ("STUCK", Style::Bad),
            RoleStatus::Exited => ("EXITED", Style::Bad),
            RoleStatus::NotReady => ("NOT READY", Style::Bad),
            RoleStatus::Planned => ("would start", Style::Accent),
        };
        let briefing = match x.briefing {
            BriefingStatus::Saved => "briefing saved",
            BriefingStatus::Updated => "briefing updated",
            BriefingStatus::Unchanged => "briefing unchanged",
            BriefingStatus::None => "no briefing",
        };
        let _ = writeln!(
            s,
            "  {:width$}  {:5} {:8} {}  ({briefing})",
            x.role,
            x.pane.as_deref().unwrap_or("-"),
            x.agent,
            out.paint(word, style),
        );
        if !x.detail.is_empty() && x.status != RoleStatus::AlreadyUp {
            let _ = writeln!(s, "  {:width$}  {}", "", x.detail);
        }
        if let (Some(prev), false) = (&x.previous_pane, x.status == RoleStatus::AlreadyUp) {
            let _ = writeln!(
                s,
                "  {:width$}  (the role was registered to pane {prev} before; it now points here)",
                ""
            );
        }
        for c in &x.respond {
            let _ = writeln!(s, "  {:width$}    {c}", "");
        }
        if let Some(w) = &x.worktree {
            let _ = writeln!(
                s,
                "  {:width$}  worktree {} on branch {}",
                "", w.path, w.branch
            );
        }
    }
    if let Some(w) = &r.watch {
        let _ = writeln!(
            s,
            "  sb watch --notify {}: {}{}",
            w.notify,
            w.status.replace('_', " "),
            w.pane
                .as_ref()
                .map(|p| format!(" in pane {p}"))
                .unwrap_or_default()
        );
    }
    for w in &r.wiring {
        s.push_str(&wiring_text(out, w, r.dry_run));
    }
    if let Some(p) = &r.peers {
        s.push('\n');
        let rows = p
            .peers
            .iter()
            .map(|x| {
                vec![
                    x.role.clone(),
                    x.pane.clone(),
                    match x.alive {
                        Some(true) => "yes".into(),
                        Some(false) => "no".into(),
                        None => "unknown".into(),
                    },
                    x.cwd.clone(),
                    x.command.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        s.push_str(&out.table(&["role", "pane", "alive", "cwd", "command"], rows));
        s.push('\n');
    }
    if !r.dry_run {
        let _ = write!(s, "\nattach: {}\n", r.attach);
    }
    s
}

fn wiring_text(out: Out, w: &up::Wiring, dry_run: bool) -> String {
    use crate::ops::setup::{HookAction, McpAction, Target};
    let (name, event, flag) = match w.agent {
        Target::Claude => ("Claude Code", "SessionStart", ""),
        Target::Codex => ("Codex", "SessionStart", " --agent codex"),
        Target::Gemini => ("Gemini CLI", "BeforeAgent", " --agent gemini"),
    };
    let Some(r) = &w.setup else {
        return format!(
            "{} could not check the {name} wiring: {}\n",
            out.paint("warning:", Style::Warn),
            w.error.as_deref().unwrap_or("?")
        );
    };
    let mut s = String::new();
    let hook = match (r.hook.action, r.dry_run) {
        (HookAction::Unchanged, _) => None,
        (HookAction::Added, true) => Some(format!(
            "the {event} hook is not in {}: without it the {} roles do not get their briefings; `sb setup{flag}` would add it",
            r.hook.settings,
            w.agent_name()
        )),
        (HookAction::Updated, true) => Some(format!(
            "the {event} hook in {} runs another sb or misses a source; `sb setup{flag}` would update it",
            r.hook.settings
        )),
        (HookAction::Added | HookAction::Updated, false) => {
            Some(format!("the {event} hook was added to {}", r.hook.settings))
        }
        _ => None,
    };
    let mcp = match (r.mcp.action, r.dry_run) {
        (McpAction::Registered, true) => Some(format!(
            "the MCP server session-bridge is not registered; `sb setup{flag}` would {}: {}",
            if w.agent == Target::Claude {
                "run"
            } else {
                "add"
            },
            r.mcp.command
        )),
        (McpAction::Registered, false) => {
            Some(format!("registered the MCP server: {}", r.mcp.command))
        }
        (McpAction::Manual, _) => Some(format!(
            "claude is not on PATH here, so the MCP server could not be checked; register it with: {}",
            r.mcp.command
        )),
        (McpAction::Failed, _) => Some(format!(
            "checking the MCP server failed: {}",
            r.mcp.detail.as_deref().unwrap_or("?")
        )),
        _ => None,
    };
    if hook.is_none() && mcp.is_none() {
        return format!("{name} wiring: hook and MCP server in place\n");
    }
    let label = format!("{name} wiring:");
    for line in hook.into_iter().chain(mcp) {
        let _ = writeln!(s, "{} {line}", out.paint(&label, Style::Warn));
    }
    if let Some(next) = r.next_step.as_deref().filter(|_| !r.dry_run) {
        let _ = writeln!(s, "  next: {next}");
    }
    if w.missing && !w.applied && !dry_run {
        let _ = writeln!(
            s,
            "  (nothing was changed; `sb up --setup` or `sb setup{flag}` adds it)"
        );
    }
    s
}

pub fn run_down(ctx: &Ctx, out: Out, a: DownArgs) -> Result<()> {
    let p = DownParams {
        file: a.file,
        keep_worktrees: a.keep_worktrees,
        grace: a.grace,
    };
    let r = down::down(ctx, &p)?;
    done(out.emit(&r, |r| human_down(out, r)))
}

fn human_down(out: Out, r: &DownReport) -> String {
    let mut s = format!("session {}:\n", out.paint(&r.session, Style::Bold));
    let width = r.roles.iter().map(|x| x.role.len()).max().unwrap_or(0);
    for x in &r.roles {
        let word = match x.stop {
            Stop::Exited => out.paint("exited", Style::Good),
            Stop::Killed => out.paint("killed", Style::Warn),
            Stop::NotRunning => out.paint("not running", Style::Dim),
            Stop::LeftAlone => out.paint("left alone", Style::Warn),
        };
        let _ = writeln!(
            s,
            "  {:width$}  {:5} {word}{}  {}",
            x.role,
            x.pane.as_deref().unwrap_or("-"),
            if x.unregistered { ", unregistered" } else { "" },
            x.detail
        );
    }
    if r.watch_closed {
        s.push_str("  sb watch window closed\n");
    }
    for w in &r.worktrees {
        let word = if w.removed {
            out.paint("removed", Style::Good)
        } else {
            out.paint("KEPT", Style::Warn)
        };
        let _ = writeln!(
            s,
            "  worktree {} ({}): {word}: {}",
            w.path, w.role, w.detail
        );
    }
    s
}
