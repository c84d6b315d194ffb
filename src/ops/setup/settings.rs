//! settings.json as a file: where it is, reading it (invalid JSON is refused untouched), and the
//! hook step that rewrites it (backup first, atomic write through a symlink to its target).
//!
//! The file is the user's: it is parsed into a `serde_json::Value`, whose `Map` keeps the file's key
//! order (serde_json's `preserve_order` feature), changed only under `hooks.SessionStart`, and
//! written back pretty-printed, so its formatting is normalized to two-space indentation.

use super::merge::{add_hook, remove_hook};
use super::{HookAction, HookChange, SetupEnv, hook_command, unified_diff};
use crate::error::{Result, SbError, other};
use crate::store::write_atomic;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

pub fn settings_path() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("CLAUDE_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("settings.json"));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            SbError::Usage("HOME is not set: cannot find ~/.claude/settings.json".into())
        })?;
    Ok(PathBuf::from(home).join(".claude").join("settings.json"))
}

/// Add (or remove) sb's hook in the settings file; with `dry_run`, only report the diff.
pub(super) fn hook_step(env: &SetupEnv, dry_run: bool, uninstall: bool) -> Result<HookChange> {
    let command = hook_command(&env.sb);
    let c = command.clone();
    edit_json(&env.settings, command, dry_run, uninstall, |root| {
        if uninstall {
            remove_hook(root)
        } else {
            add_hook(root, &c)
        }
    })
}

/// Apply `edit` to the JSON file at `path` (a symlink is written through); the file is rewritten,
/// after a backup, only when its value changed. `edit` returns the hook's action or why the file
/// has a shape sb does not change. `command` is the hook command, for the report.
pub(super) fn edit_json(
    path: &Path,
    command: String,
    dry_run: bool,
    uninstall: bool,
    edit: impl FnOnce(&mut Value) -> std::result::Result<HookAction, String>,
) -> Result<HookChange> {
    let path = resolve_link(path)?;
    let (before, mut root) = read_settings(&path)?;
    let orig = root.clone();
    let action = edit(&mut root).map_err(|why| corrupt(&path, why))?;
    let mut change = HookChange {
        settings: path.display().to_string(),
        action,
        command,
        backup: None,
        diff: None,
    };
    if root == orig {
        return Ok(change);
    }
    let after = to_text(&root);
    change.diff = Some(unified_diff(
        &before.clone().unwrap_or_default(),
        &after,
        &change.settings,
        if uninstall {
            "after sb setup --uninstall"
        } else {
            "after sb setup"
        },
    ));
    if dry_run {
        return Ok(change);
    }
    change.backup = write_with_backup(&path, before.as_deref(), &after)?;
    Ok(change)
}

/// Write `after` to `path` atomically (keeping its mode), after copying `before` (the file as it
/// was, None when it did not exist) to `<path>.sb-backup-<time>`; returns the backup's path.
pub(super) fn write_with_backup(
    path: &Path,
    before: Option<&str>,
    after: &str,
) -> Result<Option<String>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| other(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut backup_path = None;
    if let Some(before) = before {
        let stamp: String = crate::clock::now_rfc3339()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let backup = PathBuf::from(format!("{}.sb-backup-{stamp}", path.display()));
        write_atomic(&backup, before.as_bytes())?;
        backup_path = Some(backup.display().to_string());
    }
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions());
    write_atomic(path, after.as_bytes())?;
    if let Some(mode) = mode {
        let _ = std::fs::set_permissions(path, mode);
    }
    Ok(backup_path)
}

/// The settings file's real path (a dotfiles symlink is written through, not replaced).
pub(super) fn resolve_link(path: &Path) -> Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            other(format!(
                "{} is a symbolic link that cannot be followed: {e}",
                path.display()
            ))
        }),
        _ => Ok(path.to_path_buf()),
    }
}

/// The file's text (None when missing) and its value; empty counts as `{}`; invalid JSON is refused.
pub fn read_settings(path: &Path) -> Result<(Option<String>, Value)> {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8(b).map_err(|_| corrupt(path, "it is not UTF-8 text".into()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((None, Value::Object(Map::new())));
        }
        Err(e) => return Err(other(format!("cannot read {}: {e}", path.display()))),
    };
    if text.trim().is_empty() {
        return Ok((Some(text), Value::Object(Map::new())));
    }
    let v = serde_json::from_str(&text)
        .map_err(|e| corrupt(path, format!("not valid JSON ({e}); sb did not change it")))?;
    Ok((Some(text), v))
}

pub(super) fn corrupt(path: &Path, why: String) -> SbError {
    SbError::Corrupt {
        path: path.to_path_buf(),
        why,
    }
}

/// Pretty-printed (two-space indent) with a final newline.
pub(super) fn to_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
