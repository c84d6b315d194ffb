//! sb's entry in a settings value: recognizing sb's SessionStart hook, and adding, replacing or
//! removing it under `hooks.SessionStart` while every other key, group and hook stays where it was.

use super::{HOOK_SUFFIX, HookAction, MATCHER};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// The command of a hook entry when it runs sb's SessionStart hook (`…/sb hook session-start`).
pub fn sb_hook_command(entry: &Value) -> Option<&str> {
    let cmd = entry.get("command")?.as_str()?;
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
pub fn sb_hooks(root: &Value) -> Vec<(String, String)> {
    let Some(groups) = root
        .get("hooks")
        .and_then(|h| h.get("SessionStart"))
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
                    .filter_map(sb_hook_command)
                    .map(|c| (matcher.to_string(), c.to_string())),
            );
        }
    }
    found
}

/// The SessionStart groups, created when missing; Err(why) when the file has another shape.
fn session_start_groups(root: &mut Value) -> std::result::Result<&mut Vec<Value>, String> {
    let Value::Object(root) = root else {
        return Err("the top level is not a JSON object; sb did not change it".into());
    };
    let Value::Object(hooks) = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return Err("\"hooks\" is not an object; sb did not change it".into());
    };
    match hooks
        .entry("SessionStart")
        .or_insert_with(|| Value::Array(vec![]))
    {
        Value::Array(groups) => Ok(groups),
        _ => Err("\"hooks.SessionStart\" is not an array; sb did not change it".into()),
    }
}

/// Put exactly one sb hook (`command`, matcher [`MATCHER`]) in a group of its own at the end.
pub(super) fn add_hook(root: &mut Value, command: &str) -> std::result::Result<HookAction, String> {
    let found = sb_hooks(root);
    if found.len() == 1 && found[0] == (MATCHER.to_string(), command.to_string()) {
        return Ok(HookAction::Unchanged);
    }
    let groups = session_start_groups(root)?;
    remove_sb_entries(groups);
    groups.push(json!({
        "matcher": MATCHER,
        "hooks": [{"type": "command", "command": command}],
    }));
    Ok(if found.is_empty() {
        HookAction::Added
    } else {
        HookAction::Updated
    })
}

/// Remove sb's hooks, and the `SessionStart` and `hooks` keys when that leaves them empty.
pub(super) fn remove_hook(root: &mut Value) -> std::result::Result<HookAction, String> {
    if sb_hooks(root).is_empty() {
        return Ok(HookAction::Absent);
    }
    let groups = session_start_groups(root)?;
    remove_sb_entries(groups);
    let now_empty = groups.is_empty();
    if let Value::Object(root) = root {
        if let (true, Some(Value::Object(hooks))) = (now_empty, root.get_mut("hooks")) {
            hooks.shift_remove("SessionStart");
        }
        root.retain(|k, v| !(k == "hooks" && matches!(v, Value::Object(h) if h.is_empty())));
    }
    Ok(HookAction::Removed)
}

/// Drop sb's entries, then the groups they leave empty.
fn remove_sb_entries(groups: &mut Vec<Value>) {
    groups.retain_mut(|g| {
        let Some(Value::Array(hooks)) = g.get_mut("hooks") else {
            return true;
        };
        let had = hooks.len();
        hooks.retain(|h| sb_hook_command(h).is_none());
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
