//! `sb init`, `sb up`, `sb down` on a private tmux server with scripted agents (`sb agent`).

use crate::env::{Input, SB, TestEnv, parse_inputs, stderr, stdout, wait_for};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A project directory inside the test env, holding `sb.toml` with `body`.
fn project(env: &TestEnv, name: &str, body: &str) -> PathBuf {
    let dir = env.dir.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sb.toml"), body).unwrap();
    dir
}

/// A `command` role running the fake agent, recording its input to `<dir>/<role>.rec`.
fn agent_role(env: &TestEnv, role: &str, extra: &str) -> String {
    let rec = env.dir.path().join(format!("{role}.rec"));
    format!(
        "[[role]]\nname = \"{role}\"\ncommand = \"{SB} agent --record {}\"\n{extra}\n",
        rec.display()
    )
}

fn sb_in(env: &TestEnv, dir: &Path, args: &[&str]) -> std::process::Output {
    env.sb().current_dir(dir).args(args).output().unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(out), stderr(out)))
}

/// The panes of a session on the env's server (empty when it or the server is gone).
fn session_panes(env: &TestEnv, session: &str) -> Vec<String> {
    let out = std::process::Command::new("tmux")
        .arg("-S")
        .arg(&env.sock)
        .args(["list-panes", "-s", "-t", session, "-F", "#{pane_id}"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

fn registry_roles(env: &TestEnv) -> Vec<String> {
    let reg: Value = serde_json::from_str(&env.read("registry.json")).unwrap_or(Value::Null);
    reg["roles"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn inputs(env: &TestEnv, role: &str) -> Vec<Input> {
    parse_inputs(&std::fs::read(env.dir.path().join(format!("{role}.rec"))).unwrap_or_default())
}

#[test]
fn up_starts_three_roles_once_and_down_stops_them() {
    let env = TestEnv::new();
    let body = format!(
        "session = \"shop\"\n\n{}{}{}",
        agent_role(&env, "gestor", "briefing = \"You lead.\""),
        agent_role(&env, "dev", "briefing_file = \"dev.md\""),
        agent_role(&env, "reviewer", "briefing = \"You review.\""),
    );
    let dir = project(&env, "shop", &body);
    std::fs::write(dir.join("dev.md"), "You code.\n").unwrap();

    let out = sb_in(&env, &dir, &["up", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["session"], "shop");
    assert_eq!(r["created_session"], true);
    let roles = r["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 3);
    for x in roles {
        assert_eq!(x["status"], "ready", "{x}");
        assert_eq!(x["briefing"], "saved", "{x}");
    }
    let panes = session_panes(&env, "shop");
    assert_eq!(panes.len(), 3, "{panes:?}");
    let mut names = registry_roles(&env);
    names.sort();
    assert_eq!(names, ["dev", "gestor", "reviewer"]);
    // each role is bound to one of the session's panes, every pane to one role
    let mut bound: Vec<String> = roles
        .iter()
        .map(|x| x["pane"].as_str().unwrap().to_string())
        .collect();
    bound.sort();
    let mut sorted = panes.clone();
    sorted.sort();
    assert_eq!(bound, sorted);
    let prompts = json(&env.run(&["prompt", "ls", "--json"]));
    let texts: Vec<(&str, &str)> = prompts["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["role"].as_str().unwrap(), p["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        texts,
        [
            ("dev", "You code.\n"),
            ("gestor", "You lead."),
            ("reviewer", "You review.")
        ]
    );
    let peers = json(&env.run(&["peers", "--json"]));
    assert!(
        peers["peers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["alive"] == true),
        "{peers}"
    );
    // nothing was typed into any agent
    for role in ["gestor", "dev", "reviewer"] {
        assert!(
            inputs(&env, role).is_empty(),
            "{role}: {:?}",
            inputs(&env, role)
        );
    }
    // a message goes through
    let out = env.run(&["send", "dev", "--from", "gestor", "take issue #14"]);
    assert!(out.status.success(), "{}", stderr(&out));
    wait_for(Duration::from_secs(10), || !inputs(&env, "dev").is_empty());
    assert_eq!(
        inputs(&env, "dev")[0],
        Input::Paste("[from:gestor] take issue #14".into())
    );

    // again, with one briefing changed: nothing duplicated, the briefing updated (--attach
    // without a terminal only says how to attach)
    std::fs::write(dir.join("dev.md"), "You code, with tests.\n").unwrap();
    let out = sb_in(&env, &dir, &["up", "--json", "--attach"]);
    assert!(
        stderr(&out).contains("not attaching: this is not a terminal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["created_session"], false);
    let statuses: Vec<(&str, &str)> = r["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["status"].as_str().unwrap(),
                x["briefing"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("already_up", "unchanged"),
            ("already_up", "updated"),
            ("already_up", "unchanged")
        ]
    );
    let commands: Vec<&str> = r["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        commands.iter().all(|c| c.starts_with('#')),
        "no tmux command on a re-run: {commands:?}"
    );
    assert_eq!(session_panes(&env, "shop"), panes);
    assert_eq!(
        json(&env.run(&["prompt", "get", "dev", "--json"]))["text"],
        "You code, with tests.\n"
    );

    // a role whose pane went away is started again, alone
    env.tmux(&["kill-pane", "-t", &panes[2]]);
    let out = sb_in(&env, &dir, &["up", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    let st: Vec<&str> = r["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    let restarted = roles
        .iter()
        .position(|x| x["pane"] == panes[2].as_str())
        .unwrap();
    for (i, s) in st.iter().enumerate() {
        assert_eq!(
            *s,
            if i == restarted {
                "ready"
            } else {
                "already_up"
            }
        );
    }
    assert_eq!(session_panes(&env, "shop").len(), 3);

    // down: each agent asked (C-c, typed only after the guard), then killed; no role left
    let out = sb_in(&env, &dir, &["down", "--grace", "1s", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    for x in r["roles"].as_array().unwrap() {
        assert_eq!(x["asked"], "C-c", "{x}");
        assert_eq!(x["stop"], "killed", "{x}");
        assert_eq!(x["unregistered"], true, "{x}");
    }
    assert!(session_panes(&env, "shop").is_empty());
    assert!(registry_roles(&env).is_empty());
    assert!(
        inputs(&env, "gestor").contains(&Input::Text("\u{3}".into())),
        "{:?}",
        inputs(&env, "gestor")
    );
    // and down again has nothing to do
    let out = sb_in(&env, &dir, &["down", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        json(&out)["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["stop"] == "not_running")
    );
}

#[test]
fn bad_team_files_exit_2_naming_the_line_and_start_nothing() {
    let env = TestEnv::new();
    let ok = agent_role(&env, "dev", "");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{ok}agnet = \"claude\"\n"),
            "sb.toml:5:",
            "unknown field `agnet`",
        ),
        (
            format!("{ok}{}", agent_role(&env, "dev", "")),
            "sb.toml:6:",
            "duplicate role name \"dev\" (also on line 2)",
        ),
        (
            "[[role]]\nname = \"dev ops\"\nagent = \"claude\"\n".into(),
            "sb.toml:2:",
            "invalid role name \"dev ops\"",
        ),
        (
            format!("{ok}briefing_file = \"briefs/dev.md\"\n"),
            "sb.toml:5:",
            "briefing_file \"briefs/dev.md\" of role dev cannot be read",
        ),
        (
            format!("{ok}briefing = \"x\"\nbriefing_file = \"dev.md\"\n"),
            "sb.toml:5:",
            "both `briefing` and `briefing_file`",
        ),
        (
            "\n[[role]]\nname = \"dev\"\nagent = \"gemini\"\n".into(),
            "sb.toml:4:",
            "`gemini` is not on PATH",
        ),
        (
            "[[role]]\nname = \"dev\"\ncommand = \"no-such-agent-xyz --flag\"\n".into(),
            "sb.toml:3:",
            "`no-such-agent-xyz` (the command's program) is not on PATH",
        ),
        (
            "[[role]]\nname = \"dev\"\n".into(),
            "sb.toml:2:",
            "neither `agent` nor `command`",
        ),
    ];
    for (i, (body, line, what)) in cases.iter().enumerate() {
        let dir = project(&env, &format!("p{i}"), body);
        // a PATH without the agents (tmux and git stay reachable: nothing may need them)
        let out = env
            .sb()
            .current_dir(&dir)
            .env("PATH", "/usr/bin:/bin")
            .args(["up"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{body}\n{err}");
        assert!(
            err.contains(line) && err.contains(what),
            "{body}\nwant {line} {what}\n{err}"
        );
        assert!(err.contains("nothing was started"), "{err}");
    }
    assert!(!env.sock.exists(), "no tmux server was started");
    assert!(registry_roles(&env).is_empty());
    assert!(env.read("prompts.json").is_empty());
    // no team file at all
    let empty = env.dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = sb_in(&env, &empty, &["up"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("sb init"), "{}", stderr(&out));
}

#[test]
fn dry_run_prints_the_commands_and_starts_nothing() {
    let env = TestEnv::new();
    let body = format!(
        "watch = \"dev\"\nlayout = \"even-horizontal\"\n{}{}",
        agent_role(&env, "dev", "briefing = \"b\""),
        agent_role(&env, "qa", "")
    );
    let dir = project(&env, "dry", &body);
    let out = sb_in(&env, &dir, &["up", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let sock = env.sock.display().to_string();
    for want in [
        format!("tmux -S {sock} new-session -d -P -F '#{{pane_id}}' -s dry"),
        format!("tmux -S {sock} split-window -d"),
        "select-layout -t '<pane of dev>' even-horizontal".to_string(),
        "respawn-pane -k -t '<pane of qa>'".to_string(),
        "watch --notify dev --roles qa".to_string(),
        "# sb register dev --pane <pane of dev>".to_string(),
    ] {
        assert!(text.contains(&want), "missing {want:?} in:\n{text}");
    }
    assert!(!env.sock.exists(), "no tmux server was started");
    assert!(registry_roles(&env).is_empty());
    assert!(env.read("prompts.json").is_empty());
}

#[test]
fn a_dialog_at_startup_is_reported_with_the_respond_command_and_never_answered() {
    let env = TestEnv::new();
    let screen = env.dir.path().join("trust.screen");
    std::fs::write(
        &screen,
        crate::env::fixture("02-preseeded-trust-folder-dialog"),
    )
    .unwrap();
    let body = format!(
        "[[role]]\nname = \"dev\"\ncommand = \"{SB} agent --record {} --screen {}\"\n",
        env.dir.path().join("dev.rec").display(),
        screen.display()
    );
    let dir = project(&env, "trust", &body);
    let out = sb_in(&env, &dir, &["up", "--json"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let r = json(&out);
    let dev = &r["roles"][0];
    assert_eq!(dev["status"], "stuck", "{dev}");
    let fp = dev["fingerprint"].as_str().unwrap();
    assert_eq!(
        dev["respond"][1],
        format!("sb respond dev --option 2 --expect {fp}    # Yes, I trust this folder")
    );
    assert!(
        dev["question"]
            .as_str()
            .unwrap()
            .contains("Is this a project you created or one you trust?")
    );
    assert!(
        dev["detail"]
            .as_str()
            .unwrap()
            .starts_with("waiting on the folder-trust dialog"),
        "{dev}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(inputs(&env, "dev").is_empty(), "sb typed into the dialog");
    // the same in words
    let out = sb_in(&env, &dir, &["up"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "already up now: {}",
        stderr(&out)
    );
    let out = sb_in(&env, &dir, &["down", "--grace", "1s", "--json"]);
    let r = json(&out);
    assert_eq!(
        r["roles"][0]["asked"],
        Value::Null,
        "never typed into a menu"
    );
    assert_eq!(r["roles"][0]["stop"], "killed");
    assert!(inputs(&env, "dev").is_empty(), "{:?}", inputs(&env, "dev"));
}

/// A stand-in `claude` on PATH: the fake agent, and `claude mcp …` answered from a log.
fn fake_claude(env: &TestEnv) -> PathBuf {
    let bin = env.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = env.dir.path().join("claude-mcp.log");
    let rec = env.dir.path().join("claude.rec");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = mcp ]; then echo \"$@\" >> {log}; [ \"$2\" = add ]; exit $?; fi\nexec {SB} agent --record {rec}\n",
        log = log.display(),
        rec = rec.display()
    );
    let path = bin.join("claude");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn claude_roles_get_the_wiring_checked_and_exit_with_slash_exit() {
    let env = TestEnv::new();
    let bin = fake_claude(&env);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let dir = project(
        &env,
        "cc",
        "[[role]]\nname = \"lead\"\nagent = \"claude\"\nargs = [\"--x\"]\nbriefing = \"You lead.\"\n",
    );
    let settings = env.home.join(".claude/settings.json");
    let out = env
        .sb()
        .current_dir(&dir)
        .env("PATH", &path)
        .args(["up", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["roles"][0]["status"], "ready", "{r}");
    assert_eq!(r["wiring"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["wiring"][0]["agent"], "claude");
    assert_eq!(r["wiring"][0]["missing"], true);
    assert_eq!(r["wiring"][0]["applied"], false);
    assert_eq!(r["wiring"][0]["setup"]["hook"]["action"], "added");
    assert_eq!(r["wiring"][0]["setup"]["dry_run"], true);
    assert!(!settings.exists(), "nothing changed without --setup");
    // the words say what `sb setup` would add
    let out = env
        .sb()
        .current_dir(&dir)
        .env("PATH", &path)
        .args(["up"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("`sb setup` would add it"), "{text}");
    assert!(
        text.contains("`sb setup` would run: claude mcp add"),
        "{text}"
    );
    // --setup installs it
    let out = env
        .sb()
        .current_dir(&dir)
        .env("PATH", &path)
        .args(["up", "--setup", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["wiring"][0]["applied"], true);
    let s = std::fs::read_to_string(&settings).unwrap();
    assert!(s.contains("hook session-start"), "{s}");
    let mcp = std::fs::read_to_string(env.dir.path().join("claude-mcp.log")).unwrap();
    assert!(mcp.contains("mcp add -s user session-bridge"), "{mcp}");
    // down types /exit through the send path
    let out = env
        .sb()
        .current_dir(&dir)
        .env("PATH", &path)
        .args(["down", "--grace", "1s", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["roles"][0]["asked"], "/exit");
    let got = parse_inputs(&std::fs::read(env.dir.path().join("claude.rec")).unwrap());
    assert_eq!(got, [Input::Paste("/exit".into()), Input::Key(b'\r')]);
    let log = env.log("conversation.jsonl");
    assert_eq!(log.last().unwrap()["text"], "/exit");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out).trim().to_string()
}

#[test]
fn a_worktree_per_role_removed_when_clean_kept_with_uncommitted_changes() {
    let env = TestEnv::new();
    let body = format!(
        "{}{}",
        agent_role(&env, "dev", "worktree = \"sb/dev\""),
        agent_role(&env, "qa", "worktree = \"sb/qa\"")
    );
    let repo = project(&env, "repo", &body);
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "sb.toml"]);
    git(&repo, &["commit", "-qm", "team"]);
    let wt = |role: &str| env.dir.path().join("repo.worktrees").join(role);

    // --dry-run shows the git command and adds nothing
    let out = sb_in(&env, &repo, &["up", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want = format!(
        "git -C {} worktree add -b sb/dev {}",
        repo.display(),
        wt("dev").display()
    );
    assert!(stdout(&out).contains(&want), "{want}\n{}", stdout(&out));
    assert!(!wt("dev").exists() && !env.sock.exists());

    let out = sb_in(&env, &repo, &["up", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    for (i, role) in ["dev", "qa"].iter().enumerate() {
        let x = &r["roles"][i];
        assert_eq!(x["status"], "ready", "{x}");
        assert_eq!(x["worktree"]["created"], true);
        assert_eq!(x["worktree"]["branch"], format!("sb/{role}"));
        assert_eq!(
            git(&wt(role), &["symbolic-ref", "--short", "HEAD"]),
            format!("sb/{role}")
        );
        // the agent runs in its worktree
        let pane = x["pane"].as_str().unwrap();
        let cwd = env.tmux(&["display-message", "-p", "-t", pane, "#{pane_current_path}"]);
        assert_eq!(Path::new(cwd.trim()), wt(role).canonicalize().unwrap());
    }
    assert_eq!(
        git(&repo, &["status", "--porcelain"]),
        "",
        "the repository stays clean"
    );
    // a second up reuses them
    let r = json(&sb_in(&env, &repo, &["up", "--json"]));
    assert_eq!(r["roles"][0]["status"], "already_up");

    std::fs::write(wt("qa").join("notes.txt"), "work in progress").unwrap();
    let out = sb_in(&env, &repo, &["down", "--grace", "1s", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    let w = r["worktrees"].as_array().unwrap();
    assert_eq!(w.len(), 2, "{r}");
    assert_eq!(
        (w[0]["role"].as_str(), w[0]["removed"].as_bool()),
        (Some("dev"), Some(true))
    );
    assert_eq!(
        (w[1]["role"].as_str(), w[1]["removed"].as_bool()),
        (Some("qa"), Some(false))
    );
    assert!(
        w[1]["detail"]
            .as_str()
            .unwrap()
            .contains("uncommitted changes"),
        "{r}"
    );
    assert!(!wt("dev").exists());
    assert_eq!(
        std::fs::read_to_string(wt("qa").join("notes.txt")).unwrap(),
        "work in progress"
    );
    // both branches stay
    git(&repo, &["rev-parse", "--verify", "sb/dev"]);
    git(&repo, &["rev-parse", "--verify", "sb/qa"]);
    // the words report the kept one
    let out = sb_in(&env, &repo, &["down"]);
    let text = stdout(&out);
    assert!(
        text.contains("KEPT") && text.contains("uncommitted"),
        "{text}"
    );
}

#[test]
fn init_writes_a_starter_file_and_never_overwrites_one() {
    let env = TestEnv::new();
    let dir = env.dir.path().join("fresh");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sb_in(&env, &dir, &["init", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["roles"], serde_json::json!(["gestor", "dev", "reviewer"]));
    assert_eq!(r["session"], "fresh");
    let text = std::fs::read_to_string(dir.join("sb.toml")).unwrap();
    assert!(text.contains("agent = \"claude\""));
    std::fs::write(dir.join("sb.toml"), "mine").unwrap();
    let out = sb_in(&env, &dir, &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("never overwrites"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("sb.toml")).unwrap(),
        "mine"
    );
}

#[test]
fn a_program_sb_cannot_read_is_started_and_one_that_exits_is_reported() {
    let env = TestEnv::new();
    let body = "[[role]]\nname = \"plain\"\ncommand = \"sh -c 'echo plain text, no prompt; exec sleep 600'\"\n\n[[role]]\nname = \"crash\"\ncommand = \"sh -c 'echo boom: no config; exit 3'\"\n";
    let dir = project(&env, "odd", body);
    let out = sb_in(&env, &dir, &["up", "--json", "--timeout", "20s"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let r = json(&out);
    let plain = &r["roles"][0];
    assert_eq!(plain["status"], "started", "{plain}");
    assert!(
        plain["detail"]
            .as_str()
            .unwrap()
            .contains("sb cannot tell when it is ready"),
        "{plain}"
    );
    let crash = &r["roles"][1];
    assert_eq!(crash["status"], "exited", "{crash}");
    assert!(
        crash["detail"]
            .as_str()
            .unwrap()
            .contains("pane %1 is kept with its last lines: boom: no config"),
        "{crash}"
    );
    assert_eq!(r["ok"], false);
    // a re-run starts the exited one again (its dead pane is cleared) and leaves the other alone
    let out = sb_in(&env, &dir, &["up", "--json", "--timeout", "20s"]);
    let r = json(&out);
    assert_eq!(r["roles"][0]["status"], "already_up");
    assert_eq!(r["roles"][1]["status"], "exited");
    assert_eq!(session_panes(&env, "odd").len(), 2);
}

/// Stand-in `codex` and `gemini` on PATH: the fake agent drawing `<dir>/<name>.screen`.
fn fake_agents(env: &TestEnv, names: &[&str]) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = env.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in names {
        let dir = env.dir.path();
        let script = format!(
            "#!/bin/sh\nexec {SB} agent --screen {d}/{name}.screen --record {d}/{name}.rec\n",
            d = dir.display()
        );
        let path = bin.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn agent_screen(agent: &str, name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/screens")
            .join(agent)
            .join(format!("{name}.txt")),
    )
    .unwrap()
}

#[test]
fn codex_and_gemini_roles_are_ready_once_started_and_their_wiring_is_checked() {
    let env = TestEnv::new();
    let bin = fake_agents(&env, &["codex", "gemini"]);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    // Codex draws its composer before its session has started (no model · folder footer).
    let codex_screen = env.dir.path().join("codex.screen");
    std::fs::write(
        &codex_screen,
        agent_screen("codex", "92-lab-120x40-01-idle"),
    )
    .unwrap();
    std::fs::write(
        env.dir.path().join("gemini.screen"),
        agent_screen("gemini", "06-idle-after-reply"),
    )
    .unwrap();
    let dir = project(
        &env,
        "mixed",
        "[[role]]\nname = \"rev\"\nagent = \"codex\"\nbriefing = \"You review.\"\n\n\
         [[role]]\nname = \"second\"\nagent = \"gemini\"\nbriefing = \"You give a second opinion.\"\n",
    );
    let footer = {
        let file = codex_screen.clone();
        let started = agent_screen("codex", "05-idle-empty-prompt-splash");
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(3));
            let tmp = file.with_extension("tmp");
            std::fs::write(&tmp, started).unwrap();
            std::fs::rename(&tmp, &file).unwrap();
        })
    };
    let t = std::time::Instant::now();
    let out = env
        .sb()
        .current_dir(&dir)
        .env("PATH", &path)
        .env("CODEX_HOME", env.home.join(".codex"))
        .args(["up", "--json", "--timeout", "30s"])
        .output()
        .unwrap();
    footer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    let status = |role: &str| {
        r["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["role"] == role)
            .unwrap()
            .clone()
    };
    assert_eq!(status("rev")["status"], "ready", "{r}");
    assert_eq!(status("second")["status"], "ready", "{r}");
    assert!(
        t.elapsed() >= Duration::from_millis(2900),
        "ready only once the codex footer showed ({:?})",
        t.elapsed()
    );
    // One wiring entry per agent, checked and not changed without --setup.
    let agents: Vec<&str> = r["wiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["agent"].as_str().unwrap())
        .collect();
    assert_eq!(agents, ["codex", "gemini"], "{r}");
    for w in r["wiring"].as_array().unwrap() {
        assert_eq!(w["missing"], true, "{w}");
        assert_eq!(w["applied"], false, "{w}");
        assert_eq!(w["setup"]["dry_run"], true, "{w}");
    }
    assert!(!env.home.join(".codex/hooks.json").exists());
    assert!(!env.home.join(".gemini/settings.json").exists());
    // --setup wires both (the roles are already up and are left alone), and says that Codex
    // asks to trust its new hook once.
    let out = env
        .sb()
        .current_dir(&dir)
        .env("PATH", &path)
        .env("CODEX_HOME", env.home.join(".codex"))
        .args(["up", "--setup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Codex wiring:"), "{text}");
    assert!(text.contains("Gemini CLI wiring:"), "{text}");
    let hooks = std::fs::read_to_string(env.home.join(".codex/hooks.json")).unwrap();
    assert!(hooks.contains("hook session-start"), "{hooks}");
    let gem = std::fs::read_to_string(env.home.join(".gemini/settings.json")).unwrap();
    assert!(gem.contains("hook before-agent"), "{gem}");
    assert!(text.to_lowercase().contains("trust"), "{text}");
    // The briefings are saved for the hooks to hand out.
    let prompts = env.read("prompts.json");
    assert!(prompts.contains("You review.") && prompts.contains("second opinion"));
}
