//! Unit tests on small synthesized screens: one rule each, plus the public API's small parts.

use super::fixtures::SCREENS;
use crate::detect::{Agent, State, classify};

fn rule(w: usize) -> String {
    "─".repeat(w)
}

/// An input box screen with `above` on top and `draft` rows in the box.
fn boxed(above: &str, draft: &str, footer: &str) -> String {
    format!(
        "{above}\n{}\n❯\u{a0}{draft}\n{}\n  {footer}\n",
        rule(80),
        rule(80)
    )
}

#[test]
fn interrupted_turn_waits_for_text() {
    let s = boxed(
        "● Fetch(https://example.com/)\n  ⎿  Interrupted · What should Claude do instead?\n",
        "",
        "? for shortcuts",
    );
    let d = classify(&s, None);
    assert_eq!(d.state, State::WaitingText);
    assert_eq!(
        d.question.as_deref(),
        Some("What should Claude do instead?")
    );
}

#[test]
fn spinner_glyphs_and_finished_turns() {
    for g in ['·', '✢', '✳', '✶', '✻', '✽', '*'] {
        let s = boxed(
            &format!("❯ go\n\n{g} Pondering… (2s · ↓ 9 tokens)\n"),
            "",
            "? for shortcuts",
        );
        assert_eq!(classify(&s, None).state, State::Busy, "glyph {g}");
        let s = boxed(
            &format!("❯ go\n\n{g} Pondering…\n  ⎿  ◻ step one\n  ⎿  ◻ step two\n"),
            "",
            "",
        );
        assert_eq!(
            classify(&s, None).state,
            State::Busy,
            "glyph {g} with todo rows"
        );
    }
    let done = boxed(
        "● Done.\n\n✻ Cooked for 15s · done 11:00 AM\n",
        "",
        "? for shortcuts",
    );
    assert_eq!(classify(&done, None).state, State::Idle);
    let hook = boxed("  ⎿  (running SessionStart hook…)\n", "", "");
    assert_eq!(classify(&hook, None).state, State::Busy);
    // A bullet list in the reply is indented under its message, never a spinner.
    let list = boxed(
        "● Steps:\n  * first step…\n  * then more…\n",
        "",
        "? for shortcuts",
    );
    assert_eq!(classify(&list, None).state, State::Idle);
}

#[test]
fn drafts_multi_line_and_placeholders() {
    let s = boxed("", "first line\n  second line\n", "? for shortcuts");
    assert_eq!(
        classify(&s, None).draft.as_deref(),
        Some("first line\nsecond line")
    );
    let dim = format!(
        "{}\n❯\u{a0}\x1b[7mR\x1b[0;2mesend your message\x1b[0m\n{}\n",
        rule(80),
        rule(80)
    );
    assert_eq!(classify(&dim, None).draft, None);
    let typed = format!(
        "{}\n❯\u{a0}Resend now\x1b[7m \x1b[0m\n{}\n",
        rule(80),
        rule(80)
    );
    assert_eq!(classify(&typed, None).draft.as_deref(), Some("Resend now"));
    // A typed draft is idle even when the reply above asked a question.
    let asked = boxed("● Which one?\n", "the first", "");
    let d = classify(&asked, None);
    assert_eq!(
        (d.state, d.draft.as_deref()),
        (State::Idle, Some("the first"))
    );
}

#[test]
fn wrapped_labels_join_and_descriptions_stay_out() {
    let s = format!(
        "{}\n Do you want to proceed?\n ❯ 1. Yes\n   2. Yes, and always allow access to this very long directory\n      name from this project\n   3. No\n\n Esc to cancel\n",
        rule(64)
    );
    let d = classify(&s, None);
    let labels: Vec<_> = d.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Yes",
            "Yes, and always allow access to this very long directory name from this project",
            "No"
        ]
    );
    assert_eq!(d.footer.as_deref(), Some("Esc to cancel"));
}

