//! The guard on every real screen in tests/fixtures/screens, both forms, and on each refusal rule.

use super::{AgentStatus, verdict};
use crate::detect::{State, classify};
use std::path::PathBuf;

const SCREENS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/screens");

/// (path of the capture, expected state, expected draft) for every fixture capture, both forms.
fn captures() -> Vec<(PathBuf, State, Option<String>)> {
    let mut out = Vec::new();
    for agent in std::fs::read_dir(SCREENS).unwrap().flatten() {
        if !agent.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(agent.path()).unwrap().flatten() {
            let p = f.path().to_string_lossy().into_owned();
            let Some(stem) = p.strip_suffix(".expected.json") else {
                continue;
            };
            let exp: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let state: State = serde_json::from_value(exp["state"].clone()).unwrap();
            let draft = exp["draft"].as_str().map(str::to_string);
            for ext in ["txt", "ansi"] {
                let cap = PathBuf::from(format!("{stem}.{ext}"));
                if cap.exists() {
                    out.push((cap, state, draft.clone()));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_fixture_screen_is_deliverable_exactly_when_its_state_allows() {
    let all = captures();
    assert!(all.len() >= 94, "only {} captures found", all.len());
    let mut failures = Vec::new();
    for (path, state, draft) in &all {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let det = classify(&text, None);
        let v = verdict("dev", &det, None, None);
        // A busy Codex is refused too: a message would change its running turn.
        let codex = path.parent().is_some_and(|d| d.ends_with("codex"));
        let want = match state {
            State::WaitingSelect | State::Unknown => false,
            State::Idle => draft.is_none(),
            State::Busy => draft.is_none() && !codex,
            State::WaitingText => true,
        };
        if v.deliverable != want {
            failures.push(format!(
                "{}: expected state {state}, deliverable {want}; got {v:?} (classified {})",
                path.display(),
                det.state
            ));
        }
        // A refusal always says why and what to do; a delivery says nothing.
        assert_eq!(v.deliverable, v.refusal.is_none(), "{}", path.display());
        assert_eq!(v.deliverable, v.hint.is_none(), "{}", path.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn fixture(agent: &str, name: &str) -> String {
    std::fs::read_to_string(format!("{SCREENS}/{agent}/{name}.txt")).unwrap()
}

fn first_with_state(state: State, draft: bool) -> String {
    for (path, s, d) in captures() {
        if s == state && d.is_some() == draft && path.extension().unwrap() == "txt" {
            return std::fs::read_to_string(path).unwrap();
        }
    }
    panic!("no fixture with state {state}");
}

#[test]
fn a_shell_in_the_foreground_is_refused_whatever_the_screen_shows() {
    let idle = first_with_state(State::Idle, false);
    let det = classify(&idle, None);
    assert!(verdict("dev", &det, Some("node"), None).deliverable);
    assert!(verdict("dev", &det, Some("claude"), None).deliverable);
    for shell in ["bash", "-bash", "zsh", "fish", "sh", "dash", "less", "vim"] {
        let v = verdict("dev", &det, Some(shell), None);
        assert!(!v.deliverable, "{shell}");
        let r = v.refusal.unwrap();
        assert!(r.contains("agent is not running"), "{r}");
        assert!(r.contains(shell.trim_start_matches('-')), "{r}");
    }
}

#[test]
fn the_agent_saying_it_waits_is_refused_even_on_an_idle_screen() {
    let idle = first_with_state(State::Idle, false);
    let det = classify(&idle, None);
    let waiting = AgentStatus {
        status: "waiting".into(),
        waiting_for: Some("permission prompt".into()),
        source: "/h/.claude/sessions/42.json".into(),
    };
    let v = verdict("dev", &det, Some("claude"), Some(&waiting));
    assert!(!v.deliverable);
    assert!(v.refusal.unwrap().contains("permission prompt"));
    for status in ["idle", "busy"] {
        let s = AgentStatus {
            status: status.into(),
            waiting_for: None,
            source: "x".into(),
        };
        assert!(verdict("dev", &det, Some("claude"), Some(&s)).deliverable);
    }
}

#[test]
fn a_menu_refusal_names_the_guarded_respond_command() {
    let menu = fixture("claude-code", "45-bash-permission-prompt");
    let det = classify(&menu, None);
    assert_eq!(det.state, State::WaitingSelect);
    let v = verdict("dev", &det, None, None);
    let hint = v.hint.unwrap();
    assert!(
        hint.contains(&format!("--option 1 --expect {}", det.fingerprint())),
        "{hint}"
    );
}

#[test]
fn blank_and_unrecognised_screens_are_refused() {
    for text in [
        "",
        "\n\n\n",
        "$ ls\nfile\n$ ",
        "some program output\nmore\n",
    ] {
        let det = classify(text, None);
        let v = verdict("dev", &det, None, None);
        assert!(!v.deliverable, "{text:?}: {det:?}");
        assert!(v.refusal.unwrap().contains("cannot tell"), "{text:?}");
    }
}

#[test]
fn a_busy_codex_is_refused_and_a_busy_claude_or_gemini_is_not() {
    for (agent, want) in [("codex", false), ("gemini", true), ("claude-code", true)] {
        let busy = captures()
            .into_iter()
            .find(|(p, s, d)| {
                *s == State::Busy
                    && d.is_none()
                    && p.parent().is_some_and(|x| x.ends_with(agent))
                    && p.extension().unwrap() == "txt"
            })
            .unwrap_or_else(|| panic!("no busy {agent} screen"));
        let det = classify(&std::fs::read_to_string(&busy.0).unwrap(), None);
        let v = verdict("dev", &det, None, None);
        assert_eq!(v.deliverable, want, "{}: {v:?}", busy.0.display());
        if !want {
            assert!(v.refusal.unwrap().contains("abandons the request"));
            assert!(v.hint.unwrap().contains("--when-ready"));
        }
    }
}

#[test]
fn raw_keys_go_to_a_recognised_agent_and_never_quit_it() {
    use super::keys_verdict;
    let keys = |k: &[&str]| k.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    let menu = classify(&fixture("claude-code", "45-bash-permission-prompt"), None);
    assert!(keys_verdict("dev", &menu, Some("claude"), &keys(&["Down", "Enter"])).deliverable);
    let v = keys_verdict("dev", &menu, Some("bash"), &keys(&["y"]));
    assert!(v.refusal.unwrap().contains("not running"));
    let blank = classify("", None);
    assert!(!keys_verdict("dev", &blank, None, &keys(&["Enter"])).deliverable);
    let codex = classify(&fixture("codex", "07-idle-after-reply"), None);
    let v = keys_verdict("dev", &codex, None, &keys(&["C-c"]));
    assert!(v.refusal.unwrap().contains("quits or interrupts"));
    assert!(keys_verdict("dev", &codex, None, &keys(&["Escape"])).deliverable);
}

#[test]
fn an_agent_still_starting_is_refused_until_it_has_started() {
    let idle = fixture("codex", "92-lab-120x40-01-idle");
    let det = classify(&idle, None);
    assert_eq!(det.state, State::Idle);
    let starting = AgentStatus {
        status: "starting".into(),
        waiting_for: None,
        source: "codex started 2.0 s ago; its footer does not name the model and folder yet".into(),
    };
    let v = verdict("rev", &det, Some("codex"), Some(&starting));
    assert!(!v.deliverable);
    assert!(v.refusal.unwrap().contains("still starting"));
    assert!(v.hint.unwrap().contains("--when-ready"));
    assert!(verdict("rev", &det, Some("codex"), None).deliverable);
}

#[test]
fn codex_has_started_once_its_footer_names_the_model_and_folder() {
    use crate::detect::codex_session_ready as ready;
    // Just started: the composer without the model · cwd row (both sizes).
    assert!(!ready(&fixture("codex", "92-lab-120x40-01-idle")));
    assert!(!ready(&fixture("codex", "91-lab-80x24-01-idle")));
    // Started: the row is there, with or without a thread title after the folder.
    for name in [
        "05-idle-empty-prompt-splash",
        "07-idle-after-reply",
        "91-lab-80x24-02-idle-draft",
        "91-lab-80x24-04-idle-after-reply",
        "13-busy-streaming-reply",
    ] {
        assert!(ready(&fixture("codex", name)), "{name}");
    }
    // A menu or a shell is not a started composer.
    assert!(!ready(&fixture("codex", "09-approval-exec-command")));
    assert!(!ready(&fixture(
        "codex",
        "31-exited-to-shell-after-slash-quit"
    )));
    assert!(!ready(""));
}
