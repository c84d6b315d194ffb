//! `sb hook session-start`: the briefing JSON for a registered pane, the ids recorded on the role,
//! silence (exit 0, empty stdout) in every other case, and no blocking on a busy registry lock.

use crate::env::{SB, TestEnv, stderr, stdout};
use serde::Deserialize;
use std::io::{Read, Write};
use std::process::{Output, Stdio};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HookOut {
    #[serde(rename = "hookSpecificOutput")]
    hook_specific_output: Specific,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Specific {
    #[serde(rename = "hookEventName")]
    hook_event_name: String,
    #[serde(rename = "additionalContext")]
    additional_context: String,
}

fn input(session: &str, source: &str) -> String {
    format!(
        r#"{{"session_id":"{session}","transcript_path":"/home/u/.claude/projects/-repo/{session}.jsonl","cwd":"/repo","hook_event_name":"SessionStart","source":"{source}"}}"#
    )
}

fn hook(env: &TestEnv, pane: Option<&str>, stdin: &str) -> Output {
    let mut c = env.sb();
    if let Some(p) = pane {
        c.env("TMUX_PANE", p);
    }
    c.args(["hook", "session-start"])
        .write_stdin(stdin)
        .output()
        .unwrap()
}

/// The additionalContext of a successful hook run.
fn context(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    let parsed: HookOut =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {:?}", stdout(out)));
    assert_eq!(parsed.hook_specific_output.hook_event_name, "SessionStart");
    parsed.hook_specific_output.additional_context
}

fn assert_silent(out: &Output, case: &str) {
    assert_eq!(out.status.code(), Some(0), "{case}: {}", stderr(out));
    assert_eq!(stdout(out), "", "{case}");
}

fn registry(env: &TestEnv) -> serde_json::Value {
    serde_json::from_str(&env.read("registry.json")).unwrap()
}

#[test]
fn briefs_a_registered_pane_and_records_the_session() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let _gestor = env.role("gestor");
    let brief = "You are dev.\nTake issues from gestor; \"quotes\" and \\ intact.";
    assert!(env.run(&["prompt", "set", "dev", brief]).status.success());

    let ctx = context(&hook(&env, Some(&dev.pane), &input("sess-1", "startup")));
    let first = ctx.lines().next().unwrap();
    assert!(
        first.starts_with("You are \"dev\" in sb (session bridge); peers: gestor."),
        "{first}"
    );
    assert!(ctx.ends_with(&format!("\n\n{brief}")), "{ctx}");
    let dev_entry = &registry(&env)["roles"]["dev"];
    assert_eq!(dev_entry["session_id"], "sess-1");
    assert_eq!(
        dev_entry["transcript_path"],
        "/home/u/.claude/projects/-repo/sess-1.jsonl"
    );
    assert!(
        registry(&env)["roles"]["gestor"]
            .get("session_id")
            .is_none()
    );

    // After /clear Claude Code starts a new session id: the briefing comes back, the id moves on.
    let again = context(&hook(&env, Some(&dev.pane), &input("sess-2", "clear")));
    assert_eq!(again, ctx);
    assert_eq!(registry(&env)["roles"]["dev"]["session_id"], "sess-2");
}

#[test]
fn says_nothing_when_it_has_nothing_to_say() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    let good = input("s", "startup");
    assert!(!stdout(&hook(&env, Some(&dev.pane), &good)).is_empty());

    assert_silent(&hook(&env, None, &good), "outside tmux (no TMUX_PANE)");
    assert_silent(&hook(&env, Some(""), &good), "empty TMUX_PANE");
    assert_silent(&hook(&env, Some("%999"), &good), "unregistered pane");
    assert_silent(&hook(&env, Some(&dev.pane), "garbage {"), "garbage stdin");
    assert_silent(&hook(&env, Some(&dev.pane), ""), "empty stdin");
    assert_silent(&hook(&env, Some(&dev.pane), "[1,2]"), "not an object");
    assert_silent(
        &hook(&env, Some(&dev.pane), r#"{"hook_event_name":"Stop"}"#),
        "another event",
    );

    assert!(env.run(&["prompt", "rm", "dev"]).status.success());
    assert_silent(&hook(&env, Some(&dev.pane), &good), "no prompt saved");

    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    std::fs::write(env.state.join("registry.json"), b"{\"roles\": [oops").unwrap();
    assert_silent(&hook(&env, Some(&dev.pane), &good), "corrupt registry.json");
    std::fs::write(env.state.join("registry.json"), b"").unwrap();
    assert_silent(&hook(&env, Some(&dev.pane), &good), "empty registry.json");
}