#[test]
fn review_tab_question_is_its_title() {
    let s = format!(
        "{}\n←  ☒ Database  ☒ Features  ✔ Submit  →\n\nReview your answers\n\n ● Which database should the service use?\n   → SQLite\n\nReady to submit your answers?\n\n❯ 1. Submit answers\n  2. Cancel\n\nEnter to select · Esc to cancel\n",
        rule(80)
    );
    let d = classify(&s, None);
    assert_eq!(d.state, State::WaitingSelect);
    assert!(
        d.question
            .as_deref()
            .unwrap_or("")
            .contains("Review your answers"),
        "{d:?}"
    );
    assert_eq!(d.tabs, ["☒ Database", "☒ Features", "✔ Submit"]);
}

#[test]
fn old_menu_in_scrollback_does_not_count() {
    let old = format!(
        "{}\n Do you want to proceed?\n ❯ 1. Yes\n   2. No\n",
        rule(80)
    );
    let s = boxed(&format!("{old}\n● Done.\n"), "", "? for shortcuts");
    assert_eq!(classify(&s, None).state, State::Idle);
}

#[test]
fn agents_and_api_basics() {
    assert_eq!(classify("", None).state, State::Unknown);
    assert_eq!(classify("", None).agent, Agent::Unknown);
    assert_eq!(
        classify(">_ OpenAI Codex (v0.1)\n", None).agent,
        Agent::Codex
    );
    assert_eq!(
        classify("hello\n", Some("Gemini CLI (proj)")).agent,
        Agent::Gemini
    );
    assert_eq!(classify(&boxed("", "", ""), None).agent, Agent::Claude);
    assert_eq!(State::WaitingSelect.as_str(), "waiting_select");
    assert_eq!(State::WaitingText.to_string(), "waiting_text");
    assert!(State::WaitingText.is_waiting() && !State::Busy.is_waiting());
    assert_eq!(serde_json::to_string(&Agent::Claude).unwrap(), "\"claude\"");
    let json = serde_json::to_value(classify(&boxed("", "x", ""), None)).unwrap();
    for key in [
        "state", "agent", "question", "options", "tabs", "draft", "detail", "footer", "evidence",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn fingerprint_follows_the_menu_not_the_cursor() {
    let read = |n: &str| std::fs::read_to_string(format!("{SCREENS}/claude-code/{n}.txt")).unwrap();
    let a = classify(&read("04-custom-api-key-approval-dialog"), None);
    let b = classify(&read("05-custom-api-key-dialog-after-Up"), None);
    let c = classify(&read("45-bash-permission-prompt"), None);
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.fingerprint(), c.fingerprint());
    assert_eq!(a.fingerprint(), a.clone().fingerprint());
}

#[test]
fn narrow_pane_wraps_footer_spinner_and_press_enter() {
    let s = format!(
        "❯ go\n\n✶ Leavening… (12s · ↓ 3 tokens · esc to\ninterrupt)\n{}\n❯\u{a0}\n{}\n  ⏸ manual mode on · esc to\n  interrupt\n",
        rule(40),
        rule(40)
    );
    let d = classify(&s, None);
    assert_eq!(
        (d.state, d.evidence.rule.as_str()),
        (State::Busy, "claude.footer_busy")
    );
    let s = s.replace("esc to\n  interrupt", "? for\n  shortcuts");
    assert_eq!(
        classify(&s, None).state,
        State::Busy,
        "spinner whose stats wrapped"
    );
    let press = "✘ OAuth error: sign-in failed.\n\nPress Enter to retry (Esc to continue\nwithout logging in)\n";
    let d = classify(press, None);
    assert_eq!(
        (d.state, d.question.as_deref()),
        (State::WaitingSelect, Some("Press Enter to retry"))
    );
}

#[test]
fn labelled_rule_and_plain_space_prompt_still_make_a_box() {
    let s = format!(
        "● Hi.\n\n──── plan ──{}\n❯ draft text\n{}\n  ? for shortcuts\n",
        "─".repeat(60),
        rule(70)
    );
    let d = classify(&s, None);
    assert_eq!(
        (d.state, d.draft.as_deref()),
        (State::Idle, Some("draft text"))
    );
}
