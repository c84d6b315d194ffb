//! Dialog bodies (`detail`) and fingerprints, drafts under a busy agent, exited agents, agent
//! recognition: built from the real screens of all three agents.

use super::fixtures::{SCREENS, load_all};
use crate::detect::{Agent, MAX_DETAIL, State, classify, recognise_command};

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{SCREENS}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn fingerprint_covers_the_command_being_approved() {
    for form in ["txt", "ansi"] {
        let touch = read(&format!("claude-code/45-bash-permission-prompt.{form}"));
        let a = classify(&touch, None);
        assert_eq!(a.state, State::WaitingSelect, "{form}");
        assert_eq!(
            a.detail.as_deref(),
            Some("touch /srv/agents/proj/created-by-bash.txt"),
            "{form}"
        );
        // The same prompt for another command: same question and options, another body.
        let rm = touch.replace(
            "touch /srv/agents/proj/created-by-bash.txt",
            "rm -rf /srv/agents/proj",
        );
        let b = classify(&rm, None);
        assert_eq!(b.state, State::WaitingSelect, "{form}");
        assert_eq!(a.question, b.question, "{form}");
        assert_eq!(a.options.len(), b.options.len(), "{form}");
        assert_eq!(
            b.detail.as_deref(),
            Some("rm -rf /srv/agents/proj"),
            "{form}"
        );
        assert_ne!(a.fingerprint(), b.fingerprint(), "{form}");
    }
    // Moving the cursor keeps the fingerprint (plain form: the cursor is the `❯` column).
    let touch = read("claude-code/45-bash-permission-prompt.txt");
    let moved = touch.replacen(" ❯ 1. Yes\n", "   1. Yes\n", 1).replacen(
        "   2. Yes, and always",
        " ❯ 2. Yes, and always",
        1,
    );
    assert_ne!(moved, touch, "the cursor was moved");
    let (a, b) = (classify(&touch, None), classify(&moved, None));
    assert!(b.options[1].selected && !b.options[0].selected);
    assert_eq!(a.fingerprint(), b.fingerprint());
}

#[test]
fn detail_says_what_each_agent_asks_to_approve() {
    let cases = [
        (
            "claude-code/50-edit-approval-prompt",
            "1 +# test project (edited by mock)",
        ),
        (
            "claude-code/67-webfetch-permission-prompt",
            "url: https://example.com/",
        ),
        (
            "claude-code/65-mcp-tool-permission-prompt",
            "text: \"hello via MCP\"",
        ),
        (
            "codex/09-approval-exec-command",
            "$ touch /srv/work/proj-codex/created-by-shell.txt",
        ),
        ("codex/21-plan-mode-implement-this-plan", "Create hello.txt"),
        ("codex/01-firstrun-trust-folder", "/srv/work/proj-codex"),
        (
            "gemini/08-approval-shell-command",
            "touch created-by-shell.txt",
        ),
        (
            "gemini/14-approval-write-file-edit",
            "1 hello from the edit",
        ),
        ("gemini/27-approval-enter-plan-mode", "Enter Plan Mode"),
    ];
    for (name, want) in cases {
        for form in ["txt", "ansi"] {
            let d = classify(&read(&format!("{name}.{form}")), None);
            let detail = d.detail.unwrap_or_default();
            assert!(detail.contains(want), "{name}.{form}: {detail:?}");
            assert!(
                !detail.contains(d.question.as_deref().unwrap_or("\0")),
                "{name}.{form}: the question is not the body: {detail:?}"
            );
        }
    }
    // Only open dialogs have a body; it is trimmed and bounded.
    for f in load_all() {
        for text in [&f.txt, &f.ansi].into_iter().flatten() {
            let d = classify(text, None);
            if d.state != State::WaitingSelect {
                assert!(d.detail.is_none(), "{}: {:?}", f.name, d.detail);
            }
            if let Some(x) = &d.detail {
                assert!(
                    x.chars().count() <= MAX_DETAIL && x.trim() == x,
                    "{}",
                    f.name
                );
            }
        }
    }
    let long = read("claude-code/45-bash-permission-prompt.txt").replace(
        " touch /srv/agents/proj/created-by-bash.txt\n",
        &" echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
            .repeat(40),
    );
    let d = classify(&long, None);
    assert_eq!(d.state, State::WaitingSelect);
    assert_eq!(d.detail.map(|x| x.chars().count()), Some(MAX_DETAIL));
}

/// `text` with `from` (the empty input box as captured) replaced by `to` (text typed into it).
fn typed(name: &str, from: &str, to: &str) -> String {
    let t = read(name);
    assert!(t.contains(from), "{name} has {from:?}");
    t.replacen(from, to, 1)
}