#[test]
fn a_pane_with_two_roles_gets_the_newer_one() {
    let env = TestEnv::new();
    let a = env.agent("pane", &[]);
    for role in ["zeta", "alpha"] {
        let out = env.run(&["register", role, "--pane", &a.pane]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            env.run(&["prompt", "set", role, &format!("brief of {role}")])
                .status
                .success()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let ctx = context(&hook(&env, Some(&a.pane), &input("s", "resume")));
    assert!(
        ctx.starts_with("You are \"alpha\" in sb (session bridge); peers: none registered yet."),
        "{ctx}"
    );
    assert!(ctx.ends_with("brief of alpha"), "{ctx}");
}

#[test]
fn a_busy_registry_lock_skips_the_recording_not_the_briefing() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(env.state.join("locks/registry.lock"))
        .unwrap();
    lock.lock().unwrap();
    let ctx = context(&hook(&env, Some(&dev.pane), &input("sess-9", "startup")));
    assert!(ctx.ends_with("\n\nbrief"), "{ctx}");
    assert!(registry(&env)["roles"]["dev"].get("session_id").is_none());
    lock.unlock().unwrap();
    context(&hook(&env, Some(&dev.pane), &input("sess-9", "startup")));
    assert_eq!(registry(&env)["roles"]["dev"]["session_id"], "sess-9");
}

#[test]
fn stdin_that_never_closes_does_not_hang_the_hook() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    let mut child = std::process::Command::new(SB)
        .env_clear()
        .env("HOME", &env.home)
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("TMUX_PANE", &dev.pane)
        .args(["hook", "session-start"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(input("s", "startup").as_bytes()).unwrap();
    // The pipe stays open (as a stuck writer would keep it) until the hook has exited.
    let status = child.wait().unwrap();
    drop(pipe);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(status.success());
    let parsed: HookOut = serde_json::from_str(&out).unwrap();
    assert!(
        parsed
            .hook_specific_output
            .additional_context
            .ends_with("brief")
    );
}

#[test]
fn a_pane_id_reused_by_a_restarted_server_gets_no_briefing() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(
        env.run(&["prompt", "set", "dev", "secret briefing"])
            .status
            .success()
    );
    let server_pid = registry(&env)["roles"]["dev"]["server_pid"]
        .as_u64()
        .unwrap();
    let run = |pid: u64| {
        env.sb()
            .env("TMUX_PANE", &dev.pane)
            .env("TMUX", format!("{},{pid},0", env.sock.display()))
            .args(["hook", "session-start"])
            .write_stdin(input("sess-1", "startup"))
            .output()
            .unwrap()
    };
    assert!(
        context(&run(server_pid)).contains("secret briefing"),
        "same server: briefed"
    );
    let other = run(server_pid + 1);
    assert_eq!(other.status.code(), Some(0));
    assert!(
        other.stdout.is_empty(),
        "another server's pane %N: silent, got {:?}",
        stdout(&other)
    );
}

fn before_agent(env: &TestEnv, pane: &str, session: &str) -> Output {
    let stdin = format!(
        r#"{{"session_id":"{session}","transcript_path":"/h/.gemini/tmp/work/chats/session-{session}.jsonl","cwd":"/repo","hook_event_name":"BeforeAgent","prompt":"hi"}}"#
    );
    env.sb()
        .env("TMUX_PANE", pane)
        .args(["hook", "before-agent"])
        .write_stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn before_agent_briefs_each_session_on_its_first_prompt_only() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(
        env.run(&["prompt", "set", "dev", "the gemini brief"])
            .status
            .success()
    );

    let out = before_agent(&env, &dev.pane, "g-1");
    let parsed: HookOut =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    assert_eq!(parsed.hook_specific_output.hook_event_name, "BeforeAgent");
    assert!(
        parsed
            .hook_specific_output
            .additional_context
            .ends_with("\n\nthe gemini brief")
    );
    assert_eq!(registry(&env)["roles"]["dev"]["session_id"], "g-1");
    assert_eq!(
        registry(&env)["roles"]["dev"]["transcript_path"],
        "/h/.gemini/tmp/work/chats/session-g-1.jsonl"
    );
    // Later prompts of the same session: nothing.
    assert_silent(&before_agent(&env, &dev.pane, "g-1"), "second prompt");
    assert_silent(&before_agent(&env, &dev.pane, "g-1"), "third prompt");
    // After /clear Gemini starts a new session id: briefed again, once.
    assert!(!stdout(&before_agent(&env, &dev.pane, "g-2")).is_empty());
    assert_silent(
        &before_agent(&env, &dev.pane, "g-2"),
        "second prompt after /clear",
    );
    assert_eq!(registry(&env)["roles"]["dev"]["session_id"], "g-2");
    // No session id, or another event: nothing (it could not brief only once).
    let out = env
        .sb()
        .env("TMUX_PANE", &dev.pane)
        .args(["hook", "before-agent"])
        .write_stdin(r#"{"hook_event_name":"BeforeAgent","prompt":"hi"}"#)
        .output()
        .unwrap();
    assert_silent(&out, "no session id");
    // Without a state dir (nothing registered on this machine): silent, and nothing is created.
    let fresh = env.dir.path().join("no-state-yet");
    let out = env
        .sb()
        .env("TMUX_PANE", &dev.pane)
        .env("SESSION_BRIDGE_DIR", &fresh)
        .args(["hook", "before-agent"])
        .write_stdin(r#"{"session_id":"x","hook_event_name":"BeforeAgent"}"#)
        .output()
        .unwrap();
    assert_silent(&out, "no state dir");
    assert!(!fresh.exists());
    // A session briefed while no prompt was saved is briefed once one is.
    let bare = env.role("bare");
    assert_silent(&before_agent(&env, &bare.pane, "b-1"), "no prompt saved");
    assert!(
        env.run(&["prompt", "set", "bare", "late brief"])
            .status
            .success()
    );
    assert!(!stdout(&before_agent(&env, &bare.pane, "b-1")).is_empty());
}

#[test]
fn before_agent_remembers_a_bounded_number_of_sessions() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    assert!(env.run(&["prompt", "set", "dev", "brief"]).status.success());
    let list = env.state.join("briefed-sessions");
    std::fs::write(
        &list,
        (0..300).map(|i| format!("old-{i}\n")).collect::<String>(),
    )
    .unwrap();
    assert_silent(&before_agent(&env, &dev.pane, "old-299"), "remembered");
    assert!(!stdout(&before_agent(&env, &dev.pane, "new-1")).is_empty());
    let kept: Vec<String> = std::fs::read_to_string(&list)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(kept.len(), 256);
    assert_eq!(kept.last().map(String::as_str), Some("new-1"));
    assert_eq!(kept[0], "old-45");
}
