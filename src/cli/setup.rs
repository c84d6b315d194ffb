//! `sb setup`: install (or `--uninstall`) the briefing hook and the MCP server in Claude Code,
//! Codex or Gemini CLI.

use crate::error::{Result, SbError};
use crate::ops::setup::{self, HookAction, McpAction, SetupEnv, SetupReport, Target};
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
///
/// With --agent codex: the SessionStart hook goes to ~/.codex/hooks.json ($CODEX_HOME when set) and
/// the server to a [mcp_servers.session-bridge] table in ~/.codex/config.toml; Codex then asks once,
/// at its next start, to trust the new hook ("Hooks need review": choose "Trust all and continue").
/// With --agent gemini: a BeforeAgent hook running `<this sb> hook before-agent` (it briefs each
/// session on its first prompt, also after /clear) and mcpServers.session-bridge go to
/// ~/.gemini/settings.json.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb setup --dry-run                   # show the settings.json diff, change nothing\n  sb setup\n  sb setup --agent codex               # ~/.codex/hooks.json and config.toml\n  sb setup --agent gemini              # ~/.gemini/settings.json\n  sb setup --uninstall                 # remove the hook entry and the MCP server\n  sb setup --json | jq .hook.action"
)]
pub struct SetupArgs {
    /// The agent to wire
    #[arg(long, value_enum, default_value_t = Target::Claude)]
    pub agent: Target,
    /// Show what would change (a diff of settings.json, the claude command) and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove what `sb setup` added: sb's hook entry and the session-bridge MCP server
    #[arg(long)]
    pub uninstall: bool,
}

/// Ok(1) when the MCP registration failed (the report says why).
pub fn run(out: Out, a: SetupArgs) -> Result<()> {
    let env = SetupEnv::detect()?;
    let r = setup::setup_agent(a.agent, &env, a.dry_run, a.uninstall)?;
    let io = |r: std::io::Result<()>| r.map_err(SbError::from_io);
    if out.json {
        io(out.emit(&r, |_| String::new()))?;
    } else {
        io(human(out, &r))?;
    }
    super::exit_status(u8::from(r.mcp.action == McpAction::Failed))
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
    if let (true, Some(d)) = (r.dry_run, &m.diff) {
        out.line(d.trim_end())?;
    }
    let place = m
        .file
        .as_deref()
        .map_or(String::new(), |f| format!(" in {f}"));
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
        McpAction::Registered if m.file.is_some() => note(&format!(
            "MCP server session-bridge {would}registered{place}"
        )),
        McpAction::Registered => note(&format!(
            "MCP server session-bridge {would}registered: {}",
            m.command
        )),
        McpAction::Unchanged => note(&format!(
            "MCP server session-bridge already registered{place} (unchanged)"
        )),
        McpAction::Removed if m.file.is_some() => {
            note(&format!("MCP server session-bridge {would}removed{place}"))
        }
        McpAction::Removed => note(&format!(
            "MCP server session-bridge {would}removed: {}",
            m.command
        )),
        McpAction::Absent => note(&format!(
            "MCP server session-bridge not registered{place} (nothing to remove)"
        )),
        McpAction::Failed => {
            let detail = m.detail.as_deref().unwrap_or("");
            note(&format!(
                "{} `{}` failed: {detail}",
                out.paint("error:", Style::Bad),
                m.command
            ));
        }
    }
    if let Some(step) = &r.next_step {
        note(&format!("next: {step}"));
    }
    if r.dry_run {
        note("dry run: nothing was changed");
    }
    Ok(())
}
