//! sb's entry in a settings value: recognizing sb's hooks, and adding, replacing or removing one
//! under `hooks.<Event>` while every other key, group and hook stays where it was. Claude Code and
//! Codex (hooks.json) share the SessionStart entry; Gemini CLI gets a BeforeAgent one.

use super::{HOOK_SUFFIX, HookAction, MATCHER};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// One kind of sb hook: the event it sits under, the end of its command, and the group it goes in.
#[derive(Debug, Clone, Copy)]
pub struct HookSpec {
    pub event: &'static str,
    /// `hook session-start`, `hook before-agent`.
    pub suffix: &'static str,
    /// The group's matcher (None: no matcher key, the hook runs for every occurrence).
    pub matcher: Option<&'static str>,
    /// Extra keys of the hook entry (`timeout`, `name`).
    pub extra: &'static [(&'static str, u64)],
}

/// Claude Code's and Codex's SessionStart hook.
pub const SESSION_START: HookSpec = HookSpec {
    event: "SessionStart",
    suffix: HOOK_SUFFIX,
    matcher: Some(MATCHER),
    extra: &[],
};

/// The command of a hook entry when it runs sb's SessionStart hook (`…/sb hook session-start`).
#[cfg(test)]
fn sb_hook_command(entry: &Value) -> Option<&str> {
    sb_command(entry, HOOK_SUFFIX)
}

fn sb_command<'a>(entry: &'a Value, suffix: &str) -> Option<&'a str> {
    let cmd = entry.get("command")?.as_str()?;
    let prog = cmd.trim_end().strip_suffix(suffix)?.trim();
    let prog = prog.trim_matches(|c| c == '\'' || c == '"');
    (Path::new(prog).file_name()? == "sb").then_some(cmd)
}

/// The program of an sb hook command (quotes removed).
pub fn hook_program(cmd: &str) -> PathBuf {
    let cmd = cmd.trim_end();
    let prog = cmd.rsplitn(3, ' ').nth(2).unwrap_or(cmd).trim();
    PathBuf::from(
        prog.trim_matches(|c| c == '\'' || c == '"')
            .replace("'\\''", "'"),
    )
}

/// Every sb SessionStart hook in `hooks.SessionStart`: (matcher, command).
pub fn sb_hooks(root: &Value) -> Vec<(String, String)> {
    sb_hooks_for(root, &SESSION_START)
}

/// Every sb hook of `spec` in `hooks.<event>`: (matcher, command).
pub fn sb_hooks_for(root: &Value, spec: &HookSpec) -> Vec<(String, String)> {
    let Some(groups) = root
        .get("hooks")
        .and_then(|h| h.get(spec.event))
        .and_then(Value::as_array)
    else {
        return vec![];
    };
    let mut found = vec![];
    for g in groups {
        let matcher = g.get("matcher").and_then(Value::as_str).unwrap_or_default();
        if let Some(hooks) = g.get("hooks").and_then(Value::as_array) {
            found.extend(
                hooks
                    .iter()
                    .filter_map(|h| sb_command(h, spec.suffix))
                    .map(|c| (matcher.to_string(), c.to_string())),
            );
        }
    }
    found
}

/// The event's groups, created when missing; Err(why) when the file has another shape.
fn event_groups<'a>(
    root: &'a mut Value,
    event: &str,
) -> std::result::Result<&'a mut Vec<Value>, String> {
    let Value::Object(root) = root else {
        return Err("the top level is not a JSON object; sb did not change it".into());
    };
    let Value::Object(hooks) = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return Err("\"hooks\" is not an object; sb did not change it".into());
    };
    match hooks.entry(event).or_insert_with(|| Value::Array(vec![])) {
        Value::Array(groups) => Ok(groups),
        _ => Err(format!(
            "\"hooks.{event}\" is not an array; sb did not change it"
        )),
    }
}

/// Put exactly one sb SessionStart hook (`command`, matcher [`MATCHER`]) in a group of its own
/// at the end.
pub(super) fn add_hook(root: &mut Value, command: &str) -> std::result::Result<HookAction, String> {
    add_hook_for(root, &SESSION_START, command)
}

