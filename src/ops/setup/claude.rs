//! The `claude mcp` step (register or remove the `session-bridge` server at user scope, or say how
//! to when `claude` is not on PATH), running `claude` with a timeout, and finding programs on PATH.

use super::{MCP_NAME, McpAction, McpChange, SetupEnv, mcp_add_command};
use crate::error::{Result, other};
use crate::process::RunError;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CLAUDE_TIMEOUT: Duration = Duration::from_secs(60);

pub(super) fn mcp_step(env: &SetupEnv, dry_run: bool, uninstall: bool) -> McpChange {
    // The sb path goes to claude as one argv element (no shell, no quoting).
    let sb = env.sb.to_string_lossy().into_owned();
    let add = mcp_add_command(&env.sb);
    let remove = format!("claude mcp remove -s user {MCP_NAME}");
    let mut change = McpChange {
        action: McpAction::Manual,
        command: if uninstall {
            remove.clone()
        } else {
            add.clone()
        },
        claude: env.claude.as_ref().map(|c| c.display().to_string()),
        snippet: None,
        detail: None,
        file: None,
        diff: None,
        backup: None,
    };
    let Some(claude) = &env.claude else {
        if !uninstall {
            change.snippet = Some(serde_json::json!({"mcpServers": {MCP_NAME: {
                "command": env.sb.display().to_string(), "args": ["mcp"]}}}));
        }
        return change;
    };
    let current = run_claude(claude, &["mcp", "get", MCP_NAME]);
    let exists = current.as_ref().is_ok_and(|(ok, _)| *ok);
    let ours = current
        .as_ref()
        .is_ok_and(|(ok, out)| *ok && out.contains(&sb));
    let steps: Vec<Vec<&str>> = match (uninstall, exists, ours) {
        (true, false, _) => {
            return McpChange {
                action: McpAction::Absent,
                ..change
            };
        }
        (true, true, _) => vec![vec!["mcp", "remove", "-s", "user", MCP_NAME]],
        (false, _, true) => {
            return McpChange {
                action: McpAction::Unchanged,
                ..change
            };
        }
        (false, true, false) => vec![
            vec!["mcp", "remove", "-s", "user", MCP_NAME],
            vec!["mcp", "add", "-s", "user", MCP_NAME, "--", &sb, "mcp"],
        ],
        (false, false, _) => vec![vec!["mcp", "add", "-s", "user", MCP_NAME, "--", &sb, "mcp"]],
    };
    change.action = if uninstall {
        McpAction::Removed
    } else {
        McpAction::Registered
    };
    if dry_run {
        return change;
    }
    let last = steps.len() - 1;
    for (i, args) in steps.iter().enumerate() {
        match run_claude(claude, args) {
            Ok((true, _)) => {}
            Ok((false, _)) if i < last => {} // removing a stale entry from another scope may fail
            Ok((false, out)) => {
                return McpChange {
                    action: McpAction::Failed,
                    detail: Some(out),
                    ..change
                };
            }
            Err(e) => {
                return McpChange {
                    action: McpAction::Failed,
                    detail: Some(format!("{e:#}")),
                    ..change
                };
            }
        }
    }
    change
}

/// Run `claude` with `args` (stdin closed, at most a minute); (exit status 0, stdout + stderr).
pub fn run_claude(claude: &Path, args: &[&str]) -> Result<(bool, String)> {
    let mut cmd = Command::new(claude);
    cmd.args(args);
    match crate::process::run(cmd, None, CLAUDE_TIMEOUT) {
        Ok(out) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            Ok((out.status.success(), text.trim().to_string()))
        }
        Err(RunError::Spawn(e)) => Err(other(format!("cannot run {}: {e}", claude.display()))),
        Err(RunError::Wait(e)) => Err(other(format!("claude {}: {e}", args.join(" ")))),
        Err(RunError::TimedOut) => Err(other(format!(
            "`claude {}` did not finish within {}s",
            args.join(" "),
            CLAUDE_TIMEOUT.as_secs()
        ))),
    }
}

/// An executable file called `name` in a `$PATH` directory.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}
