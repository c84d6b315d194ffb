//! `sb setup --agent codex`: the SessionStart hook in `~/.codex/hooks.json` (Codex reads Claude
//! Code's hook format; its SessionStart runs again with source `clear`) and the MCP server as a
//! `[mcp_servers.session-bridge]` table in `~/.codex/config.toml` (`$CODEX_HOME` when set).
//!
//! config.toml is the user's TOML file and sb has no TOML editor: sb owns exactly the table it
//! writes (the header line up to the next table header) and edits nothing else. A server of that
//! name written in any other form (a sub-table, an inline table, a dotted key) is refused with the
//! line, so the file never ends up defining it twice. Codex runs a new or changed hook only after
//! the user trusts it in a startup menu ("Hooks need review"); sb never answers that menu.

use super::merge::{HookSpec, add_hook_for, remove_hook_for};
use super::settings::{corrupt, edit_json, resolve_link, write_with_backup};
use super::{
    HOOK_SUFFIX, HookAction, MCP_NAME, McpAction, McpChange, SetupReport, Target, home_dir,
    hook_command, shell_quote, unified_diff,
};
use crate::error::{Result, other};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Codex's SessionStart sources are startup, resume and clear; the hook gets 10 s.
pub const SESSION_START: HookSpec = HookSpec {
    event: "SessionStart",
    suffix: HOOK_SUFFIX,
    matcher: Some("startup|resume|clear"),
    extra: &[("timeout", 10)],
};

/// What the user does once after setup: trust the hook in Codex's startup menu.
pub const TRUST_STEP: &str = "Codex runs a new or changed hook only once you trust it: at the next \
    start of codex, choose \"Trust all and continue\" (or \"Review hooks\") in the \"Hooks need \
    review\" menu. sb never answers that menu for you.";

const HEADER: &str = "[mcp_servers.session-bridge]";
const HEADER_QUOTED: &str = "[mcp_servers.\"session-bridge\"]";

/// `$CODEX_HOME`, else `~/.codex`.
pub fn codex_home() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("CODEX_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    Ok(home_dir("~/.codex")?.join(".codex"))
}

pub fn setup(sb: &Path, dry_run: bool, uninstall: bool) -> Result<SetupReport> {
    let home = codex_home()?;
    let command = hook_command(sb);
    let c = command.clone();
    let hook = edit_json(
        &home.join("hooks.json"),
        command,
        dry_run,
        uninstall,
        |root| {
            if uninstall {
                remove_hook_for(root, &SESSION_START)
            } else {
                add_hook_for(root, &SESSION_START, &c)
            }
        },
    )?;
    let mcp = mcp_step(&home.join("config.toml"), sb, dry_run, uninstall)?;
    let next_step = (!uninstall && matches!(hook.action, HookAction::Added | HookAction::Updated))
        .then(|| TRUST_STEP.to_string());
    Ok(SetupReport {
        agent: Target::Codex,
        dry_run,
        uninstall,
        sb: sb.display().to_string(),
        hook,
        mcp,
        next_step,
    })
}

/// For `sb doctor`: None when there is no Codex home; else whether the hook and the server are
/// wired, and what was found.
pub fn status() -> Option<(bool, String)> {
    let home = codex_home().ok().filter(|h| h.is_dir())?;
    let hooks = super::read_settings(&home.join("hooks.json"))
        .map(|(_, v)| super::sb_hooks_for(&v, &SESSION_START))
        .unwrap_or_default();
    let toml = std::fs::read_to_string(home.join("config.toml")).unwrap_or_default();
    let lines: Vec<&str> = toml.split_inclusive('\n').collect();
    let server = matches!(find_table(&lines), Ok(Some(_)));
    let detail = format!(
        "{}: SessionStart hook {}, MCP server {}",
        home.display(),
        if hooks.is_empty() {
            "missing"
        } else {
            "present"
        },
        if server { "present" } else { "missing" }
    );
    Some((!hooks.is_empty() && server, detail))
}

/// Add, replace or remove sb's `[mcp_servers.session-bridge]` table in config.toml.
fn mcp_step(path: &Path, sb: &Path, dry_run: bool, uninstall: bool) -> Result<McpChange> {
    let path = resolve_link(path)?;
    let before = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(other(format!("cannot read {}: {e}", path.display()))),
    };
    let text = before.clone().unwrap_or_default();
    let block = table(sb);
    let (action, after) =
        edit_config(&text, &block, uninstall).map_err(|why| corrupt(&path, why))?;
    let mut change = McpChange {
        action,
        command: if uninstall {
            format!("codex mcp remove {MCP_NAME}")
        } else {
            format!(
                "codex mcp add {MCP_NAME} -- {} mcp",
                shell_quote(&sb.to_string_lossy())
            )
        },
        claude: None,
        snippet: (!uninstall).then(|| serde_json::Value::String(block.clone())),
        detail: None,
        file: Some(path.display().to_string()),
        diff: None,
        backup: None,
    };
    let Some(after) = after else {
        return Ok(change);
    };
    let label = if uninstall {
        "after sb setup --uninstall"
    } else {
        "after sb setup"
    };
    change.diff = Some(unified_diff(
        &text,
        &after,
        &path.display().to_string(),
        label,
    ));
    if !dry_run {
        change.backup = write_with_backup(&path, before.as_deref(), &after)?;
    }
    Ok(change)
}

