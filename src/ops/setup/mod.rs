//! `sb setup`: wire sb into Claude Code (the SessionStart hook in the user's settings.json, the
//! `session-bridge` MCP server at user scope), Codex or Gemini CLI (`--agent`), and undo exactly
//! that (`--uninstall`). This file holds the flow, the report types and the names; the steps and
//! the helpers `doctor` shares live in:
//!
//! - `settings`: finding, reading and rewriting settings.json (backup, atomic write, symlinks);
//! - `merge`: finding, adding and removing sb's entry under `hooks.<Event>` in its value;
//! - `claude`: the `claude mcp` step, running `claude`, finding programs on `$PATH`;
//! - `codex`: ~/.codex/hooks.json and the `[mcp_servers.session-bridge]` table of config.toml;
//! - `gemini`: the BeforeAgent hook and `mcpServers` in ~/.gemini/settings.json;
//! - `diff`: the unified diff shown for a change.

mod claude;
pub mod codex;
mod diff;
pub mod gemini;
mod merge;
mod settings;

pub use claude::{find_on_path, run_claude};
pub use diff::unified_diff;
pub use merge::{hook_program, sb_hooks, sb_hooks_for};
pub use settings::{read_settings, settings_path};

use crate::error::{Result, SbError, other};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The sources the hook runs for: every way a session starts.
pub const MATCHER: &str = "startup|resume|clear|compact";
/// The MCP server name at user scope.
pub const MCP_NAME: &str = "session-bridge";
pub(crate) const HOOK_SUFFIX: &str = "hook session-start";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HookAction {
    Added,
    /// An sb hook was there with another command or matcher; it was replaced.
    Updated,
    Unchanged,
    Removed,
    /// Nothing to remove.
    Absent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum McpAction {
    Registered,
    Unchanged,
    Removed,
    Absent,
    /// `claude` is not on PATH: the command and the `.mcp.json` snippet are in the report.
    Manual,
    /// `claude` failed; see `detail`.
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HookChange {
    /// The settings file (its symlink target when it is a link).
    pub settings: String,
    pub action: HookAction,
    /// The hook command (`<sb> hook session-start`).
    pub command: String,
    /// Copy of the file before the change, when one was written.
    pub backup: Option<String>,
    /// Unified diff of settings.json for the change (null when unchanged).
    pub diff: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct McpChange {
    pub action: McpAction,
    /// The `claude` command line that was (or would be, or should be) run.
    pub command: String,
    /// The `claude` binary used, when found on PATH.
    pub claude: Option<String>,
    /// A `.mcp.json` snippet, when claude is not on PATH.
    pub snippet: Option<serde_json::Value>,
    /// claude's output when it failed.
    pub detail: Option<String>,
    /// Codex, Gemini: the file holding the server entry.
    #[serde(default)]
    pub file: Option<String>,
    /// Codex: unified diff of config.toml for the change (Gemini's entry is in the hook's diff).
    #[serde(default)]
    pub diff: Option<String>,
    /// Codex: copy of config.toml before the change, when one was written.
    #[serde(default)]
    pub backup: Option<String>,
}

/// The agent `sb setup` wires.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    #[default]
    Claude,
    Codex,
    Gemini,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SetupReport {
    /// The agent wired: claude, codex or gemini.
    pub agent: Target,
    /// Nothing was changed; the actions say what would happen.
    pub dry_run: bool,
    pub uninstall: bool,
    /// The sb binary the hook and the MCP server run.
    pub sb: String,
    pub hook: HookChange,
    pub mcp: McpChange,
    /// What the user still has to do (Codex: trust the new hook in its startup menu).
    pub next_step: Option<String>,
}

/// Where things are: the settings file, this sb, and `claude` if it is on PATH.
#[derive(Debug, Clone)]
pub struct SetupEnv {
    pub settings: PathBuf,
    pub sb: PathBuf,
    pub claude: Option<PathBuf>,
}

impl SetupEnv {
    /// `$CLAUDE_CONFIG_DIR/settings.json`, else `$HOME/.claude/settings.json`; sb is this binary.
    pub fn detect() -> Result<SetupEnv> {
        let exe = std::env::current_exe()
            .map_err(|e| other(format!("cannot find sb's own path: {e}")))?;
        Ok(SetupEnv {
            settings: settings_path()?,
            sb: exe.canonicalize().unwrap_or(exe),
            claude: find_on_path("claude"),
        })
    }
}

/// The hook command for this sb binary.
pub fn hook_command(sb: &Path) -> String {
    format!("{} {HOOK_SUFFIX}", shell_quote(&sb.to_string_lossy()))
}

pub fn mcp_add_command(sb: &Path) -> String {
    format!(
        "claude mcp add -s user {MCP_NAME} -- {} mcp",
        shell_quote(&sb.to_string_lossy())
    )
}

/// Install (or with `uninstall`, remove) Claude Code's hook and MCP server; `dry_run` changes
/// nothing.
pub fn setup(env: &SetupEnv, dry_run: bool, uninstall: bool) -> Result<SetupReport> {
    let hook = settings::hook_step(env, dry_run, uninstall)?;
    let mcp = claude::mcp_step(env, dry_run, uninstall);
    Ok(SetupReport {
        agent: Target::Claude,
        dry_run,
        uninstall,
        sb: env.sb.display().to_string(),
        hook,
        mcp,
        next_step: None,
    })
}

/// `setup` for `agent`: Claude Code, Codex (`codex::setup`) or Gemini CLI (`gemini::setup`).
pub fn setup_agent(
    agent: Target,
    env: &SetupEnv,
    dry_run: bool,
    uninstall: bool,
) -> Result<SetupReport> {
    match agent {
        Target::Claude => setup(env, dry_run, uninstall),
        Target::Codex => codex::setup(&env.sb, dry_run, uninstall),
        Target::Gemini => gemini::setup(&env.sb, dry_run, uninstall),
    }
}

/// `$HOME`, or a usage error naming `what` needs it.
pub fn home_dir(what: &str) -> Result<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| SbError::Usage(format!("HOME is not set: cannot find {what}")))
}

/// Quote for a POSIX shell when needed.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%=".contains(&b))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}