/// Put exactly one sb hook of `spec` in a group of its own at the end of `hooks.<event>`.
pub(super) fn add_hook_for(
    root: &mut Value,
    spec: &HookSpec,
    command: &str,
) -> std::result::Result<HookAction, String> {
    let mut entry = json!({"type": "command", "command": command});
    for (k, v) in spec.extra {
        entry[*k] = json!(v);
    }
    let mut group = Map::new();
    if let Some(m) = spec.matcher {
        group.insert("matcher".into(), json!(m));
    }
    group.insert("hooks".into(), json!([entry.clone()]));
    let found = sb_hooks_for(root, spec);
    let same_entry = || {
        let groups = root.get("hooks")?.get(spec.event)?.as_array()?;
        groups
            .iter()
            .filter_map(|g| g.get("hooks")?.as_array())
            .flatten()
            .find(|h| sb_command(h, spec.suffix).is_some())
            .map(|h| *h == entry)
    };
    if found.len() == 1
        && found[0] == (spec.matcher.unwrap_or("").to_string(), command.to_string())
        && same_entry() == Some(true)
    {
        return Ok(HookAction::Unchanged);
    }
    let group = Value::Object(group);
    let groups = event_groups(root, spec.event)?;
    remove_sb_entries(groups, spec.suffix);
    groups.push(group);
    Ok(if found.is_empty() {
        HookAction::Added
    } else {
        HookAction::Updated
    })
}

/// Remove sb's SessionStart hooks, and the `SessionStart` and `hooks` keys when that leaves them
/// empty.
pub(super) fn remove_hook(root: &mut Value) -> std::result::Result<HookAction, String> {
    remove_hook_for(root, &SESSION_START)
}

/// Remove sb's hooks of `spec`, and the event and `hooks` keys when that leaves them empty.
pub(super) fn remove_hook_for(
    root: &mut Value,
    spec: &HookSpec,
) -> std::result::Result<HookAction, String> {
    if sb_hooks_for(root, spec).is_empty() {
        return Ok(HookAction::Absent);
    }
    let groups = event_groups(root, spec.event)?;
    remove_sb_entries(groups, spec.suffix);
    let now_empty = groups.is_empty();
    if let Value::Object(root) = root {
        if let (true, Some(Value::Object(hooks))) = (now_empty, root.get_mut("hooks")) {
            hooks.shift_remove(spec.event);
        }
        root.retain(|k, v| !(k == "hooks" && matches!(v, Value::Object(h) if h.is_empty())));
    }
    Ok(HookAction::Removed)
}

/// Drop sb's entries, then the groups they leave empty.
fn remove_sb_entries(groups: &mut Vec<Value>, suffix: &str) {
    groups.retain_mut(|g| {
        let Some(Value::Array(hooks)) = g.get_mut("hooks") else {
            return true;
        };
        let had = hooks.len();
        hooks.retain(|h| sb_command(h, suffix).is_none());
        !(had > 0 && hooks.is_empty())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_recognizes_sb_hooks() {
        let v: Value = serde_json::from_str(r#"{"z":1,"a":{"y":[1,2.5,null],"b":true}}"#).unwrap();
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
            let e = json!({ "command": cmd });
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
        let orig: Value = serde_json::from_str(text).unwrap();
        let mut v = orig.clone();
        let sb = "/b/sb hook session-start";
        assert_eq!(add_hook(&mut v, sb), Ok(HookAction::Added));
        assert_eq!(add_hook(&mut v, sb), Ok(HookAction::Unchanged));
        assert_eq!(
            add_hook(&mut v, "/c/sb hook session-start"),
            Ok(HookAction::Updated)
        );
        assert_eq!(sb_hooks(&v).len(), 1);
        assert_eq!(remove_hook(&mut v), Ok(HookAction::Removed));
        assert_eq!(serde_json::to_string(&v).unwrap(), text);
        let mut empty = json!({});
        add_hook(&mut empty, sb).unwrap();
        remove_hook(&mut empty).unwrap();
        assert_eq!(empty, json!({}));
        assert!(add_hook(&mut json!([]), "x").is_err());
    }

    #[test]
    fn removing_keeps_the_order_of_the_other_keys() {
        let sb =
            r#"{"matcher":"m","hooks":[{"type":"command","command":"/b/sb hook session-start"}]}"#;
        for (before, after) in [
            (
                format!(r#"{{"hooks":{{"SessionStart":[{sb}],"Stop":[],"Z":[]}},"x":1}}"#),
                r#"{"hooks":{"Stop":[],"Z":[]},"x":1}"#,
            ),
            (
                format!(r#"{{"w":0,"hooks":{{"SessionStart":[{sb}]}},"x":1,"y":2}}"#),
                r#"{"w":0,"x":1,"y":2}"#,
            ),
        ] {
            let mut v: Value = serde_json::from_str(&before).unwrap();
            assert_eq!(remove_hook(&mut v), Ok(HookAction::Removed));
            assert_eq!(serde_json::to_string(&v).unwrap(), after);
        }
    }
}