/// sb's table: the server runs `<sb> mcp`.
fn table(sb: &Path) -> String {
    format!(
        "{HEADER}\ncommand = {}\nargs = [\"mcp\"]\n",
        toml_string(&sb.to_string_lossy())
    )
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The action and the new text (None when nothing changes), or why sb leaves the file alone.
fn edit_config(
    text: &str,
    block: &str,
    uninstall: bool,
) -> std::result::Result<(McpAction, Option<String>), String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let found = find_table(&lines)?;
    match (found, uninstall) {
        (None, true) => Ok((McpAction::Absent, None)),
        (None, false) => {
            let mut out = text.to_string();
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push('\n');
            }
            out.push_str(block);
            Ok((McpAction::Registered, Some(out)))
        }
        (Some((start, end)), false) => {
            if lines[start..end].concat() == block {
                return Ok((McpAction::Unchanged, None));
            }
            let out = [
                lines[..start].concat(),
                block.to_string(),
                lines[end..].concat(),
            ]
            .concat();
            Ok((McpAction::Registered, Some(out)))
        }
        (Some((mut start, end)), true) => {
            // The blank line setup put before the table goes with it when the table ends the file.
            let at_end = lines[end..].iter().all(|l| l.trim().is_empty());
            if at_end && start > 0 && lines[start - 1].trim().is_empty() {
                start -= 1;
            }
            let rest = if at_end {
                String::new()
            } else {
                lines[end..].concat()
            };
            Ok((McpAction::Removed, Some(lines[..start].concat() + &rest)))
        }
    }
}

/// sb's table as [start, end) line indexes (end excludes trailing blank lines), None when absent;
/// Err when the server is defined in a form sb does not own.
fn find_table(lines: &[&str]) -> std::result::Result<Option<(usize, usize)>, String> {
    let mut found = None;
    let mut in_servers = false;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        let foreign = || {
            Err(format!(
                "line {} defines the {MCP_NAME} MCP server in a form sb does not edit ({t:?}); \
                 change it by hand or remove it (`codex mcp remove {MCP_NAME}`), then run sb setup again",
                i + 1
            ))
        };
        if t.starts_with('[') {
            in_servers = t == "[mcp_servers]";
            if t == HEADER || t == HEADER_QUOTED {
                if found.is_some() {
                    return foreign();
                }
                let mut end = i + 1;
                while end < lines.len() && !lines[end].trim_start().starts_with('[') {
                    end += 1;
                }
                while end > i + 1 && lines[end - 1].trim().is_empty() {
                    end -= 1;
                }
                found = Some((i, end));
            } else if t.starts_with("[mcp_servers.session-bridge.")
                || t.starts_with("[mcp_servers.\"session-bridge\".")
            {
                return foreign();
            }
            continue;
        }
        let key = t.split('=').next().unwrap_or("").trim();
        let names_it = key.starts_with("mcp_servers.session-bridge")
            || key.starts_with("mcp_servers.\"session-bridge\"")
            || (in_servers
                && (key == MCP_NAME
                    || key == "\"session-bridge\""
                    || key.starts_with("session-bridge.")
                    || key.starts_with("\"session-bridge\".")));
        if names_it && !t.starts_with('#') {
            return foreign();
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "model = \"gpt-5.5\"\n\n[projects.\"/w\"]\ntrust_level = \"trusted\"\n";

    #[test]
    fn adding_then_removing_the_table_restores_the_file() {
        let block = table(Path::new("/opt/my tools/sb"));
        assert_eq!(
            block,
            "[mcp_servers.session-bridge]\ncommand = \"/opt/my tools/sb\"\nargs = [\"mcp\"]\n"
        );
        let (a, added) = edit_config(USER, &block, false).unwrap();
        assert_eq!(a, McpAction::Registered);
        let added = added.unwrap();
        assert_eq!(added, format!("{USER}\n{block}"));
        assert_eq!(
            edit_config(&added, &block, false).unwrap(),
            (McpAction::Unchanged, None)
        );
        let (r, removed) = edit_config(&added, &block, true).unwrap();
        assert_eq!((r, removed.as_deref()), (McpAction::Removed, Some(USER)));
        assert_eq!(
            edit_config(USER, &block, true).unwrap(),
            (McpAction::Absent, None)
        );
        assert_eq!(
            edit_config("", &block, false).unwrap(),
            (McpAction::Registered, Some(block.clone()))
        );
    }

    #[test]
    fn a_table_in_the_middle_is_replaced_and_removed_in_place() {
        let old = "a = 1\n[mcp_servers.session-bridge]\ncommand = \"/old/sb\"\nargs = [\"mcp\"]\n\n[x]\nb = 2\n";
        let block = table(Path::new("/new/sb"));
        let (a, new) = edit_config(old, &block, false).unwrap();
        assert_eq!(a, McpAction::Registered);
        assert_eq!(
            new.unwrap(),
            "a = 1\n[mcp_servers.session-bridge]\ncommand = \"/new/sb\"\nargs = [\"mcp\"]\n\n[x]\nb = 2\n"
        );
        let (_, gone) = edit_config(old, &block, true).unwrap();
        assert_eq!(gone.unwrap(), "a = 1\n\n[x]\nb = 2\n");
    }

    #[test]
    fn other_forms_of_the_server_are_refused() {
        let block = table(Path::new("/b/sb"));
        for text in [
            "[mcp_servers]\nsession-bridge = { command = \"x\" }\n",
            "mcp_servers.session-bridge.command = \"x\"\n",
            "[mcp_servers.session-bridge]\ncommand = \"x\"\n[mcp_servers.session-bridge.env]\nA = \"1\"\n",
        ] {
            let e = edit_config(text, &block, false).unwrap_err();
            assert!(e.contains("does not edit"), "{text}: {e}");
        }
        // A comment or another server is fine.
        let ok =
            "# mcp_servers.session-bridge.command = \"x\"\n[mcp_servers.other]\ncommand = \"y\"\n";
        assert_eq!(
            edit_config(ok, &block, false).unwrap().0,
            McpAction::Registered
        );
        assert_eq!(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
