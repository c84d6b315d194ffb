//! `sb setup`: wire sb into Claude Code (the SessionStart hook in the user's settings.json, the
//! `session-bridge` MCP server at user scope) and undo exactly that (`--uninstall`). Also the
//! settings and PATH helpers `doctor` shares.
//!
//! settings.json is the user's file: it is parsed into an order-keeping value (serde_json's `Map`
//! sorts keys here), changed only under `hooks.SessionStart`, backed up before each write, written
//! atomically through a symlink to its target, and refused untouched when it is not valid JSON.
//! Its formatting is normalized to two-space indentation when it is rewritten.

use crate::error::{Result, SbError, other};
use crate::store::write_atomic;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The sources the hook runs for: every way a session starts.
pub const MATCHER: &str = "startup|resume|clear|compact";
/// The MCP server name at user scope.
pub const MCP_NAME: &str = "session-bridge";
const HOOK_SUFFIX: &str = "hook session-start";
const CLAUDE_TIMEOUT: Duration = Duration::from_secs(60);

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
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SetupReport {
    /// Nothing was changed; the actions say what would happen.
    pub dry_run: bool,
    pub uninstall: bool,
    /// The sb binary the hook and the MCP server run.
    pub sb: String,
    pub hook: HookChange,
    pub mcp: McpChange,
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

/// Install (or with `uninstall`, remove) the hook and the MCP server; `dry_run` changes nothing.
pub fn setup(env: &SetupEnv, dry_run: bool, uninstall: bool) -> Result<SetupReport> {
    let hook = hook_step(env, dry_run, uninstall)?;
    let mcp = mcp_step(env, dry_run, uninstall);
    Ok(SetupReport {
        dry_run,
        uninstall,
        sb: env.sb.display().to_string(),
        hook,
        mcp,
    })
}

fn hook_step(env: &SetupEnv, dry_run: bool, uninstall: bool) -> Result<HookChange> {
    let command = hook_command(&env.sb);
    let path = resolve_link(&env.settings)?;
    let (before, mut root) = read_settings(&path)?;
    let action = if uninstall {
        remove_hook(&mut root).map_err(|why| corrupt(&path, why))?
    } else {
        add_hook(&mut root, &command).map_err(|why| corrupt(&path, why))?
    };
    let mut change = HookChange {
        settings: path.display().to_string(),
        action,
        command,
        backup: None,
        diff: None,
    };
    if matches!(action, HookAction::Unchanged | HookAction::Absent) {
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
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| other(format!("cannot create {}: {e}", dir.display())))?;
    }
    if let Some(before) = &before {
        let stamp: String = crate::clock::now_rfc3339()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let backup = PathBuf::from(format!("{}.sb-backup-{stamp}", path.display()));
        write_atomic(&backup, before.as_bytes())?;
        change.backup = Some(backup.display().to_string());
    }
    let mode = std::fs::metadata(&path).ok().map(|m| m.permissions());
    write_atomic(&path, after.as_bytes())?;
    if let Some(mode) = mode {
        let _ = std::fs::set_permissions(&path, mode);
    }
    Ok(change)
}

fn mcp_step(env: &SetupEnv, dry_run: bool, uninstall: bool) -> McpChange {
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
    let child = Command::new(claude)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| other(format!("cannot run {}: {e}", claude.display())))?;
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(CLAUDE_TIMEOUT) {
        Ok(Ok(out)) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            Ok((out.status.success(), text.trim().to_string()))
        }
        Ok(Err(e)) => Err(other(format!("claude {}: {e}", args.join(" ")))),
        Err(_) => {
            // SAFETY: kill(2) on the pid of the child we spawned and have not reaped.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            Err(other(format!(
                "`claude {}` did not finish within {}s",
                args.join(" "),
                CLAUDE_TIMEOUT.as_secs()
            )))
        }
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

/// The settings file's real path (a dotfiles symlink is written through, not replaced).
fn resolve_link(path: &Path) -> Result<PathBuf> {
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
pub fn read_settings(path: &Path) -> Result<(Option<String>, Json)> {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8(b).map_err(|_| corrupt(path, "it is not UTF-8 text".into()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, Json::Obj(vec![]))),
        Err(e) => return Err(other(format!("cannot read {}: {e}", path.display()))),
    };
    if text.trim().is_empty() {
        return Ok((Some(text), Json::Obj(vec![])));
    }
    let v = serde_json::from_str(&text)
        .map_err(|e| corrupt(path, format!("not valid JSON ({e}); sb did not change it")))?;
    Ok((Some(text), v))
}

fn corrupt(path: &Path, why: String) -> SbError {
    SbError::Corrupt {
        path: path.to_path_buf(),
        why,
    }
}

