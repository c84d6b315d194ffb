//! `sb setup`: install (or `--uninstall`) the SessionStart hook and the MCP server in Claude Code.

use crate::error::{Result, SbError};
use crate::ops::setup::{self, HookAction, McpAction, SetupEnv, SetupReport};
use crate::output::{Out, Style, note};
use clap::Args;

/// Wire sb into Claude Code: the SessionStart hook and the session-bridge MCP server
///
/// Adds a SessionStart hook (matcher startup|resume|clear|compact) running `<this sb> hook
/// session-start` to ~/.claude/settings.json ($CLAUDE_CONFIG_DIR/settings.json when set), keeping
/// every other key and hook, after writing a backup beside it (settings.json.sb-backup-TIME). A file
/// that is not valid JSON is refused and left untouched. Then registers the MCP server
/// `session-bridge` at user scope with `claude mcp add`, or prints the command and a .mcp.json
/// snippet when claude is not on PATH. Running it again changes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb setup --dry-run                   # show the settings.json diff, change nothing\n  sb setup\n  sb setup --uninstall                 # remove the hook entry and the MCP server\n  sb setup --json | jq .hook.action"
)]
pub struct SetupArgs {
    /// Show what would change (a diff of settings.json, the claude command) and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove what `sb setup` added: sb's hook entry and the session-bridge MCP server
    #[arg(long)]
    pub uninstall: bool,
}

/// Ok(1) when the MCP registration failed (the report says why).
pub fn run(out: Out, a: SetupArgs) -> Result<u8> {
    let env = SetupEnv::detect()?;
    let r = setup::setup(&env, a.dry_run, a.uninstall)?;
    let io = |r: std::io::Result<()>| r.map_err(SbError::from_io);
    if out.json {
        io(out.emit(&r, |_| String::new()))?;
    } else {
        io(human(out, &r))?;
    }
    Ok(u8::from(r.mcp.action == McpAction::Failed))
}

fn human(out: Out, r: &SetupReport) -> std::io::Result<()> {
    let would = if r.dry_run { "would be " } else { "" };
    let h = &r.hook;
    if let (true, Some(d)) = (r.dry_run, &h.diff) {
        out.line(d.trim_end())?;
    }
    let what = match h.action {
        HookAction::Added => format!("hook {would}added to {}", h.settings),
        HookAction::Updated => format!("hook {would}updated in {}", h.settings),
        HookAction::Unchanged => format!("hook already in {} (unchanged)", h.settings),
        HookAction::Removed => format!("hook {would}removed from {}", h.settings),
        HookAction::Absent => format!("no sb hook in {} (nothing to remove)", h.settings),
    };
    note(&what);
    if let Some(b) = &h.backup {
        note(&format!("  backup: {b}"));
    }
    let m = &r.mcp;
    match m.action {
        McpAction::Manual if r.uninstall => {
            out.line("claude is not on PATH; if you registered the MCP server, remove it with:")?;
            out.line(&format!("  {}", m.command))?;
        }
        McpAction::Manual => {
            out.line("claude is not on PATH; register the MCP server yourself:")?;
            out.line(&format!("  {}", m.command))?;
            if let Some(s) = &m.snippet {
                out.line("or add this to a project's .mcp.json:")?;
                let s = serde_json::to_string_pretty(s).unwrap_or_default();
                out.line(&format!("  {}", s.replace('\n', "\n  ")))?;
            }
        }
        McpAction::Registered => note(&format!(
            "MCP server session-bridge {would}registered: {}",
            m.command
        )),
        McpAction::Unchanged => note("MCP server session-bridge already registered (unchanged)"),
        McpAction::Removed => note(&format!(
            "MCP server session-bridge {would}removed: {}",
            m.command
        )),
        McpAction::Absent => note("MCP server session-bridge not registered (nothing to remove)"),
        McpAction::Failed => {
            let detail = m.detail.as_deref().unwrap_or("");
            note(&format!(
                "{} `{}` failed: {detail}",
                out.paint("error:", Style::Bad),
                m.command
            ));
        }
    }
    if r.dry_run {
        note("dry run: nothing was changed");
    }
    Ok(())
}