#[test]
fn a_draft_under_a_busy_agent_is_reported() {
    let cases = [
        // Claude Code: `❯ half-typed…` under `✻ Working…`.
        (
            typed(
                "claude-code/43-busy-streaming-spinner-frame2.txt",
                "❯\u{a0}\n",
                "❯\u{a0}half-typed reply\n",
            ),
            Agent::Claude,
        ),
        (
            typed(
                "claude-code/43-busy-streaming-spinner-frame2.ansi",
                "❯\u{a0}\x1b[7m\x1b[39m \x1b[0m",
                "❯\u{a0}\x1b[38;5;231mhalf-typed reply\x1b[7m \x1b[0m",
            ),
            Agent::Claude,
        ),
        // Codex: the composer with a draft while `◦ Working (5s • esc to interrupt)`.
        (
            typed(
                "codex/14-busy-working-thinking.txt",
                "› Ask Codex to do anything",
                "› half-typed reply",
            ),
            Agent::Codex,
        ),
        (
            typed(
                "codex/14-busy-working-thinking.ansi",
                "\x1b[2mAsk Codex to do anything",
                "half-typed reply",
            ),
            Agent::Codex,
        ),
        // Codex streaming a reply (no busy line at all).
        (
            typed(
                "codex/13-busy-streaming-reply.txt",
                "› Ask Codex to do anything",
                "› half-typed reply",
            ),
            Agent::Codex,
        ),
        // Gemini: `> half-typed` under `⠦ Thinking...`.
        (
            typed(
                "gemini/21-busy-thinking.txt",
                " >   Type your message or @path/to/file",
                " > half-typed reply",
            ),
            Agent::Gemini,
        ),
        (
            typed(
                "gemini/21-busy-thinking.ansi",
                "\x1b[7m\x1b[39m \x1b[0m\x1b[38;5;248m\x1b[48;5;240m Type your message or @path/to/file",
                "\x1b[38;5;231mhalf-typed reply\x1b[7m \x1b[0m",
            ),
            Agent::Gemini,
        ),
    ];
    for (i, (screen, agent)) in cases.iter().enumerate() {
        let d = classify(screen, None);
        assert_eq!(d.agent, *agent, "case {i}");
        assert_eq!(d.state, State::Busy, "case {i}: {:?}", d.evidence);
        assert_eq!(d.draft.as_deref(), Some("half-typed reply"), "case {i}");
    }
    // The same busy screens as captured (placeholder or empty box) have no draft.
    for name in [
        "claude-code/43-busy-streaming-spinner-frame2",
        "codex/14-busy-working-thinking",
        "gemini/21-busy-thinking",
    ] {
        let d = classify(&read(&format!("{name}.ansi")), None);
        assert_eq!((d.state, d.draft), (State::Busy, None), "{name}");
    }
}

#[test]
fn exited_and_killed_agents_are_unknown() {
    let cases = [
        // kill -9: the last frame stays and the shell prompt is glued on.
        typed(
            "codex/06-idle-draft-typed.txt",
            "› hello there SCN_TEXT\n\n",
            "› hello there SCN_TEXTKilled\n$\n",
        ),
        typed(
            "gemini/05-idle-draft-typed.txt",
            " > hello there SCN_TEXT\n",
            " > hello there SCN_TEXT$\n",
        ),
        read("codex/05-idle-empty-prompt-splash.txt") + "$ \n",
        read("gemini/04-idle-empty-prompt-firstrun.txt")
            .trim_end()
            .to_string()
            + "\nuser@host:~/proj$ \n",
        // The kill message fits on the composer row; the prompt is glued to the footer.
        typed(
            "codex/05-idle-empty-prompt-splash.txt",
            "› Ask Codex to do anything\n\n  GPT-5.5 default · /srv/work/proj-codex\n  ← for agents · ? for shortcuts",
            "› bash: line 1: 22344 Killed    codex\n\n  GPT-5.5 default · /srv/work/proj-codex\n  ← for agents · ? for shortcuts      sbshell$",
        ),
        typed(
            "gemini/04-idle-empty-prompt-firstrun.txt",
            "no sandbox                                       Auto",
            "no sandbox                                       Auto root@host:/#",
        ),
        read("codex/31-exited-to-shell-after-slash-quit.txt"),
        read("gemini/39-exited-to-shell-after-slash-quit.txt"),
    ];
    for (i, c) in cases.iter().enumerate() {
        let d = classify(c, None);
        assert_eq!(d.state, State::Unknown, "case {i}: {:?}", d.evidence);
        assert_ne!(d.agent, Agent::Claude, "case {i}");
        assert!(d.draft.is_none(), "case {i}");
    }
}

#[test]
fn a_percentage_at_the_end_of_a_footer_is_no_shell_prompt() {
    let t = typed(
        "gemini/04-idle-empty-prompt-firstrun.txt",
        "no sandbox                                       Auto",
        "no sandbox                                       Auto (95%",
    );
    assert_eq!(classify(&t, None).state, State::Idle);
    let t = typed(
        "codex/05-idle-empty-prompt-splash.txt",
        "← for agents · ? for shortcuts",
        "← for agents · ? for shortcuts · 100%",
    );
    assert_eq!(classify(&t, None).state, State::Idle);
}