fn to_text(v: &Json) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The command of a hook entry when it runs sb's SessionStart hook (`…/sb hook session-start`).
pub fn sb_hook_command(entry: &Json) -> Option<&str> {
    let cmd = match entry.get("command")? {
        Json::Str(s) => s.as_str(),
        _ => return None,
    };
    let prog = cmd.trim_end().strip_suffix(HOOK_SUFFIX)?.trim();
    let prog = prog.trim_matches(|c| c == '\'' || c == '"');
    (Path::new(prog).file_name()? == "sb").then_some(cmd)
}

/// The program of an sb hook command (quotes removed).
pub fn hook_program(cmd: &str) -> PathBuf {
    let prog = cmd
        .trim_end()
        .strip_suffix(HOOK_SUFFIX)
        .unwrap_or(cmd)
        .trim();
    PathBuf::from(
        prog.trim_matches(|c| c == '\'' || c == '"')
            .replace("'\\''", "'"),
    )
}

/// Every sb hook in `hooks.SessionStart`: (matcher, command).
pub fn sb_hooks(root: &Json) -> Vec<(String, String)> {
    let Some(Json::Arr(groups)) = root.get("hooks").and_then(|h| h.get("SessionStart")) else {
        return vec![];
    };
    let mut found = vec![];
    for g in groups {
        let matcher = match g.get("matcher") {
            Some(Json::Str(m)) => m.clone(),
            _ => String::new(),
        };
        if let Some(Json::Arr(hooks)) = g.get("hooks") {
            found.extend(
                hooks
                    .iter()
                    .filter_map(sb_hook_command)
                    .map(|c| (matcher.clone(), c.to_string())),
            );
        }
    }
    found
}

/// The SessionStart groups, created when missing; Err(why) when the file has another shape.
fn session_start_groups(root: &mut Json) -> std::result::Result<&mut Vec<Json>, String> {
    let Json::Obj(root) = root else {
        return Err("the top level is not a JSON object; sb did not change it".into());
    };
    let Json::Obj(hooks) = entry(root, "hooks", Json::Obj(vec![])) else {
        return Err("\"hooks\" is not an object; sb did not change it".into());
    };
    match entry(hooks, "SessionStart", Json::Arr(vec![])) {
        Json::Arr(groups) => Ok(groups),
        _ => Err("\"hooks.SessionStart\" is not an array; sb did not change it".into()),
    }
}

fn add_hook(root: &mut Json, command: &str) -> std::result::Result<HookAction, String> {
    let found = sb_hooks(root);
    if found.len() == 1 && found[0] == (MATCHER.to_string(), command.to_string()) {
        return Ok(HookAction::Unchanged);
    }
    let groups = session_start_groups(root)?;
    remove_sb_entries(groups);
    groups.push(Json::Obj(vec![
        ("matcher".into(), Json::Str(MATCHER.into())),
        (
            "hooks".into(),
            Json::Arr(vec![Json::Obj(vec![
                ("type".into(), Json::Str("command".into())),
                ("command".into(), Json::Str(command.into())),
            ])]),
        ),
    ]));
    Ok(if found.is_empty() {
        HookAction::Added
    } else {
        HookAction::Updated
    })
}

fn remove_hook(root: &mut Json) -> std::result::Result<HookAction, String> {
    if sb_hooks(root).is_empty() {
        return Ok(HookAction::Absent);
    }
    let groups = session_start_groups(root)?;
    remove_sb_entries(groups);
    let now_empty = groups.is_empty();
    if let Json::Obj(root) = root {
        let hooks = root.iter_mut().find(|(k, _)| k == "hooks");
        if let (true, Some((_, Json::Obj(hooks)))) = (now_empty, hooks) {
            hooks.retain(|(k, _)| k != "SessionStart");
        }
        root.retain(|(k, v)| !(k == "hooks" && matches!(v, Json::Obj(h) if h.is_empty())));
    }
    Ok(HookAction::Removed)
}

/// Drop sb's entries, then the groups they leave empty.
fn remove_sb_entries(groups: &mut Vec<Json>) {
    groups.retain_mut(|g| {
        let Json::Obj(fields) = g else { return true };
        let Some((_, Json::Arr(hooks))) = fields.iter_mut().find(|(k, _)| k == "hooks") else {
            return true;
        };
        let had = hooks.len();
        hooks.retain(|h| sb_hook_command(h).is_none());
        !(had > 0 && hooks.is_empty())
    });
}

fn entry<'a>(obj: &'a mut Vec<(String, Json)>, key: &str, default: Json) -> &'a mut Json {
    let i = match obj.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            obj.push((key.to_string(), default));
            obj.len() - 1
        }
    };
    &mut obj[i].1
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

