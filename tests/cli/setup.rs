//! `sb setup` on a temp HOME (merge into an existing settings.json, idempotence, uninstall, invalid
//! JSON refused, dry run, the MCP step with and without `claude`; `--agent codex` and `--agent
//! gemini` likewise) and `sb doctor`.

use crate::env::{SB, TestEnv, stderr, stdout};
use serde::Deserialize;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

/// As Claude Code writes it (JSON.stringify with two spaces), with another tool's SessionStart hook.
const ORIGINAL: &str = r#"{
  "permissions": {
    "defaultMode": "default",
    "allow": [
      "Bash(git status)"
    ]
  },
  "model": "opus",
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Bash",
        "hooks": [
          {
            "type": "command",
            "command": "/usr/local/bin/guard"
          }
        ]
      }
    ],
    "SessionStart": [
      {
        "matcher": "startup",
        "hooks": [
          {
            "type": "command",
            "command": "/opt/other-tool/bin/other session-start"
          }
        ]
      }
    ]
  },
  "env": {
    "FOO": "1"
  }
}
"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Report {
    agent: String,
    dry_run: bool,
    uninstall: bool,
    sb: String,
    hook: HookChange,
    mcp: McpChange,
    next_step: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct HookChange {
    settings: String,
    action: String,
    command: String,
    backup: Option<String>,
    diff: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct McpChange {
    action: String,
    command: String,
    claude: Option<String>,
    snippet: Option<Value>,
    detail: Option<String>,
    file: Option<String>,
    diff: Option<String>,
    backup: Option<String>,
}

fn sb_path() -> PathBuf {
    Path::new(SB).canonicalize().unwrap()
}

fn settings(env: &TestEnv) -> PathBuf {
    env.home.join(".claude/settings.json")
}

fn write_settings(env: &TestEnv, text: &str) {
    std::fs::create_dir_all(env.home.join(".claude")).unwrap();
    std::fs::write(settings(env), text).unwrap();
}

fn backups(env: &TestEnv) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(env.home.join(".claude")) else {
        return vec![];
    };
    rd.map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("settings.json.sb-backup-"))
        .collect()
}

/// A directory for PATH holding only the given programs (symlinks), so no `claude` is found.
fn bin_dir(env: &TestEnv, programs: &[(&str, &Path)]) -> PathBuf {
    let dir = env.dir.path().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, target) in programs {
        std::os::unix::fs::symlink(target, dir.join(name)).unwrap();
    }
    dir
}

/// sb with PATH = `path` only.
fn sb(env: &TestEnv, path: &Path, args: &[&str]) -> Output {
    env.sb().env("PATH", path).args(args).output().unwrap()
}