#[test]
fn agents_are_told_apart_by_structure_not_words() {
    // A Codex answer that mentions Claude Code (a `Tip:` line) is still Codex.
    let d = classify(&read("codex/08-waiting-text-prose-question.txt"), None);
    assert_eq!(d.agent, Agent::Codex);
    // A stale title of another agent does not override what the screen shows.
    for f in load_all() {
        let Some(t) = &f.txt else { continue };
        let folder = f.name.split('/').next().unwrap_or("");
        let want = match folder {
            "codex" => Agent::Codex,
            "gemini" => Agent::Gemini,
            _ => continue,
        };
        for title in ["✳ Claude Code", "Gemini CLI (proj)", "bash"] {
            let d = classify(t, Some(title));
            assert_eq!(d.state, f.expected.state, "{} with title {title}", f.name);
            if f.expected.state != State::Unknown || folder != "claude-code" {
                assert_eq!(d.agent, want, "{} with title {title}", f.name);
            }
        }
    }
}

#[test]
fn pane_commands_name_agents() {
    for (cmd, want) in [
        ("claude", Some(Agent::Claude)),
        ("codex", Some(Agent::Codex)),
        ("gemini", Some(Agent::Gemini)),
        ("/usr/local/bin/codex", Some(Agent::Codex)),
        ("codex-x86_64-unknown-linux-musl", Some(Agent::Codex)),
        ("Gemini.exe", Some(Agent::Gemini)),
        (" claude ", Some(Agent::Claude)),
        ("node", None),
        ("bash", None),
        ("zsh", None),
        ("", None),
        ("codexx", None),
        ("claude2", None),
        ("2.1.332", None),
        ("géminî", None),
    ] {
        assert_eq!(recognise_command(cmd), want, "{cmd:?}");
    }
}

/// Gemini's multi-select as its code draws it: numbered options with boxes, `All of the above`,
/// the free-text row, and an un-numbered `Done` row (with its description under it).
fn gemini_multiselect(cursor_on: usize) -> String {
    // (row text from column 2, after the two-column cursor cell; whether it starts an option).
    let rows = [
        ("1. [x] date-fns", true),
        ("       Small and modular.", false),
        ("2. [ ] Luxon", true),
        ("3. [ ] All of the above", true),
        ("       Select all options", false),
        ("4. [ ]  Enter a custom value", true),
        (" Done", true),
        (" Finish selection", false),
    ];
    let w = 60;
    let mut out = vec![
        format!("╭{}╮", "─".repeat(w)),
        format!("│ {:<1$}│", "Answer Questions", w - 1),
        format!("│ {:<1$}│", "", w - 1),
        format!("│ {:<1$}│", "Which libraries should we use?", w - 1),
        format!("│ {:<1$}│", "(Select all that apply)", w - 1),
        format!("│ {:<1$}│", "", w - 1),
    ];
    let mut option = 0;
    for (r, starts_option) in rows {
        option += usize::from(starts_option);
        let cell = if starts_option && option == cursor_on {
            "● "
        } else {
            "  "
        };
        out.push(format!("│ {:<1$}│", format!("{cell}{r}"), w - 1));
    }
    out.push(format!("│ {:<1$}│", "", w - 1));
    out.push(format!(
        "│ {:<1$}│",
        "Enter to select · ↑/↓ to navigate · Esc to cancel",
        w - 1
    ));
    out.push(format!("╰{}╯", "─".repeat(w)));
    out.join("\n") + "\n"
}

#[test]
fn gemini_multiselect_done_is_a_row() {
    let labels = [
        "date-fns",
        "Luxon",
        "All of the above",
        "Enter a custom value",
        "Done",
    ];
    for cursor in 1..=5 {
        let d = classify(&gemini_multiselect(cursor), None);
        assert_eq!(d.state, State::WaitingSelect, "cursor {cursor}");
        assert_eq!(d.agent, Agent::Gemini);
        assert_eq!(
            d.question.as_deref(),
            Some("Which libraries should we use?")
        );
        let got: Vec<&str> = d.options.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(got, labels, "cursor {cursor}");
        let selected: Vec<bool> = d.options.iter().map(|o| o.selected).collect();
        assert_eq!(
            selected,
            (1..=5).map(|i| i == cursor).collect::<Vec<_>>(),
            "cursor {cursor}"
        );
        let checked: Vec<Option<bool>> = d.options.iter().map(|o| o.checked).collect();
        assert_eq!(
            checked,
            [Some(true), Some(false), Some(false), Some(false), None]
        );
        assert_eq!(d.options[4].number, None);
    }
}