/// A JSON value that keeps object keys in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Num(n) => n.serialize(s),
            Json::Str(v) => s.serialize_str(v),
            Json::Arr(a) => s.collect_seq(a),
            Json::Obj(o) => {
                let mut m = s.serialize_map(Some(o.len()))?;
                for (k, v) in o {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Json, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> std::result::Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> std::result::Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<Json, E> {
                Ok(Json::Num(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> std::result::Result<Json, E> {
                Ok(Json::Num(n.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> std::result::Result<Json, E> {
                serde_json::Number::from_f64(n)
                    .map(Json::Num)
                    .ok_or_else(|| E::custom("bad number"))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Json, E> {
                Ok(Json::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Json, E> {
                Ok(Json::Str(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<Json, A::Error> {
                let mut v = vec![];
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Json::Arr(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<Json, A::Error> {
                let mut o: Vec<(String, Json)> = vec![];
                while let Some((k, v)) = a.next_entry::<String, Json>()? {
                    match o.iter_mut().find(|(x, _)| *x == k) {
                        Some(slot) => slot.1 = v, // a repeated key: the last wins, as in serde_json
                        None => o.push((k, v)),
                    }
                }
                Ok(Json::Obj(o))
            }
        }
        d.deserialize_any(V)
    }
}

/// A unified diff (3 lines of context) of `a` → `b`; whole-file replacement for huge inputs.
pub fn unified_diff(a: &str, b: &str, name: &str, after: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let (n, m) = (a.len(), b.len());
    // ops: (kind, line index in a, line index in b)
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    if n.saturating_mul(m) > 4_000_000 {
        ops.extend((0..n).map(|i| ('-', i, 0)));
        ops.extend((0..m).map(|j| ('+', n, j)));
    } else {
        let mut t = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i][j] = if a[i] == b[j] {
                    t[i + 1][j + 1] + 1
                } else {
                    t[i + 1][j].max(t[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                ops.push((' ', i, j));
                (i, j) = (i + 1, j + 1);
            } else if i < n && (j == m || t[i + 1][j] >= t[i][j + 1]) {
                ops.push(('-', i, j));
                i += 1;
            } else {
                ops.push(('+', i, j));
                j += 1;
            }
        }
    }
    let mut out = format!("--- {name}\n+++ {name} ({after})\n");
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 7 {
            end = changed[k];
            k += 1;
        }
        let end = (end + 4).min(ops.len());
        let hunk = &ops[start..end];
        let (la, lb) = (
            hunk.iter().filter(|o| o.0 != '+').count(),
            hunk.iter().filter(|o| o.0 != '-').count(),
        );
        let (sa, sb) = (
            hunk[0].1 + usize::from(la > 0),
            hunk[0].2 + usize::from(lb > 0),
        );
        out.push_str(&format!("@@ -{sa},{la} +{sb},{lb} @@\n"));
        for &(kind, i, j) in hunk {
            let line = if kind == '+' { b[j] } else { a[i] };
            out.push_str(&format!("{kind}{line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_recognizes_sb_hooks() {
        let v: Json = serde_json::from_str(r#"{"z":1,"a":{"y":[1,2.5,null],"b":true}}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"z":1,"a":{"y":[1,2.5,null],"b":true}}"#
        );
        for (cmd, yes) in [
            ("/usr/local/bin/sb hook session-start", true),
            ("'/opt/my tools/sb' hook session-start", true),
            ("sb hook session-start", true),
            ("/usr/bin/other hook session-start", false),
            ("/usr/bin/sb hook other", false),
        ] {
            let e = Json::Obj(vec![("command".into(), Json::Str(cmd.into()))]);
            assert_eq!(sb_hook_command(&e).is_some(), yes, "{cmd}");
        }
        assert_eq!(
            hook_program("'/opt/my tools/sb' hook session-start"),
            PathBuf::from("/opt/my tools/sb")
        );
    }

    #[test]
    fn add_then_remove_round_trips() {
        let text = r#"{"hooks":{"SessionStart":[{"matcher":"startup","hooks":[{"type":"command","command":"other"}]}]},"x":1}"#;
        let orig: Json = serde_json::from_str(text).unwrap();
        let mut v = orig.clone();
        assert_eq!(
            add_hook(&mut v, "/b/sb hook session-start"),
            Ok(HookAction::Added)
        );
        assert_eq!(
            add_hook(&mut v, "/b/sb hook session-start"),
            Ok(HookAction::Unchanged)
        );
        assert_eq!(
            add_hook(&mut v, "/c/sb hook session-start"),
            Ok(HookAction::Updated)
        );
        assert_eq!(sb_hooks(&v).len(), 1);
        assert_eq!(remove_hook(&mut v), Ok(HookAction::Removed));
        assert_eq!(v, orig);
        let mut empty = Json::Obj(vec![]);
        add_hook(&mut empty, "/b/sb hook session-start").unwrap();
        remove_hook(&mut empty).unwrap();
        assert_eq!(empty, Json::Obj(vec![]));
        assert!(add_hook(&mut Json::Arr(vec![]), "x").is_err());
    }

    #[test]
    fn diff_shows_only_changed_lines_with_context() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let b = "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n";
        let d = unified_diff(a, b, "f", "after");
        assert!(
            d.contains("@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n"),
            "{d}"
        );
        assert!(!d.contains(" 1\n"));
    }
}