fn report(out: &Output) -> Report {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn setup_merges_the_hook_keeping_everything_else_and_is_idempotent() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    write_settings(&env, ORIGINAL);
    let out = sb(&env, &path, &["setup"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hook_cmd = format!("{} hook session-start", sb_path().display());
    let mcp_cmd = format!(
        "claude mcp add -s user session-bridge -- {} mcp",
        sb_path().display()
    );
    assert!(stdout(&out).contains(&mcp_cmd), "{}", stdout(&out));
    assert!(stdout(&out).contains(".mcp.json"), "{}", stdout(&out));

    let after = read_json(&settings(&env));
    let mut expected: Value = serde_json::from_str(ORIGINAL).unwrap();
    expected["hooks"]["SessionStart"]
        .as_array_mut()
        .unwrap()
        .push(json!({"matcher": "startup|resume|clear|compact",
                 "hooks": [{"type": "command", "command": hook_cmd}]}));
    assert_eq!(after, expected);
    // The file's key order is kept.
    let text = std::fs::read_to_string(settings(&env)).unwrap();
    let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(
        pos("permissions") < pos("model")
            && pos("model") < pos("hooks")
            && pos("hooks") < pos("env")
    );
    assert!(pos("defaultMode") < pos("allow") && pos("PreToolUse") < pos("SessionStart"));
    let b = backups(&env);
    assert_eq!(b.len(), 1);
    assert_eq!(std::fs::read_to_string(&b[0]).unwrap(), ORIGINAL);

    // Again: nothing changes, no new backup.
    let out = sb(&env, &path, &["setup", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(r.hook.action, "unchanged");
    assert_eq!(r.hook.diff, None);
    assert_eq!(r.mcp.action, "manual");
    assert_eq!(r.mcp.command, mcp_cmd);
    assert_eq!(
        r.mcp.snippet,
        Some(json!({"mcpServers": {"session-bridge": {"command": sb_path(), "args": ["mcp"]}}}))
    );
    assert_eq!(std::fs::read_to_string(settings(&env)).unwrap(), text);
    assert_eq!(backups(&env).len(), 1);
}

#[test]
fn uninstall_restores_the_original_settings() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    write_settings(&env, ORIGINAL);
    assert!(sb(&env, &path, &["setup"]).status.success());
    let out = sb(&env, &path, &["setup", "--uninstall", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert!(r.uninstall);
    assert_eq!(r.hook.action, "removed");
    assert_eq!(
        read_json(&settings(&env)),
        serde_json::from_str::<Value>(ORIGINAL).unwrap()
    );
    let again = report(&sb(&env, &path, &["setup", "--uninstall", "--json"]));
    assert_eq!(again.hook.action, "absent");

    // From no file at all: setup creates it, uninstall leaves an empty object.
    std::fs::remove_file(settings(&env)).unwrap();
    assert!(sb(&env, &path, &["setup"]).status.success());
    assert!(sb(&env, &path, &["setup", "--uninstall"]).status.success());
    assert_eq!(read_json(&settings(&env)), json!({}));
}

#[test]
fn invalid_json_is_refused_and_left_untouched() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    let broken = "{\"model\": \"opus\",\n  \"hooks\": {\n";
    write_settings(&env, broken);
    for args in [
        &["setup"][..],
        &["setup", "--uninstall"],
        &["setup", "--dry-run"],
    ] {
        let out = sb(&env, &path, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains(&settings(&env).display().to_string())
                && stderr(&out).contains("not valid JSON"),
            "{}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "");
    }
    assert_eq!(std::fs::read_to_string(settings(&env)).unwrap(), broken);
    assert!(backups(&env).is_empty());

    write_settings(&env, r#"{"hooks": []}"#);
    let out = sb(&env, &path, &["setup"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"hooks\" is not an object"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dry_run_shows_a_diff_and_touches_nothing() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    write_settings(&env, ORIGINAL);
    let out = sb(&env, &path, &["setup", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("--- ") && diff.contains("+++ ") && diff.contains("@@ -"),
        "{diff}"
    );
    assert!(
        diff.lines()
            .any(|l| l.starts_with('+') && l.contains("hook session-start")),
        "{diff}"
    );
    // Only what changed: a pure insertion after the other tool's group.
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    assert!(removed.is_empty(), "{diff}");
    assert!(
        diff.contains("+        \"matcher\": \"startup|resume|clear|compact\","),
        "{diff}"
    );
    assert!(stderr(&out).contains("dry run"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(settings(&env)).unwrap(), ORIGINAL);
    assert!(backups(&env).is_empty());

    // With no settings file: nothing is created, not even ~/.claude.
    let env = TestEnv::new();
    let r = report(&sb(&env, &path, &["setup", "--dry-run", "--json"]));
    assert!(r.dry_run);
    assert_eq!(r.hook.action, "added");
    assert!(r.hook.diff.unwrap().contains("hook session-start"));
    assert!(!env.home.join(".claude").exists());
}

/// A stand-in `claude` that keeps its one MCP server in a file and logs its arguments.
fn fake_claude(env: &TestEnv) -> (PathBuf, PathBuf) {
    let dir = env.dir.path().join("claude-bin");
    std::fs::create_dir_all(&dir).unwrap();
    let log = env.dir.path().join("claude.log");
    let state = env.dir.path().join("claude.state");
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> '{log}'
case "$1 $2" in
  "mcp get") if [ -f '{state}' ]; then cat '{state}'; exit 0; fi; echo 'No MCP server found' >&2; exit 1;;
  "mcp add") echo "session-bridge: Command: $7 Args: $8" > '{state}';;
  "mcp remove") rm -f '{state}';;
esac
"#,
        log = log.display(),
        state = state.display()
    );
    let claude = dir.join("claude");
    std::fs::write(&claude, script).unwrap();
    std::fs::set_permissions(&claude, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, log)
}

#[test]
fn mcp_server_is_registered_with_claude_once_and_removed() {
    let env = TestEnv::new();
    let (dir, log) = fake_claude(&env);
    let path =
        std::env::join_paths([dir.as_path(), Path::new("/usr/bin"), Path::new("/bin")]).unwrap();
    let path = Path::new(&path);
    let r = report(&sb(&env, path, &["setup", "--json"]));
    assert_eq!(r.mcp.action, "registered");
    assert_eq!(r.mcp.claude, Some(dir.join("claude").display().to_string()));
    let r = report(&sb(&env, path, &["setup", "--json"]));
    assert_eq!(r.mcp.action, "unchanged");
    let r = report(&sb(&env, path, &["setup", "--uninstall", "--json"]));
    assert_eq!(r.mcp.action, "removed");
    let r = report(&sb(&env, path, &["setup", "--uninstall", "--json"]));
    assert_eq!(r.mcp.action, "absent");
    let sb = sb_path().display().to_string();
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!(
            "mcp get session-bridge\nmcp add -s user session-bridge -- {sb} mcp\n\
             mcp get session-bridge\n\
             mcp get session-bridge\nmcp remove -s user session-bridge\n\
             mcp get session-bridge\n"
        )
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doctor {
    checks: Vec<Check>,
    ok: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Check {
    name: String,
    status: String,
    detail: String,
    fix: Option<String>,
}

fn status<'a>(d: &'a Doctor, name: &str) -> &'a str {
    &d.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .status
}

fn tmux_path() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("tmux"))
        .find(|p| p.is_file())
        .expect("tmux on PATH")
}

#[test]
fn doctor_passes_for_cli_use_requires_the_hook_with_claude_and_passes_after_setup() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[("tmux", &tmux_path()), ("sb", Path::new(SB))]);
    // Without --claude, the Claude Code wiring is optional: not set up is not a failure.
    let out = sb(&env, &path, &["doctor"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("- hook: not set up (optional"),
        "{}",
        stdout(&out)
    );
    let d: Doctor = serde_json::from_slice(&sb(&env, &path, &["doctor", "--json"]).stdout).unwrap();
    assert!(d.ok);
    assert_eq!(status(&d, "hook"), "skip");
    assert_eq!(status(&d, "mcp"), "skip");
    // With --claude it is required.
    let out = sb(&env, &path, &["doctor", "--claude"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("✗ hook:"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("    fix: run `sb setup`"),
        "{}",
        stdout(&out)
    );
    let d: Doctor =
        serde_json::from_slice(&sb(&env, &path, &["doctor", "--claude", "--json"]).stdout).unwrap();
    assert!(!d.ok);
    assert_eq!(status(&d, "tmux"), "ok");
    assert_eq!(status(&d, "hook"), "fail");
    assert_eq!(status(&d, "mcp"), "fail", "claude is not on this PATH");
    assert_eq!(status(&d, "roles"), "skip");

    let _dev = env.role("dev");
    assert!(sb(&env, &path, &["setup"]).status.success());
    let out = sb(&env, &path, &["doctor", "--json"]);
    let d: Doctor = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(d.ok);
    assert_eq!(status(&d, "hook"), "ok");
    assert_eq!(status(&d, "sb on PATH"), "ok");
    assert_eq!(status(&d, "role dev"), "ok");
    assert_eq!(status(&d, "state dir"), "ok");

    env.kill_server();
    // (kill-server returns before the server is gone: wait until doctor sees it gone)
    crate::env::wait_for(std::time::Duration::from_secs(5), || {
        sb(&env, &path, &["doctor"]).status.code() == Some(1)
    });
    let out = sb(&env, &path, &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("✗ role dev:") && stdout(&out).contains("sb register dev"),
        "{}",
        stdout(&out)
    );
}

/// A Codex home as the e2e suite seeds it: a custom provider and a trusted project, plus another
/// tool's hook in hooks.json.
const CODEX_CONFIG: &str = "model_provider = \"fake\"\nmodel = \"gpt-5.5\"\n\n[model_providers.fake]\nname = \"fake\"\nbase_url = \"http://127.0.0.1:8766/v1\"\n\n[projects.\"/srv/work\"]\ntrust_level = \"trusted\"\n";
const CODEX_HOOKS: &str = "{\n  \"hooks\": {\n    \"Stop\": [\n      {\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"/opt/notify\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";

#[test]
fn codex_setup_wires_hooks_json_and_config_toml_and_uninstall_restores_them() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    let dir = env.home.join(".codex");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), CODEX_CONFIG).unwrap();
    std::fs::write(dir.join("hooks.json"), CODEX_HOOKS).unwrap();

    // Dry run: both diffs, nothing written.
    let out = sb(&env, &path, &["setup", "--agent", "codex", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("+[mcp_servers.session-bridge]"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("hook session-start"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        CODEX_CONFIG
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("hooks.json")).unwrap(),
        CODEX_HOOKS
    );

    let out = sb(&env, &path, &["setup", "--agent", "codex", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(
        (
            r.agent.as_str(),
            r.hook.action.as_str(),
            r.mcp.action.as_str()
        ),
        ("codex", "added", "registered")
    );
    assert!(r.next_step.unwrap().contains("Trust all and continue"));
    let hook_cmd = format!("{} hook session-start", sb_path().display());
    let hooks = read_json(&dir.join("hooks.json"));
    assert_eq!(
        hooks["hooks"]["Stop"][0]["hooks"][0]["command"],
        "/opt/notify"
    );
    assert_eq!(
        hooks["hooks"]["SessionStart"],
        json!([{"matcher": "startup|resume|clear",
                "hooks": [{"type": "command", "command": hook_cmd, "timeout": 10}]}])
    );
    let toml = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert_eq!(
        toml,
        format!(
            "{CODEX_CONFIG}\n[mcp_servers.session-bridge]\ncommand = \"{}\"\nargs = [\"mcp\"]\n",
            sb_path().display()
        )
    );
    assert!(r.mcp.backup.is_some() && r.hook.backup.is_some());

    // Again: nothing changes, no next step.
    let r = report(&sb(&env, &path, &["setup", "--agent", "codex", "--json"]));
    assert_eq!(
        (r.hook.action.as_str(), r.mcp.action.as_str()),
        ("unchanged", "unchanged")
    );
    assert_eq!(r.next_step, None);
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        toml
    );

    // Uninstall removes exactly what setup added.
    let r = report(&sb(
        &env,
        &path,
        &["setup", "--agent", "codex", "--uninstall", "--json"],
    ));
    assert_eq!(
        (r.hook.action.as_str(), r.mcp.action.as_str()),
        ("removed", "removed")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        CODEX_CONFIG
    );
    assert_eq!(
        read_json(&dir.join("hooks.json")),
        serde_json::from_str::<Value>(CODEX_HOOKS).unwrap()
    );
    let r = report(&sb(
        &env,
        &path,
        &["setup", "--agent", "codex", "--uninstall", "--json"],
    ));
    assert_eq!(
        (r.hook.action.as_str(), r.mcp.action.as_str()),
        ("absent", "absent")
    );
}

#[test]
fn codex_setup_follows_codex_home_and_refuses_a_server_it_does_not_own() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    let home = env.dir.path().join("elsewhere");
    std::fs::create_dir_all(&home).unwrap();
    let foreign = "[mcp_servers]\nsession-bridge = { command = \"/old/sb\", args = [\"mcp\"] }\n";
    std::fs::write(home.join("config.toml"), foreign).unwrap();
    let out = env
        .sb()
        .env("PATH", &path)
        .env("CODEX_HOME", &home)
        .args(["setup", "--agent", "codex"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("config.toml") && stderr(&out).contains("line 2"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(home.join("config.toml")).unwrap(),
        foreign
    );
    assert!(!env.home.join(".codex").exists());
}

#[test]
fn gemini_setup_adds_before_agent_and_mcp_servers_and_uninstall_restores_settings() {
    let env = TestEnv::new();
    let path = bin_dir(&env, &[]);
    let dir = env.home.join(".gemini");
    std::fs::create_dir_all(&dir).unwrap();
    let original = "{\n  \"security\": {\n    \"auth\": {\n      \"selectedType\": \"gemini-api-key\"\n    }\n  },\n  \"mcpServers\": {\n    \"other\": {\n      \"command\": \"x\"\n    }\n  }\n}\n";
    std::fs::write(dir.join("settings.json"), original).unwrap();

    let out = sb(&env, &path, &["setup", "--agent", "gemini", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("hook before-agent"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("settings.json")).unwrap(),
        original
    );

    let r = report(&sb(&env, &path, &["setup", "--agent", "gemini", "--json"]));
    assert_eq!(
        (
            r.agent.as_str(),
            r.hook.action.as_str(),
            r.mcp.action.as_str()
        ),
        ("gemini", "added", "registered")
    );
    let v = read_json(&dir.join("settings.json"));
    assert_eq!(v["security"]["auth"]["selectedType"], "gemini-api-key");
    assert_eq!(v["mcpServers"]["other"]["command"], "x");
    assert_eq!(
        v["mcpServers"]["session-bridge"],
        json!({"command": sb_path(), "args": ["mcp"]})
    );
    assert_eq!(
        v["hooks"]["BeforeAgent"],
        json!([{"hooks": [{"type": "command",
                           "command": format!("{} hook before-agent", sb_path().display()),
                           "timeout": 5000}]}])
    );
    let text = std::fs::read_to_string(dir.join("settings.json")).unwrap();
    let doctor = |env: &TestEnv| -> Doctor {
        let out = sb(env, &path, &["doctor", "--json"]);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
    };
    let d = doctor(&env);
    assert_eq!((status(&d, "gemini"), status(&d, "codex")), ("ok", "skip"));
    let r = report(&sb(&env, &path, &["setup", "--agent", "gemini", "--json"]));
    assert_eq!(
        (r.hook.action.as_str(), r.mcp.action.as_str()),
        ("unchanged", "unchanged")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("settings.json")).unwrap(),
        text
    );

    let r = report(&sb(
        &env,
        &path,
        &["setup", "--agent", "gemini", "--uninstall", "--json"],
    ));
    assert_eq!(
        (r.hook.action.as_str(), r.mcp.action.as_str()),
        ("removed", "removed")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("settings.json")).unwrap(),
        original
    );
}
