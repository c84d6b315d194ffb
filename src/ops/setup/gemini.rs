//! `sb setup --agent gemini`: a BeforeAgent hook running `<sb> hook before-agent` and the MCP
//! server under `mcpServers.session-bridge`, both in `~/.gemini/settings.json`, in one rewrite
//! (backup first). Gemini CLI ignores SessionStart context after `/clear`, so the briefing comes
//! from BeforeAgent, which sb gives once per session. User-level hooks need no trust step.

use super::merge::{HookSpec, add_hook_for, remove_hook_for};
use super::settings::edit_json;
use super::{MCP_NAME, McpAction, McpChange, SetupReport, Target, home_dir, shell_quote};
use crate::error::Result;
use serde_json::{Map, Value, json};
use std::cell::Cell;
use std::path::{Path, PathBuf};

pub const HOOK_SUFFIX: &str = "hook before-agent";

/// No matcher (BeforeAgent has nothing to match); Gemini's timeout is in milliseconds.
pub const BEFORE_AGENT: HookSpec = HookSpec {
    event: "BeforeAgent",
    suffix: HOOK_SUFFIX,
    matcher: None,
    extra: &[("timeout", 5000)],
};

/// `~/.gemini/settings.json`.
pub fn settings_path() -> Result<PathBuf> {
    Ok(home_dir("~/.gemini/settings.json")?
        .join(".gemini")
        .join("settings.json"))
}

/// `<sb> hook before-agent`.
pub fn hook_command(sb: &Path) -> String {
    format!("{} {HOOK_SUFFIX}", shell_quote(&sb.to_string_lossy()))
}

pub fn setup(sb: &Path, dry_run: bool, uninstall: bool) -> Result<SetupReport> {
    let path = settings_path()?;
    let command = hook_command(sb);
    let c = command.clone();
    let server = json!({"command": sb.display().to_string(), "args": ["mcp"]});
    let mcp_action = Cell::new(McpAction::Unchanged);
    let hook = edit_json(&path, command, dry_run, uninstall, |root| {
        let action = if uninstall {
            remove_hook_for(root, &BEFORE_AGENT)?
        } else {
            add_hook_for(root, &BEFORE_AGENT, &c)?
        };
        mcp_action.set(edit_server(root, &server, uninstall)?);
        Ok(action)
    })?;
    let mcp = McpChange {
        action: mcp_action.get(),
        command: format!(
            "{} \"{MCP_NAME}\" in {}",
            if uninstall {
                "remove mcpServers"
            } else {
                "add mcpServers"
            },
            hook.settings
        ),
        claude: None,
        snippet: (!uninstall).then(|| json!({"mcpServers": {MCP_NAME: server}})),
        detail: None,
        file: Some(hook.settings.clone()),
        diff: None,
        backup: hook.backup.clone(),
    };
    Ok(SetupReport {
        agent: Target::Gemini,
        dry_run,
        uninstall,
        sb: sb.display().to_string(),
        hook,
        mcp,
        next_step: None,
    })
}

/// Set (or remove) `mcpServers.session-bridge`; `mcpServers` goes when that leaves it empty.
fn edit_server(
    root: &mut Value,
    server: &Value,
    uninstall: bool,
) -> std::result::Result<McpAction, String> {
    let Value::Object(root) = root else {
        return Err("the top level is not a JSON object; sb did not change it".into());
    };
    if uninstall {
        let Some(Value::Object(servers)) = root.get_mut("mcpServers") else {
            return Ok(McpAction::Absent);
        };
        if servers.shift_remove(MCP_NAME).is_none() {
            return Ok(McpAction::Absent);
        }
        if servers.is_empty() {
            root.shift_remove("mcpServers");
        }
        return Ok(McpAction::Removed);
    }
    let Value::Object(servers) = root
        .entry("mcpServers")
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return Err("\"mcpServers\" is not an object; sb did not change it".into());
    };
    if servers.get(MCP_NAME) == Some(server) {
        return Ok(McpAction::Unchanged);
    }
    servers.insert(MCP_NAME.into(), server.clone());
    Ok(McpAction::Registered)
}

/// For `sb doctor`: None when there is no ~/.gemini; else whether the hook and the server are
/// wired, and what was found.
pub fn status() -> Option<(bool, String)> {
    let path = settings_path().ok()?;
    path.parent().filter(|d| d.is_dir())?;
    let root = super::read_settings(&path)
        .map(|(_, v)| v)
        .unwrap_or_default();
    let hook = !super::sb_hooks_for(&root, &BEFORE_AGENT).is_empty();
    let server = root
        .get("mcpServers")
        .and_then(|s| s.get(MCP_NAME))
        .is_some();
    let detail = format!(
        "{}: BeforeAgent hook {}, MCP server {}",
        path.display(),
        if hook { "present" } else { "missing" },
        if server { "present" } else { "missing" }
    );
    Some((hook && server, detail))
}
